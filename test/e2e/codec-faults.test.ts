// Hostile servers against the --proto codecs and the handshake's error text, through the built bin/wsx.js.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import { startRefusingServer } from '../helpers/servers.js';
import { startHandSocketIo, startTextServer } from '../protocols/scripted-servers.js';

const defer = cleanupAfterEach();

describe('refusal pages', () => {
  it('a refusal page with a character reference past U+10FFFF exits 3 with the page text, no stack', async () => {
    const page = '<html><body><h1>Denied &#x110000; here</h1></body></html>';
    const refusing = await startRefusingServer(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
    );
    defer(() => refusing.close());
    for (const args of [[], ['-x', 'hi'], ['--proto', 'jsonrpc']]) {
      const r = await runWsx([...args, `${refusing.url}/`]);
      expect(r.stderr.split('\n')[0]).toBe(
        `wsx: cannot connect to ${refusing.url}/: server answered HTTP/1.1 403 Forbidden instead of upgrading: Denied \uFFFD here (check credentials: -H, --auth, --bearer-env)`,
      );
      expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
      expect(r.code).toBe(3);
    }
  });
});

describe('held input', () => {
  it('Socket.IO: emits held for a CONNECT that never comes are reported dropped when the connection ends', async () => {
    const server = await startHandSocketIo(defer, {
      // Never answers the CONNECT: closes instead, a little later.
      onConnect: (ws) => setTimeout(() => ws.close(1000), 100),
    });
    const r = await runWsx(['--proto', 'socketio', server.url], { input: '["a",1]\n["b",2]\n' });
    expect(r.stderr).toContain('wsx: 2 messages dropped');
    expect(r.code).not.toBe(0);
  });

  it('graphql-ws: operations held for a connection_ack that never comes are reported dropped', async () => {
    const server = await startTextServer(defer, {
      protocol: 'graphql-transport-ws',
      onFrame: (ws) => setTimeout(() => ws.close(1000), 100),
    });
    const r = await runWsx(['--proto', 'graphql-ws', server.url], { input: '{ hello }\n' });
    expect(r.stderr).toContain('wsx: 1 message dropped');
    expect(r.code).not.toBe(0);
  });

  it("Socket.IO: the protocol's own frames (CONNECT, pongs) are never counted as the user's unconfirmed messages", async () => {
    const server = await startHandSocketIo(defer, {
      // Connects, pings once (the client's pong is the protocol's), then resets on the user's event.
      onConnect: (ws) => {
        ws.send('40{"sid":"n1"}');
        ws.send('2');
      },
      onEvent: (_ws, _packet, tcp) => tcp.resetAndDestroy(),
    });
    const r = await runWsx(['--proto', 'socketio', server.url], { input: '["a",1]\n', keepStdinOpen: true });
    expect(r.stderr).toContain(
      'wsx: 1 message was being written when the connection dropped; delivery unconfirmed',
    );
    expect(r.code).toBe(5);
  });
});
