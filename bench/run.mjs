// npm run bench: every row of bench/README.md's table, wsx against a raw ws script (the same-runtime floor), with
// the two clients' runs interleaved so a busy machine slows both alike. A measurement, never a test: it
// exits 0 whatever the figures. How to read it: bench/README.md. Every load and wait is bounded; the sizes
// come from the environment (see `config` below), clamped to sane maxima.
import { execFileSync, fork, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envInt, median } from './common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wsx-bench-'));
const usageHook = new URL('./report-usage.mjs', import.meta.url).href;
// WSX_BENCH_WSX=/path/to/bin/wsx.js measures another build (e.g. main's, for a before/after table).
const wsxBin = process.env.WSX_BENCH_WSX ?? join(root, 'bin/wsx.js');
const node = process.execPath;

const config = {
  smokeRuns: envInt('WSX_BENCH_SMOKE_RUNS', 15, 50),
  runs: envInt('WSX_BENCH_RUNS', 3, 10),
  pipeLines: envInt('WSX_BENCH_LINES', 200_000, 1_000_000),
  echoLines: envInt('WSX_BENCH_ECHO_LINES', 50_000, 200_000),
  launchRuns: envInt('WSX_BENCH_LAUNCH_RUNS', 5, 20),
  floodRate: envInt('WSX_BENCH_FLOOD_RATE', 10_000, 50_000),
  floodSeconds: envInt('WSX_BENCH_FLOOD_SECONDS', 5, 30),
  keyProbes: envInt('WSX_BENCH_KEY_PROBES', 5, 20),
};
// WSX_BENCH_ONLY=smoke,sea,pipe,echo,launch,flood,flood-wide,load,broadcast runs just those parts (load: bench/load.mjs,
// wsx load's rows; broadcast: bench/broadcast.mjs, wsx serve to many subscribers).
const only = new Set(
  (process.env.WSX_BENCH_ONLY ?? 'smoke,sea,pipe,echo,launch,flood,flood-wide,load,broadcast').split(','),
);
/** The wide flood's message length: wider than the 120-column screen, so ink cuts every row. */
const wideRowChars = 239;

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

/**
 * wsx's compile cache, the bench's own: the one in ~/.cache/wsx/ is shared with every other wsx build on
 * the machine, and each build's launcher removes the others' caches, so a run there may find none.
 */
const compileCache = join(work, 'cache');

/**
 * Runs one client to exit; returns wall time, its peak RSS and CPU time (with `withUsage`: the --import hook,
 * which the single executable does not load, and which adds its own start-up to a Node run), and its
 * stdout line count.
 */
async function runClient(argv, { stdinFile, countStdout = false, withUsage = true } = {}) {
  const usageFile = join(work, `usage-${Math.random().toString(36).slice(2)}.json`);
  const outFile = join(work, 'stdout.txt');
  const stdin = stdinFile ? openSync(stdinFile, 'r') : 'ignore';
  const stdout = countStdout ? openSync(outFile, 'w') : 'ignore';
  const started = performance.now();
  const child = spawn(argv[0], argv.slice(1), {
    stdio: [stdin, stdout, 'pipe'],
    env: {
      ...process.env,
      NO_COLOR: '1',
      XDG_CACHE_HOME: compileCache,
      ...(withUsage ? { NODE_OPTIONS: `--import ${usageHook}`, WSX_BENCH_USAGE: usageFile } : {}),
    },
  });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  const wallMs = performance.now() - started;
  clearTimeout(timer);
  if (typeof stdin === 'number') closeSync(stdin);
  if (typeof stdout === 'number') closeSync(stdout);
  const usage = existsSync(usageFile)
    ? JSON.parse(readFileSync(usageFile, 'utf8'))
    : { maxRssKiB: NaN, cpuMs: NaN };
  let lines = NaN;
  if (countStdout) {
    const out = readFileSync(outFile);
    lines = 0;
    for (let i = out.indexOf(10); i !== -1; i = out.indexOf(10, i + 1)) lines++;
  }
  return { code, wallMs, stderr, lines, ...usage };
}

/** Runs `round(name, r)` for raw and wsx, alternating which goes first, `runs` times each. */
async function interleaved(runs, round) {
  const results = { raw: [], wsx: [] };
  for (let r = 0; r < runs; r++) {
    const order = r % 2 === 0 ? ['raw', 'wsx'] : ['wsx', 'raw'];
    for (const name of order) results[name].push(await round(name, r));
  }
  return results;
}

