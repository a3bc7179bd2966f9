// Tsung 1.7 (Debian's `tsung`, Erlang) as a named peer in bench/load.mjs, beside Artillery: its websocket
// session type (experimental in 1.7, RFC 6455 only: "connect", "message" with an ack, "close") runs in the
// controller's own VM on localhost (use_controller_vm, so no ssh), with HOME and the log directory in a
// temp folder (Tsung writes ~/.tsung otherwise). Never installed by the bench: it is there or the rows say
// why not.
//
// What Tsung measures: every <request> is timed until its ack ("parse", the default for a websocket
// message: the next frame received), so a send→echo pair is a timed round trip in its `request` stats
// (count, mean, max per 10 s dump; no percentiles without its report scripts). A user sends, waits for
// the echo, thinks, and sends again: a closed loop per user, like Artillery's.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const tsungVersion = '1.7';

/** Why Tsung cannot run here, or undefined when `tsung -v` says 1.7. */
export function tsungMissing() {
  const r = spawnSync('tsung', ['-v'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error) return `tsung not found (Debian: apt-get install tsung): ${r.error.code ?? r.error.message}`;
  const version = /Tsung version (\S+)/.exec(r.stdout)?.[1];
  return version?.startsWith(`${tsungVersion}.`) || version === tsungVersion
    ? undefined
    : `tsung -v says ${JSON.stringify(r.stdout.trim())}, not ${tsungVersion}`;
}

const xmlText = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * A config for `conns` users arriving at `arrivalsPerSec` from `sources` (round-robin source addresses)
 * against ws://127.0.0.1:port/. With `messages`, each user sends that many text messages, each waiting for
 * its echo, `thinkMs` apart; without, each holds its connection for `holdS` seconds (Tsung hibernates a
 * user thinking longer than 10 s, its default: part of what its memory figure measures).
 */
export function tsungConfig(
  file,
  { port, conns, arrivalsPerSec, sources = [], messages, thinkMs = 50, holdS = 600 },
) {
  // Tsung's launcher gives up on the users it could not start within the phase ("more than 20% of users
  // were not launched in time"), and on this loaded 2-core machine it started ~140 users a second where
  // 1,000 were asked: the phase allows 100 a second, and maxnumber ends it as soon as all are started.
  const durationS = Math.ceil(conns / 100) + 5;
  const flow = messages
    ? // wait_global: every user waits until all `conns` are connected, so the messages flow over all of them
      // at once however slowly they were started.
      `<thinktime value="wait_global"/>
      <for from="1" to="${messages}" var="i">
        <request subst="true"><websocket type="message" frame="text">tsung %%_i%%</websocket></request>
        <thinktime value="${thinkMs / 1000}" random="false"/>
      </for>`
    : `<thinktime value="${holdS}" random="false"/>`;
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE tsung SYSTEM "/usr/share/tsung/tsung-1.0.dtd">
<tsung loglevel="notice" version="1.0">
  <clients>
    <client host="localhost" use_controller_vm="true" maxusers="${conns}">
      ${sources.map((ip) => `<ip value="${xmlText(ip)}"/>`).join('\n      ')}
    </client>
  </clients>
  <servers>
    <server host="127.0.0.1" port="${port}" type="tcp"/>
  </servers>
  <load>
    <arrivalphase phase="1" duration="${durationS}" unit="second">
      <users maxnumber="${conns}" arrivalrate="${arrivalsPerSec}" unit="second"/>
    </arrivalphase>
  </load>
  <options>
    <option name="global_number" value="${conns}"/>
  </options>
  <sessions>
    <session name="bench" probability="100" type="ts_websocket">
      <request><websocket type="connect" path="/"/></request>
      ${flow}
    </session>
  </sessions>
</tsung>
`,
  );
  return file;
}

/** Every process in the tree under `rootPid` (itself included), from /proc. */
function processTree(rootPid) {
  const children = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(entry));
    } catch {
      // Gone between the listing and the read.
    }
  }
  const tree = [];
  const todo = [rootPid];
  while (todo.length > 0 && tree.length < 1000) {
    const pid = todo.pop();
    tree.push(pid);
    todo.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/**
 * The tree's peak resident set (the sum of each process's VmHWM, KiB: the Erlang VM, its port programs
 * and the shells that started it) and its CPU so far (ms: user and system of each process, plus its
 * children already reaped). Undefined once the tree is gone.
 */
export function treeUsage(rootPid) {
  let maxRssKiB = 0;
  let ticks = 0;
  let seen = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const hwm = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      // utime, stime, cutime, cstime: fields 14-17 of stat, in clock ticks of 10 ms.
      ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
      if (Number.isFinite(hwm)) maxRssKiB += hwm;
      seen++;
    } catch {
      // Exited meanwhile.
    }
  }
  return seen > 0 ? { maxRssKiB, cpuMs: ticks * 10 } : undefined;
}

/**
 * Runs `tsung start` on `config` in its own process group (so the whole VM can be killed at once), HOME
 * and logs under `dir`. `onTick(run)` runs every 200 ms with `run.pid` and `run.kill()`. Resolves with the
 * exit code, stdout/stderr, the log directory Tsung made, and `cpuMs`: the CPU of the whole tree as the
 * wrapping shell counts its reaped children at exit (undefined when killed).
 */
export async function runTsung(config, dir, onTick) {
  const home = join(dir, 'home');
  const logs = join(dir, 'log');
  mkdirSync(home, { recursive: true });
  mkdirSync(logs, { recursive: true });
  const cpuFile = join(dir, 'cpu');
  // -n: no web GUI on port 8091; -i: a controller name of its own; the shell prints its children's CPU
  // (cutime and cstime: Tsung's whole tree, reaped) when Tsung has finished.
  const child = spawn(
    'sh',
    [
      '-c',
      'tsung -n -i wsxbench -f "$1" -l "$2" start; s=$?; cat /proc/$$/stat > "$3"; exit $s',
      'sh',
      config,
      logs,
      cpuFile,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: { ...process.env, HOME: home } },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const run = {
    pid: child.pid,
    kill: () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    },
  };
  const sampler = onTick ? setInterval(() => onTick(run), 200) : undefined;
  // Starting 19,000 users at ~140 a second takes minutes on a loaded machine.
  const killer = setTimeout(run.kill, 600_000);
  const code = await new Promise((r) => child.on('close', r));
  clearTimeout(killer);
  clearInterval(sampler);
  let cpuMs;
  try {
    const fields = readFileSync(cpuFile, 'utf8').split(') ')[1].split(' ');
    cpuMs = (Number(fields[13]) + Number(fields[14])) * 10;
  } catch {
    cpuMs = undefined;
  }
  const made = readdirSync(logs).sort().at(-1);
  return { code, stdout, stderr, cpuMs, logDir: made ? join(logs, made) : undefined };
}

/**
 * The counts in a run's tsung.log, summed over its dumps: `request` (every timed request, the connect
 * included), `connect`, the websocket connections that succeeded, the echo round trips (requests that
 * were messages) and their mean (ms), and Tsung's error counters.
 */
export function tsungCounts(logDir) {
  const sums = {};
  const errors = {};
  let text;
  try {
    text = readFileSync(join(logDir, 'tsung.log'), 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const m = /^stats: (\S+) (\d+) ([\d.]+)?/.exec(line);
    if (!m) continue;
    const [, name, count, mean] = m;
    const s = (sums[name] ??= { count: 0, total: 0 });
    s.count += Number(count);
    s.total += Number(count) * Number(mean ?? 0);
    if (name.startsWith('error_')) errors[name.slice(6)] = s.count;
  }
  const requests = sums.request ?? { count: 0, total: 0 };
  const connects = sums.connect ?? { count: 0, total: 0 };
  const roundTrips = requests.count - connects.count;
  return {
    requests: requests.count,
    connects: connects.count,
    connected: sums.websocket_succ?.count ?? 0,
    roundTrips,
    meanMs: roundTrips > 0 ? (requests.total - connects.total) / roundTrips : NaN,
    errors,
  };
}
