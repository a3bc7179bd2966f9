// npm run bench: wsx against the raw-ws floor and wscat on one loopback server, plus the TUI under a flood.
// Every load is bounded: 200,000 lines, 20 smoke runs, a 5 s flood; every wait has a deadline.
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wsx-bench-'));
const usageHook = new URL('./report-usage.mjs', import.meta.url).href;
const LINES = 200_000;
const SMOKE_RUNS = 20;
const THROUGHPUT_RUNS = 3;

const clients = {
  wsx: (url) => [process.execPath, join(root, 'bin/wsx.js'), url, '--wait', '0', '-q'],
  raw: (url) => [process.execPath, join(root, 'bench/raw-pipe.mjs'), url],
  wscat: (url) => [process.execPath, join(root, 'node_modules/wscat/bin/wscat'), '-c', url],
};
const smokeClients = {
  wsx: (url) => [
    process.execPath,
    join(root, 'bin/wsx.js'),
    url,
    '-x',
    'ping',
    '--expect',
    '^ping$',
    '--timeout',
    '5s',
  ],
  raw: (url) => [process.execPath, join(root, 'bench/raw-smoke.mjs'), url],
  wscat: (url) => [
    process.execPath,
    join(root, 'node_modules/wscat/bin/wscat'),
    '-c',
    url,
    '-x',
    'ping',
    '-w',
    '0',
  ],
};

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function withDeadline(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise(
      (_, reject) => (timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms)),
    ),
  ]).finally(() => clearTimeout(timer));
}

