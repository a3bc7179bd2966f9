// Preloaded with `node --import`: writes this process's peak RSS and CPU time to $WSX_BENCH_USAGE at exit.
import { writeFileSync } from 'node:fs';

const file = process.env.WSX_BENCH_USAGE;
if (file) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(
      file,
      JSON.stringify({ maxRssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }),
    );
  });
}
