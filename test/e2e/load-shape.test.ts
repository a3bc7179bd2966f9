// wsx load's shape and message flags end to end, each checked where it shows: at a real ws server on
// loopback that records who connected from where and when, and what each message said.

import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { cleanupAfterEach, stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { loadSummary } from '../helpers/load.js';
import { collect, wsxBin } from '../helpers/run-wsx.js';
import { startGraphqlWs } from '../protocols/servers.js';

const defer = cleanupAfterEach();

interface Arrival {
  at: number;
  from: string;
}

/** A ws server that records each connection (when, from which address) and each message; `reply` answers. */
async function recordingServer(d: Defer, reply: (text: string) => string | undefined = (t) => t) {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const arrivals: Arrival[] = [];
  const messages: string[] = [];
  let peak = 0;
  wss.on('connection', (ws, req) => {
    arrivals.push({ at: performance.now(), from: req.socket.remoteAddress ?? '' });
    peak = Math.max(peak, wss.clients.size);
    ws.on('message', (data) => {
      const text = data.toString();
      messages.push(text);
      const answer = reply(text);
      if (answer !== undefined) ws.send(answer);
    });
  });
  stopAfterTest(d, wss);
  const port = (wss.address() as { port: number }).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    arrivals,
    messages,
    peak: () => peak,
    open: () => wss.clients.size,
  };
}

describe('wsx load: the load shape', () => {
  it('--source-ip RANGE: connections leave from each address of the range in turn', async () => {
    const server = await recordingServer(defer);
    const s = await loadSummary([server.url, '-c', '9', '--source-ip', '127.0.0.2-127.0.0.4', '-d', '500ms']);
    expect(s.connections).toMatchObject({ opened: 9, failed: 0 });
    const by = new Map<string, number>();
    for (const a of server.arrivals) by.set(a.from, (by.get(a.from) ?? 0) + 1);
    expect(Object.fromEntries(by)).toEqual({ '127.0.0.2': 3, '127.0.0.3': 3, '127.0.0.4': 3 });
  });

  it('--connect-rate R: connections arrive spread at R a second, not all at once', async () => {
    const server = await recordingServer(defer);
    const s = await loadSummary([server.url, '-c', '10', '--connect-rate', '20', '-d', '1500ms']);
    expect(s.connections).toMatchObject({ opened: 10, peak: 10 });
    const times = server.arrivals.map((a) => a.at);
    // 10 at 20/s: the last one opens about 450 ms after the first (at once they would be a few ms apart).
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(350);
  });

  it('--stages: the target rises to the stage number, holds, and falls to 0 by the last stage’s end', async () => {
    const server = await recordingServer(defer);
    const s = await loadSummary([server.url, '--stages', '400ms:8,400ms:8,400ms:0']);
    expect(server.peak()).toBe(8);
    expect(s.connections).toMatchObject({ opened: 8, peak: 8, failed: 0, lost: 0 });
    // The falling stage closed them (the run lasts as long as its stages, about 1.2 s).
    await expect.poll(() => server.open()).toBe(0);
    expect(s.duration_s).toBeGreaterThan(1.1);
    expect(s.duration_s).toBeLessThan(3);
  });

  it('--rate-per-conn R: each open connection sends R a second', async () => {
    const server = await recordingServer(defer);
    const s = await loadSummary([server.url, '-c', '4', '--rate-per-conn', '25', '-d', '1s']);
    // 4 × 25/s for 1 s, less the moments before each connection opened.
    expect(s.messages.sent).toBeGreaterThanOrEqual(80);
    expect(s.messages.sent).toBeLessThanOrEqual(104);
    expect(s.rtt_ms.count).toBe(s.messages.sent);
  });
});

