import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { once } from 'node:events';
import { Connection, type ConnectionOptions } from '../../src/core/connection.js';
import type { Drop } from '../../src/core/events.js';
import { WsxError } from '../../src/core/errors.js';
import {
  freePort,
  startRefusingServer,
  startServer,
  startStallingServer,
  until,
  type TestServer,
} from '../helpers/servers.js';
import { recordStates, startConnection, stateReached } from '../helpers/connection.js';
import { FakeClock } from '../helpers/fake-clock.js';
import { seededRandom } from '../../src/core/backoff.js';

const defer = cleanupAfterEach();

const connect = (
  options: ConnectionOptions,
  deps?: ConstructorParameters<typeof Connection>[1],
): Connection => startConnection(defer, options, deps);

const server = (opts?: Parameters<typeof serverUntilCleanup>[1]): Promise<TestServer> =>
  serverUntilCleanup(defer, opts);

const fastRetry = { reconnect: { enabled: true }, backoff: { baseMs: 40, capMs: 80, floorMs: 10 } };

describe('Connection: delivery', () => {
  it('queues guaranteed messages while the server is down and delivers them once, in order, when it comes up', async () => {
    const port = await freePort();
    const conn = connect({ url: `ws://127.0.0.1:${port}`, ...fastRetry });
    for (let i = 0; i < 500; i++) conn.send(`m${i}`);
    // Let the client fail twice against the closed port before the server appears.
    await stateReached(conn, 'waiting');
    await stateReached(conn, 'waiting');
    expect(conn.snapshot().counters.queued).toBe(500);
    const s = await server({ port });
    await stateReached(conn, 'open');
    expect(await conn.flushed()).toBe(true);
    await until(
      () => s.received.length >= 500,
      2000,
      () => `server got ${s.received.length}`,
    );
    expect(s.received).toEqual(Array.from({ length: 500 }, (_, i) => `m${i}`));
    expect(conn.snapshot().counters).toMatchObject({ sent: 500, dropped: 0, queued: 0 });
  });

  it('drops droppable messages whose deadline passes offline, reports each, and never sends them later', async () => {
    const port = await freePort();
    const conn = connect({ url: `ws://127.0.0.1:${port}`, ...fastRetry });
    const drops: Drop[] = [];
    conn.on('dropped', (d) => drops.push(d));
    conn.send('late-1', { deadlineMs: 50 });
    conn.send('kept');
    conn.send('late-2', { deadlineMs: 80 });
    await until(
      () => drops.length === 2,
      2000,
      () => `drops: ${drops.length}`,
    );
    expect(drops.map((d) => [d.msg.data, d.why])).toEqual([
      ['late-1', 'deadline'],
      ['late-2', 'deadline'],
    ]);
    const s = await server({ port });
    await stateReached(conn, 'open');
    await conn.flushed();
    await until(
      () => s.received.length >= 1,
      2000,
      () => 'nothing received',
    );
    await conn.close();
    expect(s.received).toEqual(['kept']);
    expect(conn.snapshot().counters.dropped).toBe(2);
  });

  it('survives a server killed mid-stream and restarted: reconnects, sends later messages once, re-sends nothing', async () => {
    const s1 = await server();
    const conn = connect({ url: s1.url, ...fastRetry });
    await stateReached(conn, 'open');
    for (let i = 0; i < 100; i++) conn.send(`before-${i}`);
    await conn.flushed();
    await until(
      () => s1.received.length === 100,
      2000,
      () => `got ${s1.received.length}`,
    );
    const states = recordStates(conn);
    await s1.kill();
    await stateReached(conn, 'waiting');
    for (let i = 0; i < 100; i++) conn.send(`after-${i}`);
    const s2 = await server({ port: s1.port });
    await stateReached(conn, 'open', 3000);
    await conn.flushed();
    await until(
      () => s2.received.length >= 100,
      2000,
      () => `got ${s2.received.length}`,
    );
    expect(s2.received).toEqual(Array.from({ length: 100 }, (_, i) => `after-${i}`));
    const path = states.map((c) => c.to).filter((to, i, all) => to !== all[i - 1]);
    expect(path[0]).toBe('waiting');
    expect(path.at(-1)).toBe('open');
    expect(path.slice(-2)).toEqual(['connecting', 'open']);
    expect(conn.snapshot().counters.reconnects).toBe(1);
  });

  it('asks the producer to pause when a server stops reading, keeps memory bounded, and resumes on drain', async () => {
    const s = await server();
    const conn = connect({
      url: s.url,
      queue: { maxMessages: 50, maxBytes: 1024 * 1024 },
      highWaterBytes: 256 * 1024,
    });
    await stateReached(conn, 'open');
    await until(
      () => s.clients().length === 1,
      2000,
      () => 'no client',
    );
    const serverSide = s.clients()[0]!;
    // ws's pause() stops reading the socket: the server reads nothing until resume().
    serverSide.pause();
    const chunk = 'x'.repeat(64 * 1024);
    let accepted = 0;
    // Bounded: stop at the first "pause", or after 2000 messages (128 MiB) which would mean no backpressure.
    while (accepted < 2000 && conn.send(chunk)) accepted++;
    expect(accepted).toBeLessThan(2000);
    const snap = conn.snapshot();
    expect(snap.counters.queued).toBeLessThanOrEqual(50);
    // Kernel buffers took some, the socket's own buffer up to the high-water mark, the queue the rest.
    expect(snap.counters.queued * 64 * 1024).toBeLessThanOrEqual(4 * 1024 * 1024);
    const drained = once(conn, 'drain');
    serverSide.resume();
    await drained;
    expect(await conn.flushed()).toBe(true);
    await until(
      () => s.received.length === accepted + 1,
      3000,
      () => `got ${s.received.length} of ${accepted + 1}`,
    );
  });
});