function writeLines(count) {
  const file = join(work, `lines-${count}.txt`);
  const pad = 'x'.repeat(64);
  const parts = [];
  for (let i = 1; i <= count; i++) parts.push(`${i} ${pad}`.slice(0, 63));
  writeFileSync(file, parts.join('\n') + '\n');
  return file;
}

async function smoke() {
  const server = await startServer('echo');
  const argv = {
    raw: [node, join(root, 'bench/raw-smoke.mjs'), server.url],
    wsx: [node, wsxBin, server.url, '-x', 'ping', '--expect', '^ping$', '--timeout', '5s'],
  };
  // One run first, not measured: it writes wsx's compile cache, as a user's first run does.
  await runClient(argv.wsx, { withUsage: false });
  await server.next((m) => m.received !== undefined, 5000).catch(() => ({}));
  const results = await interleaved(config.smokeRuns, async (name) => {
    const run = await runClient(argv[name], { withUsage: false });
    const report = await server.next((m) => m.received !== undefined, 5000).catch(() => ({}));
    return { ...run, lastToCloseMs: report.lastToCloseMs };
  });
  server.stop();
  return results;
}

/** The single executable (npm run sea), when built: the same smoke run, against the same raw floor. */
const seaExecutable = join(root, 'dist/sea/wsx');
async function seaSmoke() {
  if (!existsSync(seaExecutable)) throw new Error('no dist/sea/wsx: run npm run sea first');
  const server = await startServer('echo');
  const argv = {
    raw: [node, join(root, 'bench/raw-smoke.mjs'), server.url],
    wsx: [seaExecutable, server.url, '-x', 'ping', '--expect', '^ping$', '--timeout', '5s'],
  };
  const results = await interleaved(config.smokeRuns, async (name) => {
    const run = await runClient(argv[name], { withUsage: false });
    await server.next((m) => m.received !== undefined, 5000).catch(() => undefined);
    return run;
  });
  server.stop();
  return results;
}

async function pipe() {
  const input = writeLines(config.pipeLines);
  const server = await startServer('sink');
  const argv = {
    raw: [node, join(root, 'bench/raw-pipe.mjs'), server.url],
    wsx: [node, wsxBin, server.url, '--wait', '0', '-q'],
  };
  const results = await interleaved(config.runs, async (name) => {
    const run = await runClient(argv[name], { stdinFile: input });
    const report = await server
      .next((m) => m.received !== undefined, 10_000)
      .catch(() => ({ received: 0, inOrder: false, spanMs: NaN }));
    return { ...run, ...report, rate: report.received / (report.spanMs / 1000) };
  });
  server.stop();
  return results;
}

async function echo() {
  const input = writeLines(config.echoLines);
  const server = await startServer('echo');
  const argv = {
    raw: [node, join(root, 'bench/raw-echo.mjs'), server.url],
    wsx: [node, wsxBin, server.url, '--wait', '0', '-q'],
    linger: [node, wsxBin, server.url, '-q'],
  };
  const results = { raw: [], wsx: [], linger: [] };
  for (let r = 0; r < config.runs; r++) {
    const order = r % 2 === 0 ? ['raw', 'wsx', 'linger'] : ['linger', 'wsx', 'raw'];
    for (const name of order) {
      results[name].push(await runClient(argv[name], { stdinFile: input, countStdout: true }));
      await server.next((m) => m.received !== undefined, 10_000).catch(() => undefined);
    }
  }
  server.stop();
  return results;
}

function hasTmux() {
  return spawnSync('tmux', ['-V']).status === 0;
}

/**
 * A tmux server of this run's own, its socket in the run's folder: another user of the default one (a test
 * run) may kill it mid-run. One idle session keeps it up between sessions (a server exits with its last
 * session, and a session started while it exits fails); it is killed with the server once the bench ends.
 */
const tmuxSocket = join(work, 'tmux');
let hasTmuxServer = false;
function startTmuxServer() {
  if (hasTmuxServer) return;
  execFileSync('tmux', ['-S', tmuxSocket, 'new-session', '-d', '-s', 'keep', 'sleep 3600']);
  hasTmuxServer = true;
  process.once('exit', stopTmuxServer);
}
function stopTmuxServer() {
  if (hasTmuxServer) spawnSync('tmux', ['-S', tmuxSocket, 'kill-server']);
  hasTmuxServer = false;
}

