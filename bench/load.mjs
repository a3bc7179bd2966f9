// npm run bench's wsx load rows (also `node bench/load.mjs` alone): wsx load against a raw ws script doing
// the same work (the same-runtime floor) and against Artillery 2.0.21's ws engine (a named peer, installed
// on demand into bench/.peers/: bench/artillery-peer.mjs), on loopback servers in their own processes. A
// measurement, never a test: it exits 0 whatever the figures. Sizes come from the environment, clamped:
//   WSX_BENCH_LOAD_CONNS  idle connections for the memory rows (default 19000: this machine's open-file
//                         limit is 20,000 a process, and `ulimit -n` cannot be raised here)
//   WSX_BENCH_LOAD_RATE   echo messages a second over 1,000 connections (default 20000)
//   WSX_BENCH_PEERS=0     leaves Artillery out (no install, no rows)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  artilleryBin,
  artilleryCounts,
  artilleryEnv,
  artilleryScript,
  artilleryVersion,
  ensureArtillery,
} from './artillery-peer.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wsx-bench-load-'));
const wsxBin = process.env.WSX_BENCH_WSX ?? join(root, 'bin/wsx.js');
const usageHook = new URL('./report-usage.mjs', import.meta.url).href;
const node = process.execPath;
const envInt = (name, fallback, max) => {
  const v = Number(process.env[name] ?? fallback);
  return Number.isInteger(v) && v > 0 ? Math.min(v, max) : fallback;
};
const conns = envInt('WSX_BENCH_LOAD_CONNS', 19_000, 19_500);
const rate = envInt('WSX_BENCH_LOAD_RATE', 20_000, 100_000);
const sources = ['127.0.0.2', '127.0.0.3'];
const artilleryMissing = process.env.WSX_BENCH_PEERS === '0' ? 'WSX_BENCH_PEERS=0' : ensureArtillery();
if (artilleryMissing) console.log(`Artillery left out: ${artilleryMissing}`);

/**
 * Starts a server process; resolves once it prints "listening …PORT" with its port, pid, and
 * `clients()`: the last "clients N" it printed (load-server.mjs only).
 */
function startServer(argv) {
  const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  let clients = 0;
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    const counts = [...out.matchAll(/^clients (\d+)$/gm)];
    if (counts.length > 0) clients = Number(counts.at(-1)[1]);
    out = out.slice(-200);
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not start')), 10_000);
    const onData = () => {
      const port = /listening \S*?(\d+)\/?\s*$/m.exec(out)?.[1];
      if (!port) return;
      clearTimeout(timer);
      child.stdout.off('data', onData);
      resolve({
        port: Number(port),
        pid: child.pid,
        clients: () => clients,
        stop: () => child.kill('SIGKILL'),
      });
    };
    child.stdout.on('data', onData);
  });
}

/** A process's resident set, KiB, from /proc. */
function rssKiB(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
  } catch {
    return NaN;
  }
}

/** A process's peak resident set (VmHWM, KiB) and CPU time so far (ms, every thread), from /proc. */
function procUsage(pid) {
  try {
    const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    // utime and stime, fields 14 and 15 of stat, in clock ticks of 10 ms.
    // A process that was killed and not yet reaped (a zombie) has no VmHWM: keep the last reading.
    if (!Number.isFinite(hwm)) return undefined;
    return { maxRssKiB: hwm, cpuMs: (Number(fields[11]) + Number(fields[12])) * 10 };
  } catch {
    return undefined;
  }
}

/**
 * Runs a client to exit; returns its stdout, stderr, peak RSS (KiB) and CPU ms. `onTick(child)` runs every
 * 200 ms while it runs (to sample a server, or to end the client with a signal).
 */