describe('wsx load: messages', () => {
  it('fills {{conn}}, {{seq}}, {{uuid}} and {{now}} per connection and per message', async () => {
    const server = await recordingServer(defer);
    const before = Date.now();
    const s = await loadSummary([
      server.url,
      '-c',
      '3',
      '--rate',
      '60',
      '-d',
      '1s',
      '--message',
      '{"c":{{conn}},"s":{{seq}},"u":"{{uuid}}","t":{{now}}}',
    ]);
    const sent = server.messages.map((m) => JSON.parse(m) as { c: number; s: number; u: string; t: number });
    expect(sent.length).toBe(s.messages.sent);
    expect(sent.length).toBeGreaterThan(40);
    expect(new Set(sent.map((m) => m.c))).toEqual(new Set([0, 1, 2]));
    for (const c of [0, 1, 2]) {
      const seqs = sent.filter((m) => m.c === c).map((m) => m.s);
      expect(seqs).toEqual(seqs.map((_, i) => i));
    }
    expect(
      sent.every((m) => /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(m.u)),
    ).toBe(true);
    expect(new Set(sent.map((m) => m.u)).size).toBe(sent.length);
    expect(sent.every((m) => m.t >= before && m.t <= Date.now())).toBe(true);
  });

  it("--correlate 'json id' pairs a reply that differs from the send by the field both carry", async () => {
    // The reply carries the request's id but is otherwise a different message (no echo to pair by text).
    const server = await recordingServer(defer, (text) =>
      JSON.stringify({ id: (JSON.parse(text) as { id: string }).id, result: 'ok' }),
    );
    const s = await loadSummary([
      server.url,
      '-c',
      '4',
      '--rate',
      '100',
      '-d',
      '1s',
      '--message',
      '{"id":"{{conn}}-{{seq}}","op":"ping"}',
      '--correlate',
      'json id',
    ]);
    expect(s.messages.sent).toBeGreaterThan(90);
    expect(s.messages.unmatched).toBe(0);
    expect(s.rtt_ms.count).toBe(s.messages.sent);
  });

  it('without --correlate the same replies pair with nothing and are counted as unmatched', async () => {
    const server = await recordingServer(defer, (text) =>
      JSON.stringify({ id: (JSON.parse(text) as { id: string }).id, result: 'ok' }),
    );
    const s = await loadSummary([
      server.url,
      '-c',
      '2',
      '--rate',
      '50',
      '-d',
      '500ms',
      '--drain',
      '200ms',
      '--message',
      '{"id":"{{conn}}-{{seq}}"}',
    ]);
    expect(s.messages.unmatched).toBe(s.messages.received);
    expect(s.messages.received).toBeGreaterThan(15);
    expect(s.rtt_ms.count).toBe(0);
  });
});

describe('wsx load --proto graphql-ws', () => {
  it('times each operation from its subscribe to its result, paired by the operation id', async () => {
    const { url } = await startGraphqlWs(defer);
    const s = await loadSummary([
      url,
      '--proto',
      'graphql-ws',
      '-c',
      '5',
      '--rate',
      '100',
      '-d',
      '1s',
      '--message',
      '{ hello }',
    ]);
    // Open only after connection_ack: 5 openings timed, none failed.
    expect(s.connections).toMatchObject({ opened: 5, failed: 0 });
    expect(s.connect_ms.count).toBe(5);
    expect(s.messages.sent).toBeGreaterThan(80);
    expect(s.rtt_ms.count).toBe(s.messages.sent);
    expect(s.messages).toMatchObject({ unmatched: 0, unanswered: 0 });
  });
});

describe('wsx load: when the machine refuses', () => {
  it('names the open-file limit it hit and how to raise it, and reports the connections it did open', async () => {
    const server = await recordingServer(defer);
    // A soft limit of 64 open files (lowering it needs no privilege): far fewer than 200 connections.
    const child = spawn(
      'bash',
      [
        '-c',
        'ulimit -n 64 && exec "$0" "$@"',
        process.execPath,
        wsxBin,
        'load',
        server.url,
        '-c',
        '200',
        '-d',
        '1s',
      ],
      { env: { ...process.env, NO_COLOR: '1' }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    const r = await collect(child, { killAfterMs: 10_000 });
    expect(r.stderr).toMatch(/too many open files: raise the limit with `ulimit -n`/);
    expect(r.stderr.match(/too many open files/g)).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // The report counts what did open, and the refusals under their errno name.
    const opened = Number(/(\d+) opened of 200 targeted/.exec(r.stderr)?.[1]);
    expect(opened).toBeGreaterThan(10);
    expect(opened).toBeLessThan(200);
    // Refused sockets are retried once a second, not on every 1 ms tick (which counted thousands a second).
    const failed = Number(/(\d+) failed/.exec(r.stderr)?.[1]);
    expect(failed).toBeGreaterThan(0);
    expect(failed).toBeLessThan(3 * (200 - opened));
    expect(r.stderr).toMatch(new RegExp(`errors\\s+emfile ${failed}\\b`));
    // No threshold was given: the run measured what it could and exits 0 (a threshold on errors would fail it).
    expect(r.code).toBe(0);
  });
});
