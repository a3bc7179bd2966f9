// Preloaded with `node --import`: writes this process's peak RSS and CPU time to $WSX_BENCH_USAGE at exit,
// and the frames written to stdout per second (Ink writes a frame in one call, wrapped in separate short
// writes for synchronized output and the cursor, which are not counted).
import { writeFileSync } from 'node:fs';

const file = process.env.WSX_BENCH_USAGE;
if (file) {
  const perSecond = new Map();
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (chunk, ...rest) => {
    if (chunk.length <= 16) return write(chunk, ...rest);
    const second = Math.floor(performance.now() / 1000);
    perSecond.set(second, (perSecond.get(second) ?? 0) + 1);
    return write(chunk, ...rest);
  };
  process.on('exit', () => {
    const u = process.resourceUsage();
    const counts = [...perSecond.values()];
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: u.maxRSS,
        cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
        frames: counts.reduce((a, b) => a + b, 0),
        maxFramesPerSecond: Math.max(0, ...counts),
      }),
    );
  });
}
