// Paired throughput runs for a noisy machine: wsx and the raw-ws floor take turns on a fresh loopback
// server each run, so a burst of load from elsewhere hits both alike. Prints medians and ratios.
//
//   node bench/pipe-paired.mjs [pipe|echo|echo-pipe|echo-linger] [runs] [wsx-root,wsx-root...]
//
// pipe: 200,000 x 64 B lines into the counting server, stdout ignored. echo: 50,000 lines to the echo
// server, every reply printed to a file (echo-pipe: to a pipe); wsx with --wait 0, echo-linger with the
// default --wait. Several wsx roots (built checkouts) compare versions in the same interleaved runs.
// A measurement, not a test: it fails nothing, it reports lost or reordered messages in the `ok` column.
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const mode = process.argv[2] ?? 'pipe';
const runs = Number(process.argv[3] ?? 7);
const roots = process.argv[4]?.split(',') ?? [root];
const lineCount = mode === 'pipe' ? 200_000 : 50_000;
const work = mkdtempSync(join(tmpdir(), 'wsx-paired-'));
const usageHook = new URL('./report-usage.mjs', import.meta.url).href;

// The echo floor: send every stdin line, print every reply, close once all replies are in.
const rawEcho = `
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
const ws = new WebSocket(process.argv[1]);
const lines = [];
let isOpen = false, isEnded = false, sent = 0, got = 0;
const maybeClose = () => { if (isEnded && got === sent) ws.close(1000); };
ws.on('open', () => { isOpen = true; for (const l of lines) { ws.send(l); sent++; } lines.length = 0; maybeClose(); });
ws.on('message', (d) => { process.stdout.write(d); process.stdout.write('\\n'); got++; maybeClose(); });
const rl = createInterface({ input: process.stdin });
rl.on('line', (l) => { if (isOpen) { ws.send(l); sent++; } else lines.push(l); });
rl.on('close', () => { isEnded = true; if (isOpen) maybeClose(); });`;

const clients = {
  raw: (url) =>
    mode === 'pipe' ? [join(root, 'bench/raw-pipe.mjs'), url] : ['--input-type=module', '-e', rawEcho, url],
};
roots.forEach((wsxRoot, i) => {
  const name = roots.length > 1 ? `wsx${i}` : 'wsx';
  const wait = mode === 'echo-linger' ? [] : ['--wait', '0'];
  clients[name] = (url) => [join(wsxRoot, 'bin/wsx.js'), url, '-q', ...wait];
});

async function startServer(kind) {
  const child = fork(join(root, 'bench/server.mjs'), [kind], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const inbox = [];
  let wake = () => {};
  child.on('message', (m) => {
    inbox.push(m);
    wake();
  });
  const next = async (match, ms) => {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const i = inbox.findIndex(match);
      if (i >= 0) return inbox.splice(i, 1)[0];
      await new Promise((resolve) => {
        wake = resolve;
        setTimeout(resolve, 50);
      });
    }
    return undefined;
  };
  const ready = await next((m) => m.port !== undefined, 10_000);
  if (!ready) throw new Error('bench server did not start within 10 s');
  return { url: `ws://127.0.0.1:${ready.port}/`, next, stop: () => child.kill() };
}

async function runOnce(name) {
  const server = await startServer(mode === 'pipe' ? 'sink' : 'echo');
  const usageFile = join(work, `usage-${name}.json`);
  const outFile = join(work, 'out.txt');
  const stdout = mode === 'pipe' ? 'ignore' : mode === 'echo-pipe' ? 'pipe' : openSync(outFile, 'w');
  const started = performance.now();
  const child = spawn(process.execPath, clients[name](server.url), {
    cwd: root,
    stdio: [openSync(input, 'r'), stdout, 'inherit'],
    env: { ...process.env, NO_COLOR: '1', NODE_OPTIONS: `--import ${usageHook}`, WSX_BENCH_USAGE: usageFile },
  });
  let printed = 0;
  child.stdout?.on('data', (d) => {
    for (let at = d.indexOf(10); at !== -1; at = d.indexOf(10, at + 1)) printed++;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const code = await new Promise((resolve) => child.on('close', resolve));
  clearTimeout(timer);
  const wallMs = performance.now() - started;
  const report = await server.next((m) => m.received !== undefined, 5000);
  server.stop();
  if (mode === 'echo' || mode === 'echo-linger')
    printed = readFileSync(outFile, 'utf8').split('\n').length - 1;
  const usage = JSON.parse(readFileSync(usageFile, 'utf8'));
  const isComplete =
    code === 0 &&
    report?.received === lineCount &&
    report.inOrder &&
    (mode === 'pipe' || printed === lineCount);
  return { wallMs, cpuMs: usage.cpuMs, rssMiB: usage.maxRssKiB / 1024, isComplete };
}

const input = join(work, 'lines.txt');
const pad = 'x'.repeat(64);
let text = '';
for (let i = 1; i <= lineCount; i++) text += `${i} ${pad}`.slice(0, 63) + '\n';
writeFileSync(input, text);

const results = Object.fromEntries(Object.keys(clients).map((name) => [name, []]));
for (let r = 0; r < runs; r++) {
  // Alternate the order so neither client always runs first after a pause.
  const order = Object.keys(clients);
  if (r % 2 === 1) order.reverse();
  for (const name of order) results[name].push(await runOnce(name));
}
rmSync(work, { recursive: true, force: true });

const floor = {
  wallMs: median(results.raw.map((r) => r.wallMs)),
  cpuMs: median(results.raw.map((r) => r.cpuMs)),
  rssMiB: median(results.raw.map((r) => r.rssMiB)),
};
console.log(`${mode}: ${lineCount} lines, ${runs} paired runs, medians (ratio to the raw ws floor)`);
for (const [name, rs] of Object.entries(results)) {
  const cell = (key, digits) => {
    const m = median(rs.map((r) => r[key]));
    return `${m.toFixed(digits)} (${(m / floor[key]).toFixed(2)}x)`;
  };
  const wall = median(rs.map((r) => r.wallMs));
  console.log(
    `${name.padEnd(5)} wall ms ${cell('wallMs', 0)}  ${Math.round(lineCount / (wall / 1000))} msg/s  ` +
      `cpu ms ${cell('cpuMs', 0)}  peak RSS MiB ${cell('rssMiB', 1)}  ok ${rs.filter((r) => r.isComplete).length}/${rs.length}`,
  );
}
console.log(`load average: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
