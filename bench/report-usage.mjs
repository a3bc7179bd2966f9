// Preloaded with `node --import`: writes this process's peak RSS, CPU time and the heap left after a full
// garbage collection (what the process still holds: caches, buffers) to $WSX_BENCH_USAGE at exit, and the frames written to stdout per second (Ink writes a frame in one call, wrapped in separate short
// writes for synchronized output and the cursor, which are not counted).
import { writeFileSync } from 'node:fs';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

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
  // gc() without starting Node with --expose-gc: the flag takes effect for contexts made after it.
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc');
  process.on('exit', () => {
    const u = process.resourceUsage();
    gc();
    const heapAfterGcKiB = Math.round(process.memoryUsage().heapUsed / 1024);
    const counts = [...perSecond.values()];
    writeFileSync(
      file,
      JSON.stringify({
        maxRssKiB: u.maxRSS,
        heapAfterGcKiB,
        cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000,
        frames: counts.reduce((a, b) => a + b, 0),
        maxFramesPerSecond: Math.max(0, ...counts),
      }),
    );
  });
}