function tmuxSession(command) {
  const session = `wsx-bench-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  startTmuxServer();
  const tmux = (...args) => execFileSync('tmux', ['-S', tmuxSocket, ...args], { encoding: 'utf8' });
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', command);
  const screen = () => {
    try {
      return tmux('capture-pane', '-p', '-t', session);
    } catch {
      return '';
    }
  };
  const waitFor = async (check, ms, what) => {
    const deadline = Date.now() + ms;
    while (!check(screen())) {
      if (Date.now() > deadline) throw new Error(`${what} not seen within ${ms} ms:\n${screen()}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  return {
    screen,
    waitFor,
    keys: (...keys) => tmux('send-keys', '-t', session, ...keys),
    kill: () => spawnSync('tmux', ['-S', tmuxSocket, 'kill-session', '-t', session]),
  };
}

/**
 * Launch to the first screen that shows `● open`: the TUI against a script that prints the same. wsx keeps
 * its code caches in a folder of this run (another wsx build on the machine removes the caches of builds
 * not its own from the shared one), made by one untimed session that quits as a user does: the rows
 * measure every launch after the first. (A session killed with its tmux window writes no cache.)
 */
async function launch() {
  const server = await startServer('echo');
  const env = `CI=false NO_COLOR=1 XDG_STATE_HOME=${work} XDG_CACHE_HOME=${work}`;
  const argv = {
    raw: `${env} ${node} ${join(root, 'bench/raw-open.mjs')} ${server.url}`,
    wsx: `${env} ${node} ${wsxBin} ${server.url}`,
  };
  try {
    const warmUp = tmuxSession(`${argv.wsx}; echo wsx-exited; sleep 30`);
    try {
      await warmUp.waitFor((s) => s.includes('● open'), 10_000, 'warm-up: ● open');
      warmUp.keys('C-c');
      await warmUp.waitFor((s) => s.includes('wsx-exited'), 10_000, 'warm-up: wsx to exit');
    } finally {
      warmUp.kill();
    }
    return await interleaved(config.launchRuns, async (name) => {
      const startedAt = performance.now();
      const session = tmuxSession(argv[name]);
      try {
        await session.waitFor((s) => s.includes('● open'), 10_000, `${name}: ● open`);
        return { wallMs: performance.now() - startedAt };
      } finally {
        session.kill();
      }
    });
  } finally {
    // A failed part must not leave the server running: its IPC channel kept the bench alive until killed.
    server.stop();
  }
}

/**
 * The TUI under a flood: peak RSS, the heap still held at exit after a full GC, and how long a typed key
 * takes to show, several times during it. `width`: each message this many characters (0: short ones).
 */
async function flood(width = 0) {
  const rate = config.floodRate;
  const seconds = config.floodSeconds;
  const server = await startServer('flood', {
    RATE: String(rate),
    SECONDS: String(seconds),
    WIDTH: String(width),
  });
  const usageFile = join(work, `tui-usage-${width}.json`);
  const session = tmuxSession(
    `CI=false NO_COLOR=1 XDG_STATE_HOME=${work} NODE_OPTIONS=--import=${usageHook} WSX_BENCH_USAGE=${usageFile} ` +
      `${node} ${wsxBin} ${server.url} --ping-interval 0`,
  );
  try {
    await session.waitFor((s) => s.includes('● open'), 10_000, 'the open state');
    await session.waitFor((s) => /↓ [1-9]\d{3,} received/.test(s), 10_000, 'the flood');
    const keyMs = [];
    const gapMs = (seconds * 1000 * 0.6) / config.keyProbes;
    let typed = '';
    for (let i = 0; i < config.keyProbes; i++) {
      const probe = String.fromCharCode(97 + (i % 26));
      typed += probe;
      const at = performance.now();
      session.keys('-l', probe);
      await session.waitFor((s) => s.includes(`› ${typed}`), 5000, `typed "${typed}"`);
      keyMs.push(performance.now() - at);
      await new Promise((r) => setTimeout(r, gapMs));
    }
    await server.next((m) => m.floodDone !== undefined, (seconds + 10) * 1000);
    const total = rate * seconds;
    await session.waitFor((s) => s.includes(`↓ ${total} received`), 10_000, `↓ ${total} received`);
    session.keys('C-c');
    const deadline = Date.now() + 10_000;
    // The hook writes its file at exit: read it once it parses (seen half-written once).
    const readUsage = () => {
      try {
        return JSON.parse(readFileSync(usageFile, 'utf8'));
      } catch {
        return undefined;
      }
    };
    let usage = readUsage();
    while (usage === undefined && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 20));
      usage = readUsage();
    }
    usage ??= { maxRssKiB: NaN };
    return {
      total,
      keyMs,
      rssMiB: usage.maxRssKiB / 1024,
      heapMiB: usage.heapAfterGcKiB / 1024,
      cpuMs: usage.cpuMs,
    };
  } finally {
    session.kill();
    server.stop();
  }
}

