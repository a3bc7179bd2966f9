// npm run bench's wsx load rows (also `node bench/load.mjs` alone): wsx load against a raw ws script doing
// the same work (the same-runtime floor) and against Artillery 2.0.21's ws engine (a named peer, installed
// on demand into bench/.peers/: bench/artillery-peer.mjs), on loopback servers in their own processes. A
// measurement, never a test: it exits 0 whatever the figures. Sizes come from the environment, clamped:
//   WSX_BENCH_LOAD_CONNS  idle connections for the memory rows (default 19000: this machine's open-file
//                         limit is 20,000 a process, and `ulimit -n` cannot be raised here)
//   WSX_BENCH_LOAD_RATE   echo messages a second over 1,000 connections (default 20000)
//   WSX_BENCH_PEERS=0     leaves Artillery and Tsung out (no install, no rows)
// Tsung 1.7 (Debian's tsung, bench/tsung-peer.mjs) is the second named peer, when installed; the accuracy
// and stall rows use a Python server (bench/accuracy-server.py) when python3 has websockets.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
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
import { runTsung, treeUsage, tsungConfig, tsungCounts, tsungMissing, tsungVersion } from './tsung-peer.mjs';
import { envInt } from './common.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'wsx-bench-load-'));
const wsxBin = process.env.WSX_BENCH_WSX ?? join(root, 'bin/wsx.js');
const usageHook = new URL('./report-usage.mjs', import.meta.url).href;
const node = process.execPath;
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
        child,
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
/** A Python 3 that has the websockets package (Debian's python3-websockets), or undefined. */
function findPython() {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', 'import websockets'], { stdio: 'ignore', timeout: 10_000 });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

/** Follows accuracy-server.py's "delay n=… p50=… p99=… max=…" lines; returns the last one read. */
function lastDelayLine(server) {
  let last;
  let out = '';
  server.child.stdout.on('data', (d) => {
    out = (out + d).slice(-400);
    const lines = [...out.matchAll(/^delay n=(\d+) p50=([\d.]+) p99=([\d.]+) max=([\d.]+)$/gm)];
    if (lines.length > 0) {
      const [, n, p50, p99, max] = lines.at(-1).map(Number);
      last = { n, p50, p99, max };
    }
  });
  return () => last;
}
/** epmd daemons running now (Erlang's name server, which Tsung's VM starts and leaves behind), by pid. */
function epmdPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'epmd') pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Why a Tsung run gave no figure: its exit and the last line it or its controller log said. */
function tsungFailure(run) {
  const said = `${run.stdout}\n${run.stderr}`.trim().split('\n').at(-1);
  return `tsung exited ${run.code}${said ? `: ${said}` : ''}${run.logDir ? ` (logs: ${run.logDir})` : ''}`;
}

/**
 * Tsung's two rows. Memory: each user connects and thinks for 10 minutes; the peak RSS of the VM's tree with
 * N users minus with one, over N - 1, read from /proc every 200 ms; the VM is killed (its process group)
 * once the server has seen all N for a second, or when the count has not grown for 15 s (a launcher that
 * stalled: the row then says how many it held). Echo: 1,000 users all connected (wait_global), then each
 * sends, waits for the echo and thinks 1000 ÷ (rate ÷ 1,000) ms; Tsung times each request, so these are
 * round trips with RTT recorded (its mean, no percentiles), per CPU second of the whole tree.
 */
