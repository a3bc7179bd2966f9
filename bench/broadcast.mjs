// npm run bench's broadcast rows (also `node bench/broadcast.mjs` alone): wsx serve --mode broadcast against
// ws's README broadcast loop (the same-runtime floor), each in its own process, with the same client
// (bench/broadcast-client.mjs: N subscribers and one publisher in another process). The figure is the time
// from a message's send until the last subscriber has it, over K messages sent one after another, and the
// reach. A measurement, never a test: it exits 0 whatever the figures.
//   WSX_BENCH_BROADCAST_SUBS   subscribers (default 10000, at most 19000: the open-file limit is 20,000 a process)
//   WSX_BENCH_BROADCAST_MSGS   messages (default 20)
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, median } from './common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = process.execPath;
const wsxBin = process.env.WSX_BENCH_WSX ?? join(root, 'bin/wsx.js');
const subscribers = envInt('WSX_BENCH_BROADCAST_SUBS', 10_000, 19_000);
const messages = envInt('WSX_BENCH_BROADCAST_MSGS', 20, 200);
const sources = ['127.0.0.2', '127.0.0.3'];

/** Starts a server process; resolves with its port once it prints "listening …PORT", and a stop(). */
function startServer(argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${argv.join(' ')} did not start`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      const port = /listening \S*?(\d+)\/?\s*$/m.exec(out)?.[1];
      if (!port || !timer) return;
      clearTimeout(timer);
      resolve({ port: Number(port), stop: () => child.kill('SIGKILL') });
    });
  });
}

/** Runs the client against `port`; its JSON line. */
function runClient(port) {
  const child = spawn(
    node,
    [
      join(root, 'bench/broadcast-client.mjs'),
      `ws://127.0.0.1:${port}`,
      String(subscribers),
      String(messages),
      sources.join(','),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  return new Promise((resolve) =>
    child.on('close', () => {
      clearTimeout(killer);
      try {
        resolve(JSON.parse(out));
      } catch {
        resolve(undefined);
      }
    }),
  );
}

const servers = {
  raw: [node, join(root, 'bench/raw-broadcast-server.mjs')],
  wsx: [node, wsxBin, 'serve', '--mode', 'broadcast', '--port', '0', '--host', '127.0.0.1', '-q'],
};
const figures = {};
console.log(
  `broadcast: ${subscribers} subscribers, ${messages} messages one after another; load average ${loadavg()[0].toFixed(2)}`,
);
for (const [name, argv] of Object.entries(servers)) {
  const server = await startServer(argv);
  const r = await runClient(server.port);
  server.stop();
  if (!r) {
    console.log(`  ${name}: the client failed (no figure)`);
    continue;
  }
  const ms = r.results.map((x) => x.ms);
  const reached = r.results.reduce((sum, x) => sum + x.reached, 0);
  figures[name] = {
    median: median(ms),
    max: Math.max(...ms),
    reach: reached / (subscribers * r.results.length),
  };
  console.log(
    `  ${name}: send → last of ${subscribers} received, median ${median(ms).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms; reach ${(100 * figures[name].reach).toFixed(2)}%`,
  );
}
if (figures.raw && figures.wsx)
  console.log(
    `broadcast to ${subscribers}, wsx serve vs ws's README loop: median ${(figures.wsx.median / figures.raw.median).toFixed(2)}×, reach ${(100 * figures.wsx.reach).toFixed(2)}% vs ${(100 * figures.raw.reach).toFixed(2)}%`,
  );