describe('Connection: failures', () => {
  it('fails fast without reconnect when the first connection is refused, with kind "refused"', async () => {
    const port = await freePort();
    const conn = connect({ url: `ws://127.0.0.1:${port}` });
    const closed = await stateReached(conn, 'closed');
    expect(closed.error?.kind).toBe('refused');
    expect(closed.error?.describe()).toBe('connection refused (is the server running?)');
  });

  it('times out a handshake the server never answers', async () => {
    const stall = await startStallingServer();
    defer(() => stall.close());
    const conn = connect({ url: stall.url, handshakeTimeoutMs: 150 });
    const closed = await stateReached(conn, 'closed');
    expect(closed.error?.kind).toBe('timeout');
  });

  it('reports an HTTP refusal with its status line and body, and does not retry a 403', async () => {
    const refusing = await startRefusingServer(
      'HTTP/1.1 403 Forbidden\r\nContent-Length: 13\r\n\r\ntoken expired',
    );
    defer(refusing.close);
    const conn = connect({ url: `${refusing.url}/x`, ...fastRetry });
    const closed = await stateReached(conn, 'closed');
    expect(closed.error?.kind).toBe('http-status');
    expect(closed.error?.details.status).toBe(403);
    expect(closed.error?.message).toBe(
      'server answered HTTP/1.1 403 Forbidden instead of upgrading: token expired',
    );
    expect(conn.snapshot().attempt).toBe(1);
  });

  it('retries an HTTP 503 on the upgrade', async () => {
    const refusing = await startRefusingServer(
      'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n',
    );
    defer(refusing.close);
    const conn = connect({ url: refusing.url, ...fastRetry, reconnect: { enabled: true, maxRetries: 2 } });
    const closed = await stateReached(conn, 'closed', 3000);
    expect(closed.reason).toContain('gave up after 2 retries');
    expect(conn.snapshot().attempt).toBe(3);
  });

  it('names the real cause and code when the server sends invalid UTF-8 (ws itself says 1006)', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.send(Buffer.from([0x68, 0xff, 0xfe]), { binary: false }));
    const conn = connect({ url: s.url, ...fastRetry });
    const closed = await stateReached(conn, 'closed');
    expect(closed.error?.kind).toBe('protocol');
    expect(closed.closeCode).toBe(1007);
    expect(conn.snapshot().lastClose?.code).toBe(1007);
  });

  it('closes with 1009 and kind "message-too-big" when a message exceeds maxPayloadBytes', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.send('y'.repeat(2048)));
    const conn = connect({ url: s.url, maxPayloadBytes: 1024 });
    const closed = await stateReached(conn, 'closed');
    expect(closed.error?.kind).toBe('message-too-big');
    expect(closed.closeCode).toBe(1009);
  });

  it('emits exactly one error event for one failure', async () => {
    const port = await freePort();
    const conn = new Connection({ url: `ws://127.0.0.1:${port}`, heartbeat: false });
    const errors: WsxError[] = [];
    conn.on('error', (e) => errors.push(e));
    conn.start();
    await stateReached(conn, 'closed');
    expect(errors.map((e) => e.kind)).toEqual(['refused']);
  });

  it('throws an invalid-url error at construction, before any socket opens', () => {
    expect(() => new Connection({ url: 'http://example.com' })).toThrow(/unsupported scheme/);
    expect(() => new Connection({ url: 'ws://x', handshakeTimeoutMs: -1 })).toThrow(
      /handshakeTimeoutMs must be a positive number/,
    );
  });
});

