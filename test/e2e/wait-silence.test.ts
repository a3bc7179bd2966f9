// After end of input, --wait waits for silence in messages and data: keep-alives (WebSocket pings and
// pongs, Engine.IO pings, graphql-ws pings) flowing in the background do not keep the run alive forever.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { frame, startDrippingServer } from '../helpers/hostile-servers.js';
import { runWsx } from '../helpers/run-wsx.js';
import { startGraphqlWs, startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

/** Sends `send()` on every connection of `wss` every `everyMs` until the socket closes. */
function every(
  wss: { on: (event: 'connection', fn: (ws: import('ws').WebSocket) => void) => void },
  everyMs: number,
  send: (ws: import('ws').WebSocket) => void,
): void {
  wss.on('connection', (ws) => {
    const timer = setInterval(() => send(ws), everyMs);
    ws.on('close', () => clearInterval(timer));
  });
}

describe('--wait measures silence in messages and data, not keep-alive', () => {
  it('ends after --wait while its own pings and their pongs keep flowing (--ping-interval 100ms --wait 600ms)', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await runWsx([s.url, '--ping-interval', '100ms', '--wait', '600ms'], {
      input: 'hi\n',
      killAfterMs: 5000,
    });
    expect(r.stdout).toBe('hi\n');
    expect(r.code).toBe(0);
  });

  it('ends after --wait while the server pings every 100 ms', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    every(s.wss, 100, (ws) => ws.ping());
    const r = await runWsx([s.url, '--wait', '600ms'], { input: 'hi\n', killAfterMs: 5000 });
    expect(r.stdout).toBe('hi\n');
    expect(r.code).toBe(0);
  });

  it('ends after --wait against a Socket.IO server whose Engine.IO pings come every 100 ms', async () => {
    const { url } = await startSocketIo(defer, { pingIntervalMs: 100, pingTimeoutMs: 1000 });
    const r = await runWsx(['--proto', 'socketio', url, '--wait', '600ms'], {
      input: '["echo","hi"]\n',
      killAfterMs: 5000,
    });
    expect(r.stdout).toContain('["echo","hi"]');
    expect(r.code).toBe(0);
  });

  it('ends after --wait against a graphql-ws server that pings every 100 ms', async () => {
    const { url, wss } = await startGraphqlWs(defer);
    every(wss, 100, (ws) => ws.send('{"type":"ping"}'));
    const r = await runWsx(['--proto', 'graphql-ws', url, '--wait', '600ms'], {
      input: '{ hello }\n',
      killAfterMs: 5000,
    });
    expect(r.code).toBe(0);
  });

  it('still waits for a large message dripping in while the server pings between its fragments', async () => {
    const payload = Buffer.alloc(1024 * 1024, 0x7a);
    // Eight fragments with a ping between each two (control frames may come between fragments), dripped
    // 64 KiB every 100 ms: ~1.6 s for the message with --wait 400ms, pings all along.
    const part = payload.length / 8;
    const parts: Buffer[] = [];
    for (let i = 0; i < 8; i++) {
      if (i > 0) parts.push(frame(0x9, 'are you there'));
      parts.push(frame(i === 0 ? 0x1 : 0x0, payload.subarray(i * part, (i + 1) * part), { fin: i === 7 }));
    }
    const s = await startDrippingServer(Buffer.concat(parts), 64 * 1024, 100);
    defer(() => s.close());
    const r = await runWsx([s.url, '--wait', '400ms', '--ping-interval', '0'], { killAfterMs: 8000 });
    expect(r.stdout.length).toBe(payload.length + 1);
    expect(r.code).toBe(0);
  });
});