async function tsungRows() {
  const epmdBefore = new Set(epmdPids());
  let startCpuMs;
  const hold = async (server, n) => {
    const dir = join(work, `tsung-hold-${n}`);
    mkdirSync(dir, { recursive: true });
    const config = tsungConfig(join(dir, 'hold.xml'), {
      port: server.port,
      conns: n,
      arrivalsPerSec: 1000,
      sources,
    });
    let peakKiB = 0;
    let cpuMs = NaN;
    let held = 0;
    let fullSince;
    let grewAt = performance.now();
    let isKilled = false;
    const run = await runTsung(config, dir, (tsung) => {
      const usage = treeUsage(tsung.pid);
      if (usage) {
        peakKiB = Math.max(peakKiB, usage.maxRssKiB);
        cpuMs = usage.cpuMs;
      }
      const now = performance.now();
      if (server.clients() > held) [held, grewAt] = [server.clients(), now];
      if (held >= n) fullSince ??= now;
      if (!isKilled && ((fullSince !== undefined && now - fullSince > 1000) || now - grewAt > 15_000)) {
        isKilled = true;
        tsung.kill();
      }
    });
    return { peakKiB, cpuMs, held, run };
  };
  {
    const server = await echoServer();
    const one = await hold(server, 1);
    while (server.clients() > 0) await new Promise((r) => setTimeout(r, 200));
    const many = await hold(server, conns);
    server.stop();
    // Over the connections it really held: a launcher that stalled short of N still gives a true slope.
    const per = (many.peakKiB - one.peakKiB) / (many.held - 1);
    rows.push([
      `client memory per idle connection at ${conns}, Tsung ${tsungVersion}`,
      many.held === 0 || one.held === 0
        ? `no figure: Tsung held ${one.held} and ${many.held} connections; ${tsungFailure(many.held === 0 ? many.run : one.run)}`
        : `wsx ${fmt(wsxIdleKiB)} KiB vs Tsung ${fmt(per)} KiB (${fmt(wsxIdleKiB / per, 2)}x); Tsung held ${many.held} at once (the server's count), peak RSS ${one.peakKiB} → ${many.peakKiB} KiB, ${fmt(one.cpuMs / 1000, 2)} CPU-s to start and hold one`,
      'none: the issue sets <= 0.5x for Artillery',
    ]);
    startCpuMs = one.cpuMs;
  }
  {
    const server = await echoServer();
    const perUserPerSec = rate / 1000;
    const dir = join(work, 'tsung-echo');
    mkdirSync(dir, { recursive: true });
    const config = tsungConfig(join(dir, 'echo.xml'), {
      port: server.port,
      conns: 1000,
      arrivalsPerSec: 1000,
      messages: Math.max(1, Math.round(perUserPerSec * 5)),
      thinkMs: Math.round(1000 / perUserPerSec),
      sources,
    });
    // A user that gives up connecting (Tsung retries, then aborts it: EADDRINUSE when the machine's ports
    // are taken) leaves the others waiting for all 1,000 forever (wait_global): stopped when the count has
    // not grown for 20 s short of 1,000, and said so.
    let connected = 0;
    let grewAt = performance.now();
    let isStopped = false;
    const run = await runTsung(config, dir, (tsung) => {
      const now = performance.now();
      if (server.clients() > connected) [connected, grewAt] = [server.clients(), now];
      if (!isStopped && connected < 1000 && now - grewAt > 20_000) {
        isStopped = true;
        tsung.kill();
      }
    });
    server.stop();
    const counts = run.logDir ? tsungCounts(run.logDir) : undefined;
    const perCpuS = counts ? counts.roundTrips / (run.cpuMs / 1000) : NaN;
    rows.push([
      `echo round trips per client CPU second, Tsung ${tsungVersion}`,
      isStopped
        ? `no figure: Tsung connected only ${connected} of 1,000 and its users wait for all (stopped after 20 s without a new one); its errors ${JSON.stringify(counts?.errors ?? {})} (logs: ${run.logDir})`
        : !counts || counts.roundTrips === 0 || !Number.isFinite(perCpuS)
          ? `no figure: ${tsungFailure(run)}`
          : `wsx ${fmt(wsxEchoPerCpuS, 0)} (RTT recorded) vs Tsung ${fmt(perCpuS, 0)} timed send→echo round trips (its mean only) (${fmt(wsxEchoPerCpuS / perCpuS, 2)}x); Tsung connected ${counts.connected}, ${counts.roundTrips} round trips, mean ${fmt(counts.meanMs, 2)} ms, errors ${JSON.stringify(counts.errors)}, ${fmt(run.cpuMs / 1000, 2)} CPU-s of which ~${fmt(startCpuMs / 1000, 2)} its start`,
      'none: the issue sets >= 3x for Artillery',
    ]);
  }
  // The epmd this run started (Tsung's VM starts it as a daemon and it outlives the VM): ended by its pid.
  for (const pid of epmdPids()) if (!epmdBefore.has(pid)) process.kill(pid, 'SIGTERM');
}

