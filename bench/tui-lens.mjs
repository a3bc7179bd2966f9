// node bench/tui-lens.mjs: the full-screen lens under a 10,000 msg/s flood in tmux. Prints one
// JSON line: key press to screen, filter typed to its count on screen, a message opened in the inspector,
// the most frames drawn in one second, and peak RSS. Bounded: one flood of SECONDS (default 5), every wait
// has a deadline. Times include tmux's capture polling (~20 ms a look). WSX_BENCH_FLOOD_WIDTH=239 floods with
// rows that long (wider than the 120-column screen, each one distinct), which ink cuts to the screen.
import { execFileSync, fork, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

if (spawnSync('tmux', ['-V']).status !== 0) {
  console.log(JSON.stringify({ skipped: 'tmux is not installed' }));
  process.exit(0);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wsx-lens-bench-'));
const rate = 10_000;
const seconds = Number(process.env.WSX_BENCH_FLOOD_SECONDS ?? 5);
const width = Number(process.env.WSX_BENCH_FLOOD_WIDTH ?? 0);
const usageFile = join(work, 'usage.json');
const usageHook = new URL('./report-usage.mjs', import.meta.url).href;

const server = fork(join(root, 'bench/server.mjs'), ['flood'], {
  env: { ...process.env, RATE: String(rate), SECONDS: String(seconds), WIDTH: String(width) },
});
const messages = [];
server.on('message', (m) => messages.push(m));
const nextMessage = async (check, ms, what) => {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = messages.find(check);
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`lens bench: ${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const { port } = await nextMessage((m) => m.port !== undefined, 10_000, 'the server');

const session = `wsx-lens-bench-${process.pid}`;
const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const waitFor = async (check, ms, what) => {
  const deadline = Date.now() + ms;
  while (!check(screen())) {
    if (Date.now() > deadline) throw new Error(`lens bench: ${what} not seen within ${ms} ms:\n${screen()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};
const timed = async (keys, check, what) => {
  const at = performance.now();
  for (const k of keys) tmux('send-keys', '-t', session, ...k);
  await waitFor(check, 5000, what);
  return Math.round(performance.now() - at);
};

const command = [
  `CI=false NO_COLOR=1 XDG_STATE_HOME=${work} NODE_OPTIONS=--import=${usageHook} WSX_BENCH_USAGE=${usageFile}`,
  `${process.execPath} ${join(root, 'bin/wsx.js')} ws://127.0.0.1:${port}/ --ping-interval 0`,
].join(' ');
tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
try {
  await waitFor((s) => s.includes('● open'), 10_000, 'the open state');
  await waitFor((s) => /↓ [1-9]\d{3,} received/.test(s), 10_000, 'the flood');
  const keyMs = await timed([['-l', 'probe']], (s) => s.includes('› probe'), 'typed text');
  const filterMs = await timed(
    [
      ['Tab', '/'],
      // Every seq ending in 7: a tenth of any window of the flood, so Enter always has one to open (a
      // filter for "seq":7 matched nothing once a slow start let the buffer pass seq 8000).
      ['-l', '7,"price"'],
    ],
    (s) => /filter \/7,"price".*[1-9]\d* matching/.test(s),
    'the filter count',
  );
  const inspectorMs = await timed(
    [['Enter', 'Enter']],
    (s) => s.includes('received text message'),
    'the inspector',
  );
  tmux('send-keys', '-t', session, 'Escape', 'Escape', 'Escape');
  await nextMessage((m) => m.floodDone !== undefined, (seconds + 10) * 1000, 'the end of the flood');
  await waitFor((s) => s.includes(`↓ ${rate * seconds} received`), 10_000, 'every message counted');
  tmux('send-keys', '-t', session, 'C-c');
  const deadline = Date.now() + 10_000;
  while (!existsSync(usageFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  console.log(
    JSON.stringify({
      messages: rate * seconds,
      seconds,
      width,
      keyMs,
      filterMs,
      inspectorMs,
      maxFramesPerSecond: usage.maxFramesPerSecond,
      peakRssMiB: Math.round(usage.maxRssKiB / 1024),
      heapAfterGcMiB: Math.round(usage.heapAfterGcKiB / 1024),
      cpuMs: Math.round(usage.cpuMs),
    }),
  );
} finally {
  spawnSync('tmux', ['kill-session', '-t', session]);
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
