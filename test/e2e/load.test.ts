// wsx load end to end: the built binary against real ws servers on loopback, small and short.

import { once } from 'node:events';
import { createServer } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { LoadSummary } from '../../src/load/summary.js';
import { cleanupAfterEach, serverUntilCleanup, stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { collect, runWsx, spawnWsx } from '../helpers/run-wsx.js';
import { loadSummary, readSummary, runLoad, tempFile } from '../helpers/load.js';
import { freePort, listenOnLoopback } from '../helpers/servers.js';
import { startJsonRpc, startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

/** An echo server whose every reply leaves `delayMs` after the message arrived; `stall` holds all replies once. */
async function delayedEcho(
  d: Defer,
  opts: { delayMs?: number; stallAfterMs?: number; stallMs?: number } = {},
): Promise<{ url: string; peak: () => number; closeCodes: number[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  // The stall counts from the first message, not from the server's start: wsx may take a while to start.
  let started: number | undefined;
  let peak = 0;
  const closeCodes: number[] = [];
  wss.on('connection', (ws) => {
    peak = Math.max(peak, wss.clients.size);
    ws.on('close', (code) => closeCodes.push(code));
    ws.on('message', (data) => {
      started ??= Date.now();
      const since = Date.now() - started;
      const { stallAfterMs, stallMs } = opts;
      // During the stall every reply waits until the stall ends: a server that froze for stallMs.
      const stallLeft =
        stallAfterMs !== undefined &&
        stallMs !== undefined &&
        since >= stallAfterMs &&
        since < stallAfterMs + stallMs
          ? stallAfterMs + stallMs - since
          : 0;
      const wait = (opts.delayMs ?? 0) + stallLeft;
      if (wait === 0) ws.send(data);
      else setTimeout(() => ws.send(data), wait);
    });
  });
  stopAfterTest(d, wss);
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}`, peak: () => peak, closeCodes };
}

describe('wsx load', () => {
  it('holds N connections open for the duration, and the server sees all of them at once', async () => {
    const server = await delayedEcho(defer);
    // Opening is part of the duration: 2 s leaves room for 100 openings on a busy machine.
    const s = await loadSummary([server.url, '-c', '100', '-d', '2s']);
    expect(server.peak()).toBe(100);
    expect(s.connections).toMatchObject({ target: 100, opened: 100, failed: 0, peak: 100, lost: 0 });
    expect(s.connect_ms.count).toBe(100);
    expect(s.messages.sent).toBe(0);
    // Every connection was closed by wsx with 1000 at the end.
    await expect.poll(() => server.closeCodes.length).toBe(100);
    expect(new Set(server.closeCodes)).toEqual(new Set([1000]));
  });

  it('sends at the rate over all connections, pairs every echo and prints only the JSON on stdout', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await runWsx(
      [
        'load',
        server.url,
        '-c',
        '20',
        '--rate',
        '400',
        '-d',
        '1s',
        '--summary-json',
        '-',
        '--message',
        'm {{conn}}-{{seq}}',
      ],
      { killAfterMs: 8000 },
    );
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as LoadSummary;
    // 400/s for 1 s: the open model sends on schedule, 400 give or take the first and last tick.
    expect(s.messages.sent).toBeGreaterThanOrEqual(395);
    expect(s.messages.sent).toBeLessThanOrEqual(402);
    expect(s.messages.received).toBe(s.messages.sent);
    expect(s.messages.unmatched).toBe(0);
    expect(s.rtt_ms.count).toBe(s.messages.sent);
    expect(server.received.length).toBe(s.messages.sent);
    // Each connection numbered its own messages from 0, {{conn}} from 0 to 19.
    expect(server.received).toContain('m 0-0');
    expect(server.received).toContain('m 19-0');
    expect(r.stderr).toMatch(/rtt\s+\d/);
  });

  it('measures a server that answers after exactly 30 ms as about 30 ms at the median', async () => {
    const server = await delayedEcho(defer, { delayMs: 30 });
    const { r, summary } = await runLoad([server.url, '-c', '10', '--rate', '100', '-d', '1s']);
    expect(r.code).toBe(0);
    const s = summary();
    expect(s.rtt_ms.count).toBeGreaterThan(90);
    // Never below the server's own delay (measured from the scheduled send, it can only add); how far
    // above is the machine's load: the 5-6 ms accuracy target is the benchmark's, on a quiet machine.
    expect(s.rtt_ms.p50).toBeGreaterThanOrEqual(30);
    expect(s.rtt_ms.p50).toBeLessThan(150);
  });

  it('shows a one-off server stall in the tail: round trips count from the scheduled send (no coordinated omission)', async () => {
    // 200 msg/s for 2 s; the server freezes for 600 ms, 700 ms after the first message. A closed-loop client would send
    // nothing during the stall and report ~1 ms; from the schedule, the sends queued behind the stall
    // (about 120 of 400, 30%) waited up to 600 ms.
    const server = await delayedEcho(defer, { stallAfterMs: 700, stallMs: 600 });
    const { r, summary } = await runLoad([server.url, '-c', '4', '--rate', '200', '-d', '2s']);
    expect(r.code).toBe(0);
    const s = summary();
    expect(s.rtt_ms.p99).toBeGreaterThanOrEqual(500);
    expect(s.rtt_ms.p90).toBeGreaterThanOrEqual(200);
    expect(s.rtt_ms.p50).toBeLessThan(100);
  });

  it('exits 6 naming each failed threshold, and writes JUnit with one failing testcase', async () => {
    const server = await delayedEcho(defer, { delayMs: 20 });
    const junit = tempFile('load.xml');
    const r = await runWsx([
      'load',
      server.url,
      '-c',
      '5',
      '--rate',
      '100',
      '-d',
      '500ms',
      '-q',
      '--threshold',
      'rtt p50 < 5ms',
      '--threshold',
      'errors == 0',
      '--junit',
      junit,
    ]);
    expect(r.code).toBe(6);
    const measured = /^wsx: 1 of 2 thresholds failed: rtt p50 < 5ms \(measured (\d+\.\d+)\)$/m.exec(r.stderr);
    expect(measured, r.stderr).not.toBeNull();
    // The server answers 20 ms after each message: the measured p50 is never below that (a busy machine
    // only adds to it).
    expect(Number(measured![1])).toBeGreaterThanOrEqual(20);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain('tests="2" failures="1"');
    expect(xml).toMatch(/<testcase name="rtt p50 &lt; 5ms" classname="wsx.load">\s*<failure/);
  });

  it('refuses a threshold it cannot read before connecting: exit 2 naming the part', async () => {
    const r = await runWsx(['load', 'ws://127.0.0.1:9', '--threshold', 'rtt p99 < fast']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--threshold 'rtt p99 < fast': "fast" is not a duration with a unit/);
    expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  });

  it('fails fast with exit 3 when the URL cannot connect at all, before ramping a thousand connections', async () => {
    const port = await freePort();
    const started = Date.now();
    const r = await runWsx(['load', `ws://127.0.0.1:${port}`, '-c', '1000', '-d', '30s']);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(r.stderr).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: connection refused/);
  });

  it('on SIGINT stops, closes every connection with 1001, prints what ran and exits 130', async () => {
    const server = await delayedEcho(defer);
    const child = spawnWsx(['load', server.url, '-c', '50', '--rate', '100', '-d', '30s']);
    const result = collect(child, { killAfterMs: 8000 });
    await expect.poll(() => server.peak(), { timeout: 5000 }).toBe(50);
    // The progress line every 10 s would be too slow to wait for: the peak says the ramp is done.
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/connections\s+50 opened of 50 targeted/);
    await expect.poll(() => server.closeCodes.length).toBe(50);
    expect(new Set(server.closeCodes)).toEqual(new Set([1001]));
  });

  it('two shards merged equal the run they split: counts add up, percentiles come from the added histograms', async () => {
    const server = await delayedEcho(defer, { delayMs: 5 });
    const files = [tempFile('s0.json'), tempFile('s1.json')];
    const startAt = String((Date.now() + 700) / 1000);
    const shards = await Promise.all(
      files.map((file, i) =>
        runWsx([
          'load',
          server.url,
          '-c',
          '10',
          '--rate',
          '200',
          '-d',
          '1s',
          '--shard',
          `${i}/2`,
          '--start-at',
          startAt,
          '--summary-json',
          file,
          '-q',
          '--threshold',
          'rtt p99 < 1s',
          '--message',
          '{{conn}} {{seq}}',
        ]),
      ),
    );
    expect(shards.map((s) => s.code)).toEqual([0, 0]);
    const [s0, s1] = files.map(readSummary);
    expect(s0!.connections.target + s1!.connections.target).toBe(10);
    // Each shard took half of the 200/s.
    expect(s0!.messages.sent).toBeGreaterThanOrEqual(95);
    expect(s0!.messages.sent).toBeLessThanOrEqual(102);
    const merged = await runWsx(['load', 'merge', ...files, '--summary-json', '-', '-q']);
    expect(merged.code).toBe(0);
    const m = JSON.parse(merged.stdout) as LoadSummary;
    expect(m.messages.sent).toBe(s0!.messages.sent + s1!.messages.sent);
    expect(m.rtt_ms.count).toBe(s0!.rtt_ms.count + s1!.rtt_ms.count);
    expect(m.connections.opened).toBe(10);
    expect(m.rtt_ms.p50).toBeGreaterThanOrEqual(Math.min(s0!.rtt_ms.p50, s1!.rtt_ms.p50));
    expect(m.rtt_ms.p50).toBeLessThanOrEqual(Math.max(s0!.rtt_ms.p50, s1!.rtt_ms.p50));
    expect(m.rtt_ms.max).toBe(Math.max(s0!.rtt_ms.max, s1!.rtt_ms.max));
    expect(m.thresholds).toEqual([{ expr: 'rtt p99 < 1s', ok: true, value: m.rtt_ms.p99 }]);
  });

  it('--fanout: a broadcast room reaches every other connection, and a room that skips one is caught by reach', async () => {
    // A room that sends each message to every other client; `skip` leaves out the newest one.
    const room = async (skipNewest: boolean) => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(wss, 'listening');
      const order: import('ws').WebSocket[] = [];
      wss.on('connection', (ws) => {
        order.push(ws);
        ws.on('message', (data) => {
          for (const other of wss.clients)
            if (other !== ws && !(skipNewest && other === order[order.length - 1])) other.send(data);
        });
      });
      stopAfterTest(defer, wss);
      return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    };
    const args = ['-c', '10', '--rate', '150', '-d', '700ms', '--fanout', '--drain', '300ms', '-q'];
    const full = await runWsx([
      'load',
      await room(false),
      ...args,
      '--summary-json',
      '-',
      '--threshold',
      'reach > 99.9%',
    ]);
    expect(full.code).toBe(0);
    const s = JSON.parse(full.stdout) as LoadSummary;
    // How many depends on how fast the ten connections open on a busy machine; that every one arrived does not.
    expect(s.reach!.expected).toBeGreaterThan(100);
    expect(s.reach!.received).toBe(s.reach!.expected);
    expect(s.rtt_ms.count).toBe(s.reach!.received);
    const lossy = await runWsx([
      'load',
      await room(true),
      ...args,
      '--summary-json',
      '-',
      '--threshold',
      'reach > 99.9%',
    ]);
    expect(lossy.code).toBe(6);
    const l = JSON.parse(lossy.stdout) as LoadSummary;
    // The newest connection misses every message: with all ten open, 1 in 9 receipts (reach ~89%).
    expect(l.reach!.received).toBeLessThan(l.reach!.expected);
    expect(l.reach!.ratio).toBeLessThan(0.95);
    expect(lossy.stderr).toMatch(/thresholds failed: reach > 99\.9% \(measured \d+(\.\d+)?\)/);
  });

  it('counts connections still in their handshake when the run ends as failed, never as silently absent', async () => {
    // The first upgrade is answered; every later one waits forever (verifyClient never calls back).
    let answered = 0;
    const http = createServer();
    const wss = new WebSocketServer({
      server: http,
      verifyClient: (_info, done) => {
        if (answered++ === 0) done(true);
      },
    });
    const upgrades: import('node:net').Socket[] = [];
    http.on('upgrade', (_req, socket: import('node:net').Socket) => upgrades.push(socket));
    const port = await listenOnLoopback(http);
    defer(() => {
      // An upgrade left waiting is not read, so it never sees the client go: cut it, or close() waits.
      for (const socket of upgrades) socket.destroy();
      wss.close();
      return new Promise<void>((r) => http.close(() => r()));
    });
    const url = `ws://127.0.0.1:${port}`;
    const r = await runWsx(['load', url, '-c', '5', '-d', '500ms', '--summary-json', '-', '-q']);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as LoadSummary;
    expect(s.connections).toMatchObject({ target: 5, opened: 1, failed: 4 });
    expect(s.errors).toEqual({ still_connecting: 4 });
  });

  it('refuses to merge a file that is not a summary, exit 2 naming it', async () => {
    const bad = tempFile('bad.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, '{"hello":1}');
    const r = await runWsx(['load', 'merge', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${bad} is not a wsx load summary`);
  });

  it('prints a progress line while it runs when stderr is not a terminal only every 10 s, so short CI runs stay quiet', async () => {
    const server = await delayedEcho(defer);
    const child = spawnWsx(['load', server.url, '-c', '2', '-d', '500ms']);
    const result = collect(child);
    const r = await result;
    expect(r.code).toBe(0);
    expect(r.stderr).not.toMatch(/conns \d+\/\d+/);
    expect(r.stderr).toMatch(/^load ws:\/\/127\.0\.0\.1:\d+\/: /m);
  });
});

describe('wsx load --proto', () => {
  it('jsonrpc: each connection speaks the protocol, every request is answered by id and timed', async () => {
    const { url } = await startJsonRpc(defer);
    const s = await loadSummary([
      url,
      '--proto',
      'jsonrpc',
      '-c',
      '20',
      '--rate',
      '200',
      '-d',
      '1s',
      '--message',
      'add [{{seq}},1]',
    ]);
    expect(s.connections).toMatchObject({ opened: 20, failed: 0 });
    expect(s.messages.sent).toBeGreaterThan(100);
    // Each answer paired with its request through the JSON-RPC id: none unmatched, none left unanswered.
    expect(s.messages.received).toBe(s.messages.sent);
    expect(s.rtt_ms.count).toBe(s.messages.sent);
    expect(s.messages).toMatchObject({ unmatched: 0, unanswered: 0 });
  });

  it('socketio: connections count as open after the namespace CONNECT, acks are the round trips', async () => {
    const { url } = await startSocketIo(defer);
    const s = await loadSummary([
      url,
      '--proto',
      'socketio',
      '-c',
      '10',
      '--rate',
      '100',
      '-d',
      '1s',
      '--message',
      'ack ["add",{{seq}},2]',
    ]);
    expect(s.connections).toMatchObject({ opened: 10, failed: 0 });
    expect(s.messages.sent).toBeGreaterThan(50);
    expect(s.rtt_ms.count).toBe(s.messages.sent);
    expect(s.messages.unanswered).toBe(0);
    // The server's welcome event per connection is received but answers nothing.
    expect(s.messages.received).toBe(s.messages.sent + 10);
  });

  it('fails fast with exit 3 when the protocol refuses the probe connection, and refuses --correlate with --proto', async () => {
    const { url } = await startSocketIo(defer);
    const { r } = await runLoad([
      url,
      '--proto',
      'socketio',
      '--namespace',
      '/nowhere',
      '-c',
      '5',
      '-d',
      '1s',
    ]);
    // The probe connection is refused by the protocol: the run fails fast, as for a refused port.
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/nowhere|namespace/i);
    const bad = await runWsx([
      'load',
      url,
      '--proto',
      'socketio',
      '--correlate',
      'echo',
      '-c',
      '1',
      '--rate',
      '1',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--correlate does not go with --proto socketio/);
  });
});

describe('wsx load FILE.wsx', () => {
  const scenarioFile = (url: string, body: string) => {
    const file = tempFile('flow.wsx');
    writeFileSync(file, `connect ${url}\n${body}`);
    return file;
  };

  it('runs the file on each connection --iterations times, timing each expect step as a round trip', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const file = scenarioFile(
      server.url,
      'send {"op":"hi","n":1}\nexpect json op == "hi" within 2s\nsend bye\nexpect /bye/ within 2s\n',
    );
    const s = await loadSummary([file, '-c', '10', '--iterations', '3']);
    // Each iteration is a connection of its own: 10 × 3 opened, 2 sends and 2 timed expects each.
    expect(s.iterations).toEqual({ completed: 30, failed: 0 });
    expect(s.connections).toMatchObject({ target: 10, opened: 30, failed: 0 });
    expect(s.messages).toMatchObject({ sent: 60, received: 60 });
    expect(s.rtt_ms.count).toBe(60);
    expect(s.connect_ms.count).toBe(30);
  });

  it('counts a failing step by its line, says its reason once, goes on, and a threshold on errors fails the run', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const file = scenarioFile(server.url, 'send ping\nexpect /never/ within 200ms\n');
    const summary = tempFile('s.json');
    const r = await runWsx([
      'load',
      file,
      '-c',
      '4',
      '--iterations',
      '2',
      '--threshold',
      'errors < 1%',
      '--summary-json',
      summary,
    ]);
    expect(r.code).toBe(6);
    const said = r.stderr.split('\n').filter((l) => l.includes(':3: expect failed'));
    expect(said).toHaveLength(1);
    expect(said[0]).toMatch(/timed out after 200ms waiting for \/never\//);
    const s = readSummary(summary);
    expect(s.iterations).toEqual({ completed: 0, failed: 8 });
    expect(s.errors).toEqual({ 'line 3 expect': 8 });
  });

  it('refuses a malformed file (FILE:LINE) and the flags a file replaces, exit 2, before connecting', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    let connections = 0;
    server.wss.on('connection', () => connections++);
    const bad = scenarioFile(server.url, 'send hi\nexpect within 2s\n');
    const r = await runWsx(['load', bad, '-c', '2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/flow\.wsx:3: /);
    const good = scenarioFile(server.url, 'send hi\n');
    const withRate = await runWsx(['load', good, '--rate', '10']);
    expect(withRate.code).toBe(2);
    expect(withRate.stderr).toMatch(/--rate go with a URL, not a scenario file/);
    expect(connections).toBe(0);
  });
});
