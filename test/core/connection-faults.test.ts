// Connection against servers that misbehave on purpose: each failure named, nothing lost, nothing hangs.

import { describe, expect, it } from 'vitest';
import { Connection, type ConnectionOptions } from '../../src/core/connection.js';
import type { Incoming, StateChange } from '../../src/core/events.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { recordStates, startConnection, stateReached } from '../helpers/connection.js';
import {
  frame,
  startDrippingServer,
  startRawServer,
  startResettingServer,
  startScriptedServer,
  startServerSendingThenDeaf,
  startSlow101Server,
  startStatusServer,
  type RawServer,
} from '../helpers/hostile-servers.js';
import { until } from '../helpers/servers.js';

const defer = cleanupAfterEach();

const connect = (options: ConnectionOptions): Connection => startConnection(defer, options);

async function raw<T extends RawServer>(start: Promise<T>): Promise<T> {
  const s = await start;
  defer(() => s.close());
  return s;
}

const fastRetry = { backoff: { baseMs: 20, capMs: 40, floorMs: 10 } };

/** Resolves once the client has sent a Close frame (first byte 0x88; client frames are masked after it). */
function clientSentClose(s: RawServer): Promise<void> {
  return until(
    () => s.clientBytes().includes(0x88),
    3000,
    () => `no close frame from the client; got ${s.clientBytes().length} bytes`,
  );
}

/**
 * A server sends `bad` and goes deaf; once ws has failed the connection (its Close frame is out), the user
 * closes too. Returns the final change to `closed`.
 */
async function userClosesAfterFailure(bad: Buffer): Promise<StateChange> {
  const s = await raw(startServerSendingThenDeaf([bad]));
  const conn = connect({ url: s.url, closeTimeoutMs: 2000 });
  await stateReached(conn, 'open');
  await clientSentClose(s);
  const closed = stateReached(conn, 'closed', 3000);
  await conn.close(1000);
  return closed;
}

describe('Connection under faults: the first failure wins over a later close of ours', () => {
  it('carries the 1007 failure in the closed change when the user closes after ws failed the connection', async () => {
    const change = await userClosesAfterFailure(frame(0x1, Buffer.from([0xff, 0xfe, 0xfd])));
    expect(change.error?.kind).toBe('protocol');
    expect(change.closeCode).toBe(1007);
    expect(change.error?.describe()).toMatch(/1007/);
  });

  it('carries the 1009 failure when a frame header announces 2 GiB, even though the user closed', async () => {
    const change = await userClosesAfterFailure(frame(0x1, Buffer.alloc(0), { length: 2 ** 31 }));
    expect(change.error?.kind).toBe('message-too-big');
    expect(change.closeCode).toBe(1009);
  });

  it('does not invent a failure when the user closes a healthy connection', async () => {
    const s = await raw(startServerSendingThenDeaf([frame(0x1, 'hello')]));
    const conn = connect({ url: s.url, closeTimeoutMs: 200 });
    await stateReached(conn, 'open');
    const closed = stateReached(conn, 'closed', 3000);
    await conn.close(1000);
    expect((await closed).error).toBeUndefined();
  });
});

describe('Connection under faults: the close code reported is the one wsx sent', () => {
  it('reports 1008 for a flood of message fragments, not 1002', async () => {
    // ws refuses a message of more than 16,384 fragments with 1008.
    const fragments = [frame(0x1, 'a', { fin: false })];
    for (let i = 0; i < 16_400; i++) fragments.push(frame(0x0, 'a', { fin: false }));
    const s = await raw(startServerSendingThenDeaf([Buffer.concat(fragments)]));
    const conn = connect({ url: s.url, closeTimeoutMs: 200 });
    const change = await stateReached(conn, 'closed', 3000);
    expect(change.closeCode).toBe(1008);
    expect(change.error?.describe()).toMatch(/1008/);
  });

  it("names a ping flood that trips ws's guard instead of calling it a lost connection", async () => {
    const pings = Buffer.concat(Array.from({ length: 1000 }, () => frame(0x9, 'p')));
    const s = await raw(startServerSendingThenDeaf([pings]));
    const conn = connect({ url: s.url });
    const change = await stateReached(conn, 'closed', 3000);
    expect(change.error?.kind).toBe('protocol');
    expect(change.error?.message).toMatch(/ping/i);
  });
});

describe('Connection under faults: bytes on the wire are a sign of life', () => {
  it('does not declare a server dead while a long message is still arriving slowly', async () => {
    // 1 MiB in 32 KiB pieces every 40 ms: about 1.3 s for one frame, with a 150 ms ping timeout.
    const payload = Buffer.alloc(1024 * 1024, 0x61);
    const s = await raw(startDrippingServer(frame(0x2, payload), 32 * 1024, 40));
    const conn = connect({ url: s.url, heartbeat: { intervalMs: 150, timeoutMs: 150 } });
    const states = recordStates(conn);
    const got = new Promise<Incoming>((resolve) => conn.once('message', resolve));
    const msg = await Promise.race([
      got,
      stateReached(conn, 'closed', 4000).then((c: StateChange) => {
        throw new Error(`closed before the message arrived: ${c.reason}`);
      }),
    ]);
    expect(msg.data.length).toBe(payload.length);
    expect(states.map((c) => c.to)).not.toContain('closed');
  });

  it('counts bytes received on the wire before a message is complete', async () => {
    const payload = Buffer.alloc(256 * 1024, 0x61);
    const s = await raw(startDrippingServer(frame(0x2, payload), 16 * 1024, 20));
    const conn = connect({ url: s.url });
    await stateReached(conn, 'open');
    await until(
      () => conn.snapshot().counters.wireBytesReceived >= 64 * 1024,
      3000,
      () => `wire bytes ${conn.snapshot().counters.wireBytesReceived}`,
    );
    expect(conn.snapshot().counters.received).toBe(0);
  });
});