describe('Connection: reconnect decisions by close code', () => {
  it.each([
    [1000, 'closed'],
    [1001, 'waiting'],
    [1008, 'closed'],
    [1011, 'waiting'],
    [4000, 'closed'],
  ] as const)('a server close with %i leads to %s', async (code, expected) => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.close(code, 'bye'));
    const conn = connect({
      url: s.url,
      reconnect: { enabled: true },
      backoff: { baseMs: 5000, capMs: 5000, floorMs: 5000 },
    });
    await stateReached(conn, 'open');
    const next = await Promise.race([stateReached(conn, 'closed'), stateReached(conn, 'waiting')]);
    expect(next.to).toBe(expected);
    expect(next.closeCode).toBe(code);
    expect(next.closeReason).toBe('bye');
  });

  it('reconnects after a 1000 close when retryOnNormalClose is set', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.close(1000));
    const conn = connect({
      url: s.url,
      reconnect: { enabled: true, retryOnNormalClose: true },
      backoff: { baseMs: 5000, capMs: 5000, floorMs: 5000 },
    });
    expect((await stateReached(conn, 'waiting')).closeCode).toBe(1000);
  });

  it('follows the backoff schedule with a fake clock: growing ceilings, jitter within bounds, max retries', async () => {
    const port = await freePort();
    const clock = new FakeClock();
    const conn = connect(
      {
        url: `ws://127.0.0.1:${port}`,
        reconnect: { enabled: true, maxRetries: 5 },
        backoff: { baseMs: 1000, capMs: 4000, floorMs: 100 },
      },
      { clock, random: seededRandom(3) },
    );
    const delays: number[] = [];
    for (let retry = 1; retry <= 5; retry++) {
      const waiting = await stateReached(conn, 'waiting');
      delays.push(waiting.retryInMs!);
      expect(conn.snapshot().retryAt).toBe(clock.now() + waiting.retryInMs!);
      clock.advance(waiting.retryInMs! - 1);
      expect(conn.currentState).toBe('waiting');
      clock.advance(1);
      expect(conn.currentState).toBe('connecting');
    }
    const ceilings = [1000, 2000, 4000, 4000, 4000];
    delays.forEach((d, i) => {
      expect(d).toBeGreaterThanOrEqual(100);
      expect(d).toBeLessThanOrEqual(ceilings[i]!);
    });
    const closed = await stateReached(conn, 'closed');
    expect(closed.reason).toBe('connection refused; gave up after 5 retries');
    expect(clock.pending).toBe(0);
  });
});

