// wsx load's two kinds of connection, end to end: the lean one by default, ws where the lean one does not
// apply (permessage-deflate), and a frame that breaks the protocol counted as an error of the run.

import { once } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import type { LoadSummary } from '../../src/load/summary.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { frame, startRawServer, switchingProtocols } from '../helpers/hostile-servers.js';
import { runWsx } from '../helpers/run-wsx.js';
import { listenOnLoopback } from '../helpers/servers.js';

const defer = cleanupAfterEach();

/** An echo server that offers permessage-deflate and keeps each upgrade request's extension offer. */
async function deflateEcho(): Promise<{ url: string; offers: (string | undefined)[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
  await once(wss, 'listening');
  const offers: (string | undefined)[] = [];
  wss.on('connection', (ws, req) => {
    offers.push(req.headers['sec-websocket-extensions']);
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  defer(() => new Promise<void>((r) => (wss.clients.forEach((c) => c.terminate()), wss.close(() => r()))));
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, offers };
}

async function load(args: string[]): Promise<{ code: number | null; stderr: string; s: LoadSummary }> {
  const file = join(mkdtempSync(join(tmpdir(), 'wsx-load-lean-')), 's.json');
  const r = await runWsx(['load', ...args, '--summary-json', file, '-q']);
  return { code: r.code, stderr: r.stderr, s: JSON.parse(readFileSync(file, 'utf8')) as LoadSummary };
}

describe('wsx load connections', () => {
  it('pairs every echo over lean connections (no extension offered), and over ws with --compress (deflate offered)', async () => {
    const server = await deflateEcho();
    const lean = await load([server.url, '-c', '5', '--rate', '100', '-d', '1s']);
    expect(lean.code).toBe(0);
    expect(server.offers).toHaveLength(5); // the probe's connection stays as the first
    expect(server.offers.every((o) => o === undefined)).toBe(true);
    expect(lean.s.messages.sent).toBeGreaterThan(50);
    expect(lean.s.rtt_ms.count).toBe(lean.s.messages.sent);
    server.offers.length = 0;
    const deflate = await load([server.url, '--compress', '-c', '5', '--rate', '100', '-d', '1s']);
    expect(deflate.code).toBe(0);
    expect(server.offers).toHaveLength(5);
    expect(server.offers.every((o) => o?.includes('permessage-deflate'))).toBe(true);
    expect(deflate.s.rtt_ms.count).toBe(deflate.s.messages.sent);
  });

  it('counts a masked frame from the server as a protocol error and its connection as lost, once each', async () => {
    const server = await startRawServer((socket, key) => {
      socket.write(switchingProtocols(key));
      // A masked frame a moment after opening (the probe's connection is the run's first).
      setTimeout(() => socket.write(Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x69 ^ 1, 0x69 ^ 2])), 300);
      socket.on('data', (d) => {
        // Answer a close frame (opcode 8) with one and end, as a server does.
        if ((d[0]! & 0x0f) === 0x8) socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
      });
    });
    defer(() => server.close());
    const r = await load([server.url, '-c', '1', '-d', '1s']);
    // Each lost connection is replaced (the target is 1), and each replacement gets the same frame.
    expect(Object.keys(r.s.errors)).toEqual(['protocol']);
    expect(r.s.errors.protocol).toBeGreaterThanOrEqual(1);
    expect(r.s.connections.lost).toBe(r.s.errors.protocol);
  });

  it('opens lean connections through an HTTP CONNECT proxy (--proxy), one tunnel each, every echo paired', async () => {
    const server = await deflateEcho();
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    const sockets = new Set<Socket>();
    proxy.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      tunnels.push(req.url ?? '');
      const upstream = netConnect(Number((req.url ?? '').split(':')[1]), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(client).add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const port = await listenOnLoopback(proxy);
    defer(() => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => proxy.close(r));
    });
    const r = await load([
      server.url,
      '--proxy',
      `http://127.0.0.1:${port}`,
      '-c',
      '3',
      '--rate',
      '30',
      '-d',
      '1s',
    ]);
    expect(r.code).toBe(0);
    expect(tunnels).toEqual(Array(3).fill(new URL(server.url).host));
    expect(r.s.connections).toMatchObject({ opened: 3, failed: 0 });
    expect(r.s.messages.sent).toBeGreaterThan(10);
    expect(r.s.rtt_ms.count).toBe(r.s.messages.sent);
  });
});