// ---- report -------------------------------------------------------------------------------------------

const fmt = (n, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const rows = [];
/** One table row; `ratio` is wsx ÷ floor; `isMet` undefined when there is no target to judge. */
function row(measure, floor, wsx, ratio, target, isMet) {
  const verdict = isMet === undefined ? '' : isMet ? 'ok' : 'MISSED';
  rows.push([measure, floor, wsx, Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '', target, verdict]);
}

const load = { before: loadavg(), cores: cpus().length };
const started = performance.now();
const failures = [];
async function part(name, fn) {
  if (!only.has(name)) return undefined;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    return await fn();
  } catch (err) {
    failures.push(`${name}: ${err.message}`);
    return undefined;
  }
}

const sm = await part('smoke', smoke);
const se = existsSync(seaExecutable) || process.env.WSX_BENCH_ONLY ? await part('sea', seaSmoke) : undefined;
const tp = await part('pipe', pipe);
const ec = await part('echo', echo);
const la = hasTmux() ? await part('launch', launch) : undefined;
const fl = hasTmux() ? await part('flood', flood) : undefined;
const fw = hasTmux() ? await part('flood-wide', () => flood(wideRowChars)) : undefined;
stopTmuxServer();
rmSync(work, { recursive: true, force: true });
const load1After = loadavg()[0];