describe('Connection: heartbeat', () => {
  it('detects a server that stops answering pings, terminates it and reconnects', async () => {
    const s = await server({ ws: { autoPong: false } });
    const conn = connect({ url: s.url, heartbeat: { intervalMs: 100, timeoutMs: 150 }, ...fastRetry });
    await stateReached(conn, 'open');
    const openedAt = Date.now();
    const waiting = await stateReached(conn, 'waiting', 2000);
    const detectedAfterMs = Date.now() - openedAt;
    expect(waiting.error?.kind).toBe('heartbeat-timeout');
    expect(detectedAfterMs).toBeLessThan(100 + 150 + 200);
    await stateReached(conn, 'open');
  });

  it('measures ping round-trip time against a healthy server', async () => {
    const s = await server();
    const conn = connect({ url: s.url, heartbeat: { intervalMs: 50, timeoutMs: 1000 } });
    await stateReached(conn, 'open');
    const [pong] = await once(conn, 'pong');
    expect(pong.rttMs).toBeGreaterThanOrEqual(0);
    expect(conn.snapshot().rttMs).toBe(pong.rttMs);
  });

  it('sends the application heartbeat message each interval when asked', async () => {
    const s = await server();
    const conn = connect({
      url: s.url,
      heartbeat: { intervalMs: 40, timeoutMs: 1000, appMessage: '{"type":"ping"}' },
    });
    await stateReached(conn, 'open');
    await until(
      () => s.received.length >= 2,
      2000,
      () => `got ${s.received.length}`,
    );
    expect(s.received.slice(0, 2)).toEqual(['{"type":"ping"}', '{"type":"ping"}']);
  });
});

describe('Connection: cancellation', () => {
  function activeHandles(): string[] {
    return process
      .getActiveResourcesInfo()
      .filter((r) => r === 'TCPSocketWrap' || r === 'Timeout' || r === 'TCPServerWrap');
  }

  it('closes promptly while connecting, waiting and open, leaving no sockets or timers', async () => {
    const before = activeHandles().length;
    const stall = await startStallingServer();
    const port = await freePort();
    const s = await startServer();

    const connecting = new Connection({ url: stall.url, heartbeat: { intervalMs: 50, timeoutMs: 50 } });
    connecting.start();
    const waiting = new Connection({
      url: `ws://127.0.0.1:${port}`,
      reconnect: { enabled: true },
      backoff: { baseMs: 60_000, capMs: 60_000, floorMs: 60_000 },
    });
    waiting.on('error', () => {});
    waiting.start();
    await stateReached(waiting, 'waiting');
    const open = new Connection({ url: s.url, heartbeat: { intervalMs: 50, timeoutMs: 50 } });
    open.start();
    await stateReached(open, 'open');
    open.send('queued-late', { deadlineMs: 60_000 });

    const started = Date.now();
    await Promise.all([connecting.close(), waiting.close(), open.close()]);
    expect(Date.now() - started).toBeLessThan(500);
    expect([connecting, waiting, open].map((c) => c.currentState)).toEqual(['closed', 'closed', 'closed']);

    await stall.close();
    await s.close();
    await until(
      () => activeHandles().length <= before,
      1000,
      () => `left running: ${activeHandles().join(', ')}`,
    );
  });

  it('stops everything when the caller aborts its signal', async () => {
    const port = await freePort();
    const ac = new AbortController();
    const conn = new Connection(
      {
        url: `ws://127.0.0.1:${port}`,
        reconnect: { enabled: true },
        backoff: { baseMs: 60_000, capMs: 60_000, floorMs: 60_000 },
      },
      { signal: ac.signal },
    );
    conn.on('error', () => {});
    conn.start();
    await stateReached(conn, 'waiting');
    const closed = stateReached(conn, 'closed');
    ac.abort();
    expect((await closed).reason).toBe('closed by user');
  });

  it('lets a process exit by itself right after close(): nothing keeps the event loop alive', async () => {
    const { spawn } = await import('node:child_process');
    const s = await server();
    const script = `
      import { Connection } from ${JSON.stringify(new URL('../../dist/core/connection.js', import.meta.url).href)};
      const conn = new Connection({ url: ${JSON.stringify(s.url)}, reconnect: { enabled: true }, heartbeat: { intervalMs: 100, timeoutMs: 100 } });
      conn.on('state', async (c) => {
        if (c.to === 'open') { conn.send('hi', { deadlineMs: 60000 }); await conn.close(); process.stdout.write('closed ' + Date.now()); }
      });
      conn.start();`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const [code] = await once(child, 'exit');
    const exitedAt = Date.now();
    expect(code).toBe(0);
    const closedAt = Number(out.split(' ')[1]);
    expect(exitedAt - closedAt).toBeLessThan(100);
  });
});