const fmt = (x, d = 1) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
const rows = [];
// Each row is printed as soon as it is measured too: a part that hangs still leaves the others.
const push = rows.push.bind(rows);
rows.push = (row) => (console.log(`  ${row[0]}: ${row[1]}`), push(row));
/** Artillery's CPU for a run of one idle connection: its start-up, included in its per-CPU-second figure. */
let artilleryStartCpuMs;
/** The memory row's figures (KiB per idle connection), for the bare-socket row's ratios. */
let idleKiB;
/** wsx's figures of rows 1 and 2, for the Tsung rows beside them. */
let wsxIdleKiB;
let wsxEchoPerCpuS;

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
  wsxIdleKiB = per.wsx;
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
  wsxEchoPerCpuS = wsxPerCore;
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

// 2b. Tsung 1.7 (bench/tsung-peer.mjs): the memory and echo rows again, for an Erlang client. Its
// figures are its whole process tree's (the VM, its port programs, the shells starting it), from /proc.
{
  const whyNot = process.env.WSX_BENCH_PEERS === '0' ? 'WSX_BENCH_PEERS=0' : tsungMissing();
  if (whyNot) console.log(`Tsung left out: ${whyNot}`);
  else await tsungRows();
}

// 3. Accuracy: a server that answers after exactly 5 ms, and 4. coordinated omission: the same server
// freezes once for 1 s during a 10 s run at 1,000 msg/s. The server is Python (accuracy-server.py, a timer
// thread and a short spin: its replies leave within ~0.1-0.3 ms of 5 ms), so Node's timers are not on both
// ends; it prints its own delay, and an independent Python client (accuracy-probe.py, each RTT from its
// actual send, no schedule) times it too: server delay, plain-client RTT and wsx's RTT side by side say
// which part is whose. Without Python 3 and its websockets package, the Node server stands in, said so.
{
  const python = findPython();
  if (!python)
    console.log(
      'Python 3 with websockets (Debian: python3-websockets) not found: the accuracy and stall rows use the Node server (load-server.mjs), whose setTimeout(5) is only as precise as the millisecond timers',
    );
  const accuracyServer = (...args) =>
    python
      ? startServer([python, join(root, 'bench/accuracy-server.py'), ...args])
      : startServer([
          node,
          join(root, 'bench/load-server.mjs'),
          ...(args.length > 1 ? ['stall', args[1], args[2]] : ['delay', args[0]]),
        ]);
  const serverName = python ? 'Python server' : 'Node server';
  {
    const server = await accuracyServer('5');
    const delays = lastDelayLine(server);
    const url = `ws://127.0.0.1:${server.port}`;
    const wsx = await runClient(wsxLoad(url, ['-c', '10', '--rate', '200', '-d', '5s']));
    const probe = python
      ? await runClient([python, join(root, 'bench/accuracy-probe.py'), url, '1000', '200'])
      : undefined;
    // The server's delay line comes twice a second: wait for the one that counts the probe's replies too.
    await new Promise((r) => setTimeout(r, 700));
    server.stop();
    const s = JSON.parse(wsx.stdout || '{}');
    const p = JSON.parse(probe?.stdout || '{}');
    const own = delays();
    rows.push([
      `accuracy: server answers after 5 ms (${serverName})`,
      `wsx p50 ${s.rtt_ms?.p50} ms, p99 ${s.rtt_ms?.p99} ms` +
        (probe ? `; plain Python client p50 ${p.p50} ms, p99 ${p.p99} ms` : '') +
        (own ? `; the server's own delay p50 ${own.p50} ms, p99 ${own.p99} ms (${own.n} replies)` : ''),
      'p50 in 5-6 ms',
    ]);
  }
  {
    const server = await accuracyServer('5', '4000', '1000');
    const wsx = await runClient(
      wsxLoad(`ws://127.0.0.1:${server.port}`, ['-c', '50', '--rate', '1000', '-d', '10s']),
    );
    server.stop();
    const s = JSON.parse(wsx.stdout || '{}');
    rows.push([
      `one 1 s stall in 10 s at 1,000 msg/s (${serverName}${python ? ', 5 ms replies' : ', echo'})`,
      `p50 ${s.rtt_ms?.p50} ms, p99 ${s.rtt_ms?.p99} ms`,
      'p99 >= 900 ms',
    ]);
  }
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
