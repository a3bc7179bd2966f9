// A protocol's own frames (SendOptions.isProtocolFrame) are written like any other but never counted as
// the user's messages: not in `dropped`, not in `unconfirmed`.

import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/core/connection.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { stateReached } from '../helpers/connection.js';
import { startResettingServer } from '../helpers/hostile-servers.js';

const defer = cleanupAfterEach();

describe('protocol frames', () => {
  it('a protocol frame still queued at close is dropped (the event says so) but not counted', async () => {
    const conn = new Connection({ url: 'ws://127.0.0.1:9', heartbeat: false });
    const drops: string[] = [];
    conn.on('dropped', ({ msg }) => drops.push(String(msg.data)));
    conn.send('40', { isProtocolFrame: true });
    conn.send('["user"]');
    await conn.close();
    expect(drops).toEqual(['40', '["user"]']);
    expect(conn.snapshot().counters.dropped).toBe(1);
  });

  it('protocol frames written before a reset are not counted as unconfirmed', async () => {
    const server = await startResettingServer(3);
    defer(() => server.close());
    const conn = new Connection({ url: server.url, heartbeat: false });
    conn.on('error', () => {});
    defer(() => conn.close());
    conn.send('own 1', { isProtocolFrame: true });
    conn.send('own 2', { isProtocolFrame: true });
    conn.send('user');
    conn.start();
    await stateReached(conn, 'closed', 3000);
    expect(server.received).toEqual(['own 1', 'own 2', 'user']);
    expect(conn.snapshot().counters.unconfirmed).toBeLessThanOrEqual(1);
    expect(conn.snapshot().counters.dropped).toBe(0);
  });
});
