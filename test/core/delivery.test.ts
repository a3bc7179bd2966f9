// What a Connection may call delivered: a pong confirms every message written before its ping, a completed
// closing handshake confirms everything, and only the rest is "unconfirmed" when a socket is lost.

import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { Connection, type ConnectionOptions } from '../../src/core/connection.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { startConnection, stateReached } from '../helpers/connection.js';
import { startScriptedServer } from '../helpers/hostile-servers.js';
import { startNeverReadingServer } from '../helpers/never-reading-server.js';
import { startNoCloseFrameServer } from '../helpers/no-close-frame-server.js';
import { until } from '../helpers/servers.js';

const defer = cleanupAfterEach();

const connect = (options: ConnectionOptions): Connection => startConnection(defer, options);

const fastRetry = { backoff: { baseMs: 20, capMs: 40, floorMs: 10 } };

/**
 * An echo server whose first connection is cut (no Close frame) once it has echoed `total` messages and
 * then stayed idle: after the client's ping, or after 1 s if none comes. `autoPong: false` never answers.
 */
async function startEchoThenKilledServer(total: number, opts: { autoPong?: boolean } = {}) {
  let pingsAfterAll = 0;
  const s = await startScriptedServer(
    (ws: WebSocket, _tcp, index) => {
      if (index !== 1) return;
      let echoed = 0;
      const kill = () => setTimeout(() => ws.terminate(), 100);
      ws.on('message', (data) => {
        ws.send(data);
        if (++echoed === total) {
          const fallback = setTimeout(() => ws.terminate(), 1000);
          ws.on('ping', () => {
            pingsAfterAll++;
            clearTimeout(fallback);
            kill();
          });
        }
      });
    },
    opts.autoPong === false ? { autoPong: false } : {},
  );
  defer(() => s.close());
  return { ...s, pingsAfterAll: () => pingsAfterAll };
}

describe('delivery confirmed by pongs', () => {
  it('leaves nothing unconfirmed when the server drops while idle after reading everything', async () => {
    const total = 300;
    const s = await startEchoThenKilledServer(total);
    const conn = connect({ url: s.url, reconnect: { enabled: true }, ...fastRetry });
    let echoes = 0;
    conn.on('message', () => echoes++);
    await stateReached(conn, 'open');
    for (let i = 0; i < total; i++) conn.send(`line ${i}`);
    await stateReached(conn, 'waiting', 3000);
    expect(echoes).toBe(total);
    expect(s.pingsAfterAll()).toBe(1);
    expect(conn.snapshot().counters.unconfirmed).toBe(0);
    await stateReached(conn, 'open', 3000);
  });

  it('keeps counting as unconfirmed what a server that never answers pings had accepted', async () => {
    const total = 300;
    const s = await startEchoThenKilledServer(total, { autoPong: false });
    const conn = connect({ url: s.url, reconnect: { enabled: true }, ...fastRetry });
    await stateReached(conn, 'open');
    for (let i = 0; i < total; i++) conn.send(`line ${i}`);
    await stateReached(conn, 'waiting', 3000);
    expect(conn.snapshot().counters.unconfirmed).toBe(total);
  });

  it('sends one ping per burst, not one per message', async () => {
    const s = await startNoCloseFrameServer();
    defer(() => s.close());
    const conn = connect({ url: s.url });
    await stateReached(conn, 'open');
    for (let i = 0; i < 500; i++) conn.send(`a${i}`);
    await until(
      () => s.received().length === 500 && s.pings() > 0,
      3000,
      () => `${s.received().length}`,
    );
    // The burst left in a few writes; each idle moment after one sends at most one ping.
    expect(s.pings()).toBeLessThanOrEqual(3);
  });
});

describe('delivery when our closing handshake does not complete', () => {
  it('reads on while closing when incoming was paused, so the closing handshake completes', async () => {
    // Each message is answered with 64 KiB: 8 MiB in all, more than the kernel buffers while we do not read.
    const reply = Buffer.alloc(64 * 1024, 'r');
    const s = await startScriptedServer((ws) => ws.on('message', () => ws.send(reply)));
    defer(() => s.close());
    const conn = connect({ url: s.url, closeTimeoutMs: 1000 });
    await stateReached(conn, 'open');
    // A consumer that stopped reading (stdout gone, `wsx URL | head -1`) and then ends the run.
    conn.pauseIncoming();
    for (let i = 0; i < 128; i++) conn.send(`m${i}`);
    expect(await conn.flushed()).toBe(true);
    const closed = stateReached(conn, 'closed', 3000);
    await conn.close(1000);
    expect((await closed).closeCode).toBe(1000);
    expect(conn.snapshot().counters.unconfirmed).toBe(0);
  });

  it('counts what a server that never reads accepted as unconfirmed when the Close goes unanswered', async () => {
    const nr = await startNeverReadingServer();
    defer(nr.close);
    const conn = connect({ url: nr.url, closeTimeoutMs: 300 });
    await stateReached(conn, 'open');
    const total = 1000;
    for (let i = 0; i < total; i++) conn.send(`${i} ${'x'.repeat(100)}`);
    // Small enough for the kernel's buffers: every write is accepted, none is read.
    expect(await conn.flushed()).toBe(true);
    const closed = stateReached(conn, 'closed', 3000);
    await conn.close(1000);
    expect((await closed).closeCode).toBe(1006);
    expect(conn.snapshot().counters.unconfirmed).toBe(total);
  });

  it('confirms, with a ping before the Close, everything a server read before cutting the connection', async () => {
    const s = await startNoCloseFrameServer();
    defer(() => s.close());
    const conn = connect({ url: s.url, closeTimeoutMs: 1000 });
    await stateReached(conn, 'open');
    // Closed in the same tick: the burst never went idle, so only the ping ahead of the Close confirms it.
    for (let i = 0; i < 3; i++) conn.send(`m${i}`);
    const closed = stateReached(conn, 'closed', 3000);
    await conn.close(1000);
    expect((await closed).closeCode).toBe(1006);
    expect(s.received()).toEqual(['m0', 'm1', 'm2']);
    expect(s.pings()).toBe(1);
    expect(conn.snapshot().counters.unconfirmed).toBe(0);
  });

  it('counts as unconfirmed what a server that cuts the connection and never answers pings accepted', async () => {
    const s = await startNoCloseFrameServer({ answerPings: false });
    defer(() => s.close());
    const conn = connect({ url: s.url, closeTimeoutMs: 1000 });
    await stateReached(conn, 'open');
    for (let i = 0; i < 3; i++) conn.send(`m${i}`);
    expect(await conn.flushed()).toBe(true);
    const closed = stateReached(conn, 'closed', 3000);
    await conn.close(1000);
    expect((await closed).closeCode).toBe(1006);
    expect(conn.snapshot().counters.unconfirmed).toBe(3);
  });
});