async function startServer(mode, env = {}) {
  const child = fork(join(root, 'bench/server.mjs'), [mode], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const messages = [];
  const waiters = [];
  child.on('message', (m) => {
    const w = waiters.findIndex((x) => x.match(m));
    if (w >= 0) waiters.splice(w, 1)[0].resolve(m);
    else messages.push(m);
  });
  const next = (match, ms = 10_000) => {
    const i = messages.findIndex(match);
    if (i >= 0) return Promise.resolve(messages.splice(i, 1)[0]);
    return withDeadline(new Promise((resolve) => waiters.push({ match, resolve })), ms, 'bench server');
  };
  const { port } = await next((m) => m.port !== undefined);
  return { url: `ws://127.0.0.1:${port}/`, next, stop: () => child.kill() };
}

/** Runs one client to exit; returns wall time and the child's own peak RSS and CPU time. */
async function runClient(argv, { stdinFile, env = {} } = {}) {
  const usageFile = join(work, `usage-${Math.random().toString(36).slice(2)}.json`);
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    stdio: [stdinFile ? openSync(stdinFile, 'r') : 'ignore', 'ignore', 'pipe'],
    env: {
      ...process.env,
      NO_COLOR: '1',
      NODE_OPTIONS: `--import ${usageHook}`,
      WSX_BENCH_USAGE: usageFile,
      ...env,
    },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  const usage = existsSync(usageFile)
    ? JSON.parse(readFileSync(usageFile, 'utf8'))
    : { maxRssKiB: NaN, cpuMs: NaN };
  return { code, wallMs, stderr, ...usage };
}

async function throughput() {
  const input = join(work, 'lines.txt');
  const pad = 'x'.repeat(64);
  let text = '';
  for (let i = 1; i <= LINES; i++) text += `${i} ${pad}`.slice(0, 63) + '\n';
  writeFileSync(input, text);
  const rows = [];
  for (const [name, argv] of Object.entries(clients)) {
    const runs = [];
    for (let r = 0; r < THROUGHPUT_RUNS; r++) {
      const server = await startServer('sink');
      const result = await runClient(argv(server.url), { stdinFile: input });
      const report = await server
        .next((m) => m.received !== undefined, 5000)
        .catch(() => ({ received: 0, inOrder: false }));
      server.stop();
      runs.push({ ...result, received: report.received, inOrder: report.inOrder });
    }
    const wallMs = median(runs.map((r) => r.wallMs));
    rows.push({
      name,
      wallMs,
      msgsPerSec: LINES / (wallMs / 1000),
      rssMiB: median(runs.map((r) => r.maxRssKiB)) / 1024,
      received: Math.min(...runs.map((r) => r.received)),
      inOrder: runs.every((r) => r.inOrder),
    });
  }
  return rows;
}

async function smoke() {
  const server = await startServer('echo');
  const rows = [];
  for (const [name, argv] of Object.entries(smokeClients)) {
    const runs = [];
    for (let r = 0; r < SMOKE_RUNS; r++) runs.push(await runClient(argv(server.url)));
    rows.push({
      name,
      medianMs: median(runs.map((r) => r.wallMs)),
      rssMiB: median(runs.map((r) => r.maxRssKiB)) / 1024,
      failures: runs.filter((r) => r.code !== 0).length,
    });
  }
  server.stop();
  return rows;
}

async function tuiFlood() {
  if (spawnSync('tmux', ['-V']).status !== 0) return { skipped: 'tmux is not installed' };
  const rate = 10_000;
  // WSX_BENCH_FLOOD_SECONDS lengthens the flood, to check that peak memory does not grow with it.
  const seconds = Number(process.env.WSX_BENCH_FLOOD_SECONDS ?? 5);
  const server = await startServer('flood', { RATE: String(rate), SECONDS: String(seconds) });
  const usageFile = join(work, 'tui-usage.json');
  const session = `wsx-bench-${process.pid}`;
  const tmux = (...args) => execFileSync('tmux', args, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  const waitFor = async (check, ms, what) => {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`TUI bench: ${what} not seen within ${ms} ms:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  const command = [
    `CI=false NO_COLOR=1 XDG_STATE_HOME=${work} NODE_OPTIONS=--import=${usageHook} WSX_BENCH_USAGE=${usageFile}`,
    `${process.execPath} ${join(root, 'bin/wsx.js')} ${server.url} --ping-interval 0`,
  ].join(' ');
  const startedAt = Date.now();
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
  try {
    await waitFor(() => screen().includes('● '), 10_000, 'the first frame');
    const firstFrameMs = Date.now() - startedAt;
    await waitFor(() => screen().includes('● open'), 10_000, 'the open state');
    // Input stays live under the flood: time from a key press to the key on screen.
    await waitFor(() => /↓ [1-9]\d{3,} received/.test(screen()), 10_000, 'the flood');
    const keyAt = Date.now();
    tmux('send-keys', '-t', session, 'probe', '');
    await waitFor(() => screen().includes('› probe'), 5000, 'typed text');
    const keyEchoMs = Date.now() - keyAt;
    await server.next((m) => m.floodDone !== undefined, (seconds + 10) * 1000);
    const total = rate * seconds;
    await waitFor(() => screen().includes(`↓ ${total} received`), 10_000, `↓ ${total} received`);
    tmux('send-keys', '-t', session, 'C-c', '');
    await waitFor(() => existsSync(usageFile), 10_000, 'the TUI exiting');
    const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
    return {
      messages: total,
      seconds,
      firstFrameMs,
      keyEchoMs,
      cpuMs: usage.cpuMs,
      rssMiB: usage.maxRssKiB / 1024,
    };
  } finally {
    spawnSync('tmux', ['kill-session', '-t', session]);
    server.stop();
  }
}

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const verdict = (ok) => (ok ? 'ok' : 'MISSED');

// WSX_BENCH_ONLY=tui runs just the TUI flood (the other parts need the comparison clients).
const only = process.env.WSX_BENCH_ONLY;
if (only === 'tui') {
  const tui = await tuiFlood();
  rmSync(work, { recursive: true, force: true });
  console.log(JSON.stringify(tui));
  process.exit(0);
}
const tp = await throughput();
const sm = await smoke();
const tui = await tuiFlood();
rmSync(work, { recursive: true, force: true });

const raw = tp.find((r) => r.name === 'raw');
const rawSmoke = sm.find((r) => r.name === 'raw');
const wsx = tp.find((r) => r.name === 'wsx');
const wsxSmoke = sm.find((r) => r.name === 'wsx');

console.log(
  `\nPipe throughput: ${LINES} lines of 64 bytes into a counting server, median of ${THROUGHPUT_RUNS} runs`,
);
console.log('client  wall ms  msgs/s    peak RSS MiB  received  in order');
for (const r of tp)
  console.log(
    `${r.name.padEnd(7)} ${fmt(r.wallMs).padStart(7)}  ${fmt(r.msgsPerSec).padStart(8)}  ${fmt(r.rssMiB, 1).padStart(12)}  ${String(r.received).padStart(8)}  ${r.inOrder ? 'yes' : 'NO'}`,
  );
console.log(`\nSmoke round trip: connect, send, get the echo, exit; median of ${SMOKE_RUNS} runs`);
console.log('client  median ms  peak RSS MiB  failed runs');
for (const r of sm)
  console.log(
    `${r.name.padEnd(7)} ${fmt(r.medianMs).padStart(9)}  ${fmt(r.rssMiB, 1).padStart(12)}  ${r.failures}`,
  );
console.log('(wscat -x … -w 0 exits without waiting for the reply: its time is not a round trip.)');
console.log('\nTargets (wsx vs the raw ws script):');
console.log(
  `  throughput ≥ 0.8×: ${fmt(wsx.msgsPerSec / raw.msgsPerSec, 2)}× ${verdict(wsx.msgsPerSec >= 0.8 * raw.msgsPerSec)}`,
);
console.log(
  `  smoke round trip ≤ 1.3×: ${fmt(wsxSmoke.medianMs / rawSmoke.medianMs, 2)}× ${verdict(wsxSmoke.medianMs <= 1.3 * rawSmoke.medianMs)}`,
);
console.log(
  `  peak RSS ≤ 1.5× (pipe): ${fmt(wsx.rssMiB / raw.rssMiB, 2)}× ${verdict(wsx.rssMiB <= 1.5 * raw.rssMiB)}`,
);
console.log(
  `  zero lost messages: ${wsx.received === LINES && wsx.inOrder ? 'ok' : 'MISSED'} (${wsx.received} of ${LINES})`,
);
if ('skipped' in tui) console.log(`\nTUI flood: skipped (${tui.skipped})`);
else {
  console.log(
    `\nTUI flood: ${tui.messages} messages at ${tui.messages / tui.seconds}/s for ${tui.seconds} s into the interactive session in tmux`,
  );
  console.log(
    `  CPU time ${fmt(tui.cpuMs)} ms, peak RSS ${fmt(tui.rssMiB, 1)} MiB, key press to screen during the flood ${tui.keyEchoMs} ms`,
  );
  console.log(
    `  start to first frame ${tui.firstFrameMs} ms (tmux start, Node start, module load, first render)`,
  );
}