async function runClient(argv, onTick, env = {}) {
  const usageFile = join(work, `usage-${Math.random().toString(36).slice(2)}.json`);
  const child = spawn(argv[0], argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      ...env,
      NO_COLOR: '1',
      NODE_OPTIONS: `--import ${usageHook}`,
      WSX_BENCH_USAGE: usageFile,
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const sampler = onTick ? setInterval(() => onTick(child), 200) : undefined;
  const killer = setTimeout(() => child.kill('SIGKILL'), 300_000);
  const code = await new Promise((r) => child.on('close', r));
  clearTimeout(killer);
  clearInterval(sampler);
  const usage = existsSync(usageFile) ? JSON.parse(readFileSync(usageFile, 'utf8')) : {};
  return { code, stdout, stderr, ...usage };
}

const wsxLoad = (url, args) => [node, wsxBin, 'load', url, '-q', '--summary-json', '-', ...args];
const rawLoad = (url, n, ms, r = 0, ips = []) => [
  node,
  join(root, 'bench/raw-load.mjs'),
  url,
  String(n),
  String(ms),
  String(r),
  ips.join(','),
];
/** Artillery runs `script`; its report goes to a file of its own. */
const artilleryRun = (script, report, onTick) =>
  runClient([node, artilleryBin, 'run', '--output', report, script], onTick, artilleryEnv);
const echoServer = () => startServer([node, join(root, 'bench/load-server.mjs'), 'echo']);
const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rows = [];
// Each row is printed as soon as it is measured too: a part that hangs still leaves the others.
const push = rows.push.bind(rows);
rows.push = (row) => (console.log(`  ${row[0]}: ${row[1]}`), push(row));
/** Artillery's CPU for a run of one idle connection: its start-up, included in its per-CPU-second figure. */
let artilleryStartCpuMs;
/** The memory row's figures (KiB per idle connection), for the bare-socket row's ratios. */
let idleKiB;

// 1. Client memory per idle connection: peak RSS with N connections minus with one, over N - 1. wsx load
// runs until the server has seen all N (opening 19,000 takes a while on a busy machine), then a second
// more, then SIGINT: it reports and exits, and its peak RSS is taken at exit like the floor's.
{
  const server = await echoServer();
  const url = `ws://127.0.0.1:${server.port}`;
  const per = {};
  const holdThenStop = (n, signal = 'SIGINT') => {
    let fullSince;
    let isSent = false;
    // One signal: a second SIGINT after wsx has reported and let go of its handler would kill it before
    // the usage hook writes its figures at exit.
    return (child) => {
      if (server.clients() < n || isSent) return;
      fullSince ??= performance.now();
      if (performance.now() - fullSince > 1000) isSent = child.kill(signal);
    };
  };
  for (const name of artilleryMissing ? ['raw', 'wsx'] : ['raw', 'wsx', 'artillery']) {
    // Artillery: each virtual user opens its connection and thinks for 10 minutes. Its SIGINT handler
    // waits for the users to finish (here: never), so its peak RSS (VmHWM) and CPU are read from /proc
    // while it runs and it is killed. One source address: it has no round-robin, and 19,000 fit in one
    // address's ports.
    let peakClients = 0;
    let artilleryUsage;
    const run = (n) => {
      artilleryUsage = undefined;
      return name === 'raw'
        ? runClient(rawLoad(url, n, 2000, 0, sources))
        : name === 'wsx'
          ? runClient(
              wsxLoad(url, ['-c', String(n), '-d', '300s', '--source-ip', sources.join(',')]),
              holdThenStop(n),
            )
          : artilleryRun(
              artilleryScript(join(work, `hold-${n}.json`), { url, conns: n, arrivalsPerSec: 1000 }),
              join(work, `hold-${n}-report.json`),
              ((stop) => (child) => {
                peakClients = Math.max(peakClients, server.clients());
                artilleryUsage = procUsage(child.pid) ?? artilleryUsage;
                stop(child);
              })(holdThenStop(n, 'SIGKILL')),
            ).then((r) => ({ ...r, ...artilleryUsage }));
    };
    const one = await run(1);
    const many = await run(conns);
    per[name] = (many.maxRssKiB - one.maxRssKiB) / (conns - 1);
    if (name === 'wsx') per.wsxOpened = JSON.parse(many.stdout || '{}').connections?.opened;
    if (name === 'artillery') {
      per.artilleryOpened = peakClients;
      per.artilleryStartCpuMs = one.cpuMs;
    }
    // Let the server see the last connections go before the next client counts.
    while (server.clients() > 0) await new Promise((r) => setTimeout(r, 200));
  }
  server.stop();
  rows.push([
    `client memory per idle connection at ${conns}`,
    `wsx ${fmt(per.wsx)} KiB vs raw ${fmt(per.raw)} KiB (${fmt(per.wsx / per.raw, 2)}x); wsx opened ${per.wsxOpened}`,
    '<= 16 KiB',
  ]);
  if (per.artillery !== undefined)
    rows.push([
      `client memory per idle connection at ${conns}, Artillery ${artilleryVersion}`,
      `wsx ${fmt(per.wsx)} KiB vs Artillery ${fmt(per.artillery)} KiB (${fmt(per.wsx / per.artillery, 2)}x); Artillery held ${per.artilleryOpened} at once (the server's count)`,
      '<= 0.5x',
    ]);
  artilleryStartCpuMs = per.artilleryStartCpuMs;
  idleKiB = per;
}

// 1b. The bare-socket floor: the same N plain TCP connections (`net.connect`, no handshake) from the same
// source addresses, measured the same way. No WebSocket client in this runtime can cost less than this.
{
  const server = await echoServer();
  const url = `ws://127.0.0.1:${server.port}`;
  const bare = (n) =>
    runClient([node, join(root, 'bench/raw-socket.mjs'), url, String(n), '2000', sources.join(',')]);
  const one = await bare(1);
  const many = await bare(conns);
  server.stop();
  const perConn = (many.maxRssKiB - one.maxRssKiB) / (conns - 1);
  rows.push([
    `client memory per idle connection at ${conns}, bare TCP socket`,
    `bare socket ${fmt(perConn)} KiB; wsx ${fmt(idleKiB.wsx / perConn, 2)}x it, raw ws ${fmt(idleKiB.raw / perConn, 2)}x it; sockets opened ${JSON.parse(many.stdout || '{}').opened}`,
    '(floor)',
  ]);
}

// 2. Echo round trips per second per client CPU second, 1,000 connections, RTT recorded.
{
  const server = await echoServer();
  const url = `ws://127.0.0.1:${server.port}`;
  const raw = await runClient(rawLoad(url, 1000, 5000, rate));
  const rawOut = JSON.parse(raw.stdout || '{}');
  const wsx = await runClient(wsxLoad(url, ['-c', '1000', '--rate', String(rate), '-d', '5s']));
  const s = JSON.parse(wsx.stdout || '{}');
  server.stop();
  const rawPerCore = rawOut.received / (raw.cpuMs / 1000);
  const wsxPerCore = s.rtt_ms?.count / (wsx.cpuMs / 1000);
  rows.push([
    `echo round trips per client CPU second, 1,000 connections at ${rate}/s`,
    `wsx ${fmt(wsxPerCore, 0)} vs raw ${fmt(rawPerCore, 0)} (${fmt(wsxPerCore / rawPerCore, 2)}x); wsx late ${s.messages?.late}, rtt p99 ${s.rtt_ms?.p99} ms`,
    '>= 1.0x',
  ]);
  if (!artilleryMissing) {
    // The same 1,000 connections and rate: each virtual user sends every 1000/(rate/1000) ms and waits for
    // its echo (a `capture`, Artillery's only way to receive in its ws engine). It records no round-trip
    // time, so its figure is completed send→echo pairs (websocket.messages_received) per CPU second.
    const again = await echoServer();
    const perUserPerSec = rate / 1000;
    const report = join(work, 'echo-report.json');
    const art = await artilleryRun(
      artilleryScript(join(work, 'echo.json'), {
        url: `ws://127.0.0.1:${again.port}`,
        conns: 1000,
        arrivalsPerSec: 1000,
        messages: Math.max(1, Math.round(perUserPerSec * 5)),
        thinkMs: Math.round(1000 / perUserPerSec),
      }),
      report,
    );
    again.stop();
    const counts = existsSync(report) ? artilleryCounts(report) : { sent: NaN, received: NaN, failed: NaN };
    const artPerCore = counts.received / (art.cpuMs / 1000);
    rows.push([
      `echo round trips per client CPU second, Artillery ${artilleryVersion}`,
      `wsx ${fmt(wsxPerCore, 0)} (RTT recorded) vs Artillery ${fmt(artPerCore, 0)} completed send→echo pairs, no RTT (${fmt(wsxPerCore / artPerCore, 2)}x); Artillery sent ${counts.sent}, received ${counts.received}, ${counts.failed} users failed, ${fmt(art.cpuMs / 1000, 2)} CPU-s of which ~${fmt((artilleryStartCpuMs ?? NaN) / 1000, 2)} its start`,
      '>= 3x',
    ]);
  }
}

// 3. Accuracy: a server that answers after exactly 5 ms.
{
  const server = await startServer([node, join(root, 'bench/load-server.mjs'), 'delay', '5']);
  const wsx = await runClient(
    wsxLoad(`ws://127.0.0.1:${server.port}`, ['-c', '10', '--rate', '200', '-d', '5s']),
  );
  server.stop();
  const s = JSON.parse(wsx.stdout || '{}');
  rows.push([
    'accuracy: server answers after 5 ms',
    `p50 ${s.rtt_ms?.p50} ms, p99 ${s.rtt_ms?.p99} ms`,
    'p50 in 5-6 ms',
  ]);
}

// 4. Coordinated omission: the server freezes once for 1 s during a 10 s run at 1,000 msg/s.
{
  const server = await startServer([node, join(root, 'bench/load-server.mjs'), 'stall', '4000', '1000']);
  const wsx = await runClient(
    wsxLoad(`ws://127.0.0.1:${server.port}`, ['-c', '50', '--rate', '1000', '-d', '10s']),
  );
  server.stop();
  const s = JSON.parse(wsx.stdout || '{}');
  rows.push([
    'one 1 s stall in 10 s at 1,000 msg/s',
    `p50 ${s.rtt_ms?.p50} ms, p99 ${s.rtt_ms?.p99} ms`,
    'p99 >= 900 ms',
  ]);
}

// 5. Server memory per idle connection: wsx serve against a raw ws server, the same raw client holding N.
{
  const per = {};
  for (const [name, argv] of [
    ['raw', [node, join(root, 'bench/load-server.mjs'), 'echo']],
    ['wsx', [node, wsxBin, 'serve', '--port', '0', '-q']],
  ]) {
    const server = await startServer(argv);
    await new Promise((r) => setTimeout(r, 300));
    const before = rssKiB(server.pid);
    let peak = before;
    await runClient(rawLoad(`ws://127.0.0.1:${server.port}`, conns, 3000, 0, sources), () => {
      peak = Math.max(peak, rssKiB(server.pid));
    });
    server.stop();
    per[name] = (peak - before) / conns;
  }
  rows.push([
    `server memory per idle connection at ${conns}`,
    `wsx serve ${fmt(per.wsx)} KiB vs raw ws ${fmt(per.raw)} KiB (${fmt(per.wsx / per.raw, 2)}x)`,
    '<= 1.5x',
  ]);
}

console.log('\nwsx load (bench/load.mjs)');
for (const [what, figure, target] of rows) console.log(`  ${what.padEnd(58)} ${figure}   [target ${target}]`);