if (sm) {
  const raw = median(sm.raw.map((r) => r.wallMs));
  const wsx = median(sm.wsx.map((r) => r.wallMs));
  const failed = sm.wsx.filter((r) => r.code !== 0).length;
  row(
    `CI smoke: connect, send, echo, exit (median of ${config.smokeRuns}, ms)`,
    fmt(raw),
    fmt(wsx) + (failed ? ` (${failed} failed)` : ''),
    wsx / raw,
    '≤ 1.00×',
    wsx <= raw && failed === 0,
  );
  row(
    '  smoke: last reply to connection closed, at the server (ms)',
    fmt(median(sm.raw.map((r) => r.lastToCloseMs)), 1),
    fmt(median(sm.wsx.map((r) => r.lastToCloseMs)), 1),
    NaN,
    'no timers',
  );
}
if (se) {
  const raw = median(se.raw.map((r) => r.wallMs));
  const wsx = median(se.wsx.map((r) => r.wallMs));
  const failed = se.wsx.filter((r) => r.code !== 0).length;
  row(
    `CI smoke, single executable (dist/sea/wsx; median of ${config.smokeRuns}, ms)`,
    fmt(raw),
    fmt(wsx) + (failed ? ` (${failed} failed)` : ''),
    wsx / raw,
    '≤ 1.00×',
    wsx <= raw && failed === 0,
  );
}
if (tp) {
  const raw = median(tp.raw.map((r) => r.rate));
  const wsx = median(tp.wsx.map((r) => r.rate));
  row(
    `pipe ${config.pipeLines} x 64 B into a sink: rate at the server (msg/s)`,
    fmt(raw),
    fmt(wsx),
    wsx / raw,
    '≥ 1.0×',
    wsx >= raw,
  );
  const lost = (runs) => Math.max(...runs.map((r) => config.pipeLines - r.received));
  const order = (runs) => (runs.every((r) => r.inOrder) ? 'in order' : 'OUT OF ORDER');
  row(
    '  pipe: most lost in a run, order',
    `${lost(tp.raw)}, ${order(tp.raw)}`,
    `${lost(tp.wsx)}, ${order(tp.wsx)}`,
    NaN,
    '0, in order',
    lost(tp.wsx) === 0 && order(tp.wsx) === 'in order',
  );
  const rawRss = median(tp.raw.map((r) => r.maxRssKiB / 1024));
  const wsxRss = median(tp.wsx.map((r) => r.maxRssKiB / 1024));
  row(
    'peak RSS, pipe (MiB)',
    fmt(rawRss, 1),
    fmt(wsxRss, 1),
    wsxRss / rawRss,
    '≤ 1.1×',
    wsxRss <= 1.1 * rawRss,
  );
}
if (ec) {
  const raw = median(ec.raw.map((r) => r.wallMs));
  const printed = (runs) => Math.min(...runs.map((r) => r.lines));
  for (const [name, label] of [
    ['wsx', '--wait 0'],
    ['linger', 'default --wait 1s'],
  ]) {
    const wsx = median(ec[name].map((r) => r.wallMs));
    row(
      `echo ${config.echoLines} lines, all replies printed, ${label} (wall ms)`,
      fmt(raw),
      fmt(wsx),
      wsx / raw,
      name === 'wsx' ? '≤ 1.05×' : 'floor + 1 s',
      name === 'wsx' ? wsx <= 1.05 * raw : undefined,
    );
    row(
      `  echo, ${label}: fewest replies printed in a run`,
      String(printed(ec.raw)),
      String(printed(ec[name])),
      NaN,
      `${config.echoLines}`,
      printed(ec[name]) === config.echoLines,
    );
  }
}
if (la) {
  const raw = median(la.raw.map((r) => r.wallMs));
  const wsx = median(la.wsx.map((r) => r.wallMs));
  row(
    `interactive: launch to first screen showing open, tmux (median of ${config.launchRuns}, ms)`,
    fmt(raw),
    fmt(wsx),
    wsx / raw,
    '≤ 300 ms',
    wsx <= 300,
  );
}
for (const [f, what] of [
  [fl, 'TUI flood'],
  [fw, `TUI flood (${wideRowChars}-char rows)`],
]) {
  if (!f) continue;
  row(
    `${what} ${config.floodRate}/s for ${config.floodSeconds} s: peak RSS (MiB)`,
    '',
    fmt(f.rssMiB, 1),
    NaN,
    '≤ 100 MiB',
    f.rssMiB <= 100,
  );
  // What the session still holds after a full GC: flat whatever the flood's length (ink's caches bounded).
  row(`  ${what}: heap after GC at exit (MiB)`, '', fmt(f.heapMiB, 1), NaN, '', undefined);
}
if (fl) {
  const keyMedian = median(fl.keyMs);
  const keyMax = Math.max(...fl.keyMs);
  row(
    `  TUI flood: key press to screen, median / max of ${fl.keyMs.length} (ms)`,
    '',
    `${fmt(keyMedian)} / ${fmt(keyMax)}`,
    NaN,
    '≤ 50 ms',
    keyMax <= 50,
  );
}

const headers = ['measure', 'raw ws floor', 'wsx', 'wsx ÷ floor', 'target', ''];
const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) =>
  cells
    .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
    .join('  ')
    .trimEnd();
console.log(`\nwsx: ${wsxBin}\n${line(headers)}`);
for (const r of rows) console.log(line(r));
const noisy = Math.max(load.before[0], load1After) >= load.cores / 2;
console.log(
  `\nMachine: ${load.cores} cores, load average (1 min) ${fmt(load.before[0], 2)} at start, ${fmt(load1After, 2)} ` +
    `at end, ${fmt((performance.now() - started) / 1000)} s in all. ` +
    (noisy
      ? 'NOT QUIET: other work shared the CPUs, so absolute figures are noisy; the ratios, taken from interleaved runs, hold better.'
      : 'Quiet enough for absolute figures to mean something.'),
);
if (!hasTmux()) console.log('Interactive rows skipped: tmux is not installed.');
for (const f of failures) console.log(`Part failed (no figure): ${f}`);
// wsx load's rows have their own script and table (many connections, servers in other processes).
if (only.has('load')) spawnSync(node, [join(root, 'bench/load.mjs')], { stdio: 'inherit' });
// wsx serve's broadcast to many subscribers, against ws's README broadcast loop.
if (only.has('broadcast')) spawnSync(node, [join(root, 'bench/broadcast.mjs')], { stdio: 'inherit' });