describe('Connection under faults: the opening handshake has a deadline', () => {
  it('fails a 101 response dripped one byte at a time within handshakeTimeoutMs', async () => {
    const s = await raw(startSlow101Server(100));
    const started = Date.now();
    const conn = connect({ url: s.url, handshakeTimeoutMs: 500 });
    const change = await stateReached(conn, 'closed', 3000);
    expect(change.error?.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('rejects a 101 with a wrong Sec-WebSocket-Accept as a bad handshake that never opened', async () => {
    const s = await raw(
      startRawServer((socket) =>
        socket.write(
          'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
            'Sec-WebSocket-Accept: d3Jvbmc=\r\n\r\n',
        ),
      ),
    );
    const conn = connect({ url: s.url });
    const change = await stateReached(conn, 'closed', 3000);
    expect(change.error?.kind).toBe('protocol');
    expect(conn.snapshot().hasOpened).toBe(false);
  });
});

describe('Connection under faults: reconnect storms', () => {
  it('keeps counting retries when each connection closes with 1011 before it is stable, and gives up', async () => {
    const s = await startScriptedServer((ws) => ws.close(1011, 'boom'));
    defer(() => s.close());
    const conn = connect({ url: s.url, reconnect: { enabled: true, maxRetries: 2 }, ...fastRetry });
    const change = await stateReached(conn, 'closed', 3000);
    expect(change.reason).toMatch(/gave up after 2 retries/);
    expect(s.connectedAt.length).toBe(3);
  });

  it('keeps counting retries when each connection is dropped at the TCP level, and gives up', async () => {
    const s = await startScriptedServer((_ws, tcp) => tcp.destroy());
    defer(() => s.close());
    const conn = connect({ url: s.url, reconnect: { enabled: true, maxRetries: 2 }, ...fastRetry });
    const change = await stateReached(conn, 'closed', 3000);
    expect(change.reason).toMatch(/gave up after 2 retries/);
    expect(s.connectedAt.length).toBe(3);
  });

  it('resets the retry count once a connection has stayed open for the stability period', async () => {
    const s = await startScriptedServer((ws, _tcp, index) => {
      // The second connection is healthy for longer than stableAfterMs, then the server restarts.
      setTimeout(() => ws.close(1012, 'restart'), index === 2 ? 300 : 10);
    });
    defer(() => s.close());
    const conn = connect({
      url: s.url,
      reconnect: { enabled: true, maxRetries: 2, stableAfterMs: 150 },
      ...fastRetry,
    });
    const change = await stateReached(conn, 'closed', 4000);
    expect(change.reason).toMatch(/gave up after 2 retries/);
    // 1, 2 (stable: the count starts again), 3, 4.
    expect(s.connectedAt.length).toBe(4);
  });

  it("waits as long as a 503 response's Retry-After asks before the next attempt", async () => {
    const s = await raw(startStatusServer('503 Service Unavailable', 'Retry-After: 1\r\n'));
    const conn = connect({ url: s.url, reconnect: { enabled: true, maxRetries: 1 }, ...fastRetry });
    const waiting = await stateReached(conn, 'waiting', 2000);
    expect(waiting.retryInMs).toBeGreaterThanOrEqual(1000);
    await stateReached(conn, 'closed', 3000);
    const at = s.at;
    expect(at.length).toBe(2);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(950);
  });
});

describe('Connection under faults: writes cut off by a connection reset', () => {
  it('re-sends, in order and ahead of newer messages, the writes that never left the process', async () => {
    const s = await startResettingServer(2000);
    defer(() => s.close());
    const conn = connect({ url: s.url, reconnect: { enabled: true }, ...fastRetry });
    await stateReached(conn, 'open');
    const total = 10_000;
    const body = 'x'.repeat(1000);
    for (let i = 0; i < total; i++) conn.send(`${i} ${body}`);
    await stateReached(conn, 'waiting', 3000);
    await stateReached(conn, 'open', 3000);
    expect(await conn.flushed()).toBe(true);
    await until(
      () => s.received.length > 0 && s.received.at(-1)!.startsWith(`${total - 1} `),
      4000,
      () => `server got ${s.received.length}, last ${s.received.at(-1)?.slice(0, 10)}`,
    );
    const seqs = s.received.map((m) => Number(m.split(' ')[0]));
    // Strictly increasing: nothing twice, nothing out of order.
    expect(seqs.every((n, i) => i === 0 || n > seqs[i - 1]!)).toBe(true);
    const lost = total - seqs.length;
    // Only what had reached the kernel before the reset may be missing, and it is counted.
    expect(conn.snapshot().counters.unconfirmed).toBeGreaterThanOrEqual(lost);
    expect(seqs.length).toBeGreaterThan(2000);
    expect(conn.snapshot().counters.dropped).toBe(0);
  });

  it('re-sends, exactly once, a batch of writes cut off in the tick it was written (never confirmed)', async () => {
    const s = await serverUntilCleanup(defer);
    const conn = connect({ url: s.url, reconnect: { enabled: true }, ...fastRetry });
    await stateReached(conn, 'open');
    const total = 100;
    for (let i = 0; i < total; i++) conn.send(`m${i}`);
    // Same tick: the batch is still held for one writev, so none of it reached the kernel.
    conn.reconnect();
    await stateReached(conn, 'open', 3000);
    expect(await conn.flushed()).toBe(true);
    await until(
      () => s.received.length >= total,
      3000,
      () => `server got ${s.received.length}`,
    );
    expect(s.received).toEqual(Array.from({ length: total }, (_, i) => `m${i}`));
    expect(conn.snapshot().counters.unconfirmed).toBe(0);
  });
});
