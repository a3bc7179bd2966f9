// dataBytesReceived: the bytes read, without keep-alive (pings, pongs, messages a protocol marks), which is
// what --wait's silence is measured in.

import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/core/connection.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { stateReached } from '../helpers/connection.js';
import { startScriptedServer } from '../helpers/hostile-servers.js';
import { until } from '../helpers/servers.js';

const defer = cleanupAfterEach();

describe('Connection: data bytes and keep-alive', () => {
  it('leaves pings, pongs and marked keep-alive messages out of dataBytesReceived, and counts the rest', async () => {
    const s = await startScriptedServer((ws) => {
      ws.on('message', () => {
        // Each alone on the wire: 3 pings (2 + 1 bytes each), "ka" (2 + 2), "data!" (2 + 5).
        for (let i = 0; i < 3; i++) ws.ping('x');
        ws.send('ka');
        ws.send('data!');
      });
    });
    defer(() => s.close());
    const conn = new Connection({ url: s.url, heartbeat: false });
    defer(() => conn.close());
    conn.on('message', (msg) => {
      if (msg.data.toString() === 'ka') conn.markKeepAlive();
    });
    conn.start();
    await stateReached(conn, 'open');
    // Our delivery ping's pong (2 + 8 bytes) is keep-alive too.
    conn.send('go');
    await until(
      () => conn.snapshot().counters.wireBytesReceived >= 9 + 4 + 7 + 10,
      3000,
      () => JSON.stringify(conn.snapshot().counters),
    );
    const { wireBytesReceived, dataBytesReceived } = conn.snapshot().counters;
    expect(wireBytesReceived).toBe(9 + 4 + 7 + 10);
    expect(dataBytesReceived).toBe(7);
  });
});
