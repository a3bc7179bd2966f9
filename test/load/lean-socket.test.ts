// The lean load connection against raw `net` servers on loopback that send exactly the frames each case
// needs (ws cannot send a masked frame, bad UTF-8 or a lying length): it must read what RFC 6455 allows
// and fail the connection, with the close code the RFC names, on what it forbids.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { LeanClient, leanUnsupported, type LoadSink } from '../../src/load/lean-client.js';
import { classifyError } from '../../src/core/errors.js';
import { frame, startRawServer, switchingProtocols, type RawServer } from '../helpers/hostile-servers.js';
import { listenOnLoopback, until } from '../helpers/servers.js';

type Event =
  | { on: 'open' }
  | { on: 'message'; text: string; isBinary: boolean }
  | { on: 'error'; err: Error }
  | { on: 'close'; code: number; reason: string };

/** A sink that writes down everything one run's connections report, in order. */
function recorder(): { sink: LoadSink<number>; events: Event[]; closed: () => Promise<void> } {
  const events: Event[] = [];
  let onClose: () => void = () => {};
  const isClosed = new Promise<void>((resolve) => (onClose = resolve));
  return {
    events,
    closed: () => isClosed,
    sink: {
      open: () => events.push({ on: 'open' }),
      message: (_tag, data, isBinary) => events.push({ on: 'message', text: data.toString(), isBinary }),
      error: (_tag, err) => events.push({ on: 'error', err }),
      close: (_tag, code, reason) => {
        events.push({ on: 'close', code, reason: reason.toString() });
        onClose();
      },
    },
  };
}

/** The client's frames in the bytes a raw server received after the upgrade (each must be masked). */
function clientFrames(bytes: Buffer): { opcode: number; payload: Buffer }[] {
  const frames: { opcode: number; payload: Buffer }[] = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const opcode = bytes[at]! & 0x0f;
    expect(bytes[at + 1]! & 0x80).toBe(0x80);
    let length = bytes[at + 1]! & 0x7f;
    let header = 2;
    if (length === 126) {
      length = bytes.readUInt16BE(at + 2);
      header = 4;
    } else if (length === 127) {
      length = Number(bytes.readBigUInt64BE(at + 2));
      header = 10;
    }
    const mask = bytes.subarray(at + header, at + header + 4);
    const payload = Buffer.from(bytes.subarray(at + header + 4, at + header + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    frames.push({ opcode, payload });
    at += header + 4 + length;
  }
  return frames;
}

const closeFrame = (code: number, reason = '') => {
  const body = Buffer.alloc(2 + Buffer.byteLength(reason));
  body.writeUInt16BE(code, 0);
  body.write(reason, 2);
  return frame(0x8, body);
};

const servers: RawServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A raw server that upgrades, then writes `bytes` (in one write, or one write per buffer). */
async function serverSending(bytes: Buffer[], extraHeaders = ''): Promise<RawServer> {
  const server = await startRawServer((socket: Socket, key: string) => {
    socket.write(switchingProtocols(key, extraHeaders));
    for (const b of bytes) socket.write(b);
  });
  servers.push(server);
  return server;
}

const defaults: WebSocket.ClientOptions = { perMessageDeflate: false, handshakeTimeout: 2000 };

function connect(url: string, options: WebSocket.ClientOptions = defaults, protocols: string[] = []) {
  const r = recorder();
  const client = new LeanClient(url, protocols, options, r.sink);
  const conn = client.open(1, {});
  return { ...r, conn };
}

describe('lean load connection: reading frames', () => {
  it('joins a fragmented text message, answering a ping that arrives between its fragments', async () => {
    const server = await serverSending([
      frame(0x1, 'hel', { fin: false }),
      frame(0x9, 'are you there'),
      frame(0x0, 'lo ', { fin: false }),
      frame(0x0, 'wörld'),
    ]);
    const c = connect(server.url);
    await until(
      () => c.events.some((e) => e.on === 'message'),
      3000,
      () => JSON.stringify(c.events),
    );
    expect(c.events).toEqual([{ on: 'open' }, { on: 'message', text: 'hello wörld', isBinary: false }]);
    await until(
      () => clientFrames(server.clientBytes()).length > 0,
      3000,
      () => 'no pong',
    );
    expect(clientFrames(server.clientBytes())[0]).toEqual({
      opcode: 0xa,
      payload: Buffer.from('are you there'),
    });
    c.conn.terminate();
    await c.closed();
  });

  it('reads 7-, 16- and 64-bit payload lengths, also when the bytes arrive a few at a time', async () => {
    const sizes = [125, 126, 65535, 65536, 70000];
    const all = Buffer.concat(sizes.map((n, i) => frame(0x2, Buffer.alloc(n, 97 + i))));
    // Cut every 7 bytes at first (headers split mid-way), then in large pieces.
    const pieces: Buffer[] = [];
    for (let at = 0; at < all.length;) {
      const size = at < 200 ? 7 : 30000;
      pieces.push(all.subarray(at, at + size));
      at += size;
    }
    const server = await serverSending(pieces);
    const c = connect(server.url);
    await until(
      () => c.events.filter((e) => e.on === 'message').length === sizes.length,
      3000,
      () => 'messages',
    );
    const got = c.events.filter((e) => e.on === 'message') as { text: string; isBinary: boolean }[];
    expect(got.map((m) => m.text.length)).toEqual(sizes);
    expect(got.map((m) => m.text)).toEqual(sizes.map((n, i) => String.fromCharCode(97 + i).repeat(n)));
    expect(got.every((m) => m.isBinary)).toBe(true);
    c.conn.terminate();
    await c.closed();
  });

  it('reads frames that arrive in the same write as the 101', async () => {
    const server = await startRawServer((socket, key) =>
      socket.write(
        Buffer.concat([Buffer.from(switchingProtocols(key)), frame(0x1, 'at once'), frame(0x1, 'and again')]),
      ),
    );
    servers.push(server);
    const c = connect(server.url);
    await until(
      () => c.events.length === 3,
      3000,
      () => JSON.stringify(c.events),
    );
    expect(c.events).toEqual([
      { on: 'open' },
      { on: 'message', text: 'at once', isBinary: false },
      { on: 'message', text: 'and again', isBinary: false },
    ]);
    c.conn.terminate();
    await c.closed();
  });

  it('answers the server close frame with the same code, and ends with that code and reason', async () => {
    const server = await serverSending([frame(0x1, 'last'), closeFrame(4001, 'bye now')]);
    const c = connect(server.url);
    await until(
      () => clientFrames(server.clientBytes()).length > 0,
      3000,
      () => JSON.stringify(c.events),
    );
    expect(clientFrames(server.clientBytes())[0]!.opcode).toBe(0x8);
    expect(clientFrames(server.clientBytes())[0]!.payload.readUInt16BE(0)).toBe(4001);
    // The server (a raw one) never closes TCP by itself: after the handshake the client ends; close it.
    await server.close();
    servers.length = 0;
    await c.closed();
    expect(c.events).toEqual([
      { on: 'open' },
      { on: 'message', text: 'last', isBinary: false },
      { on: 'close', code: 4001, reason: 'bye now' },
    ]);
  });

  it('close(1000) sends a masked close frame and ends with the code the server answers', async () => {
    const server = await startRawServer((socket, key) => {
      socket.write(switchingProtocols(key));
      socket.on('data', () => {
        socket.write(closeFrame(1000));
        socket.end();
      });
    });
    servers.push(server);
    const c = connect(server.url);
    await until(
      () => c.events.length > 0,
      3000,
      () => 'open',
    );
    c.conn.close(1000, 'done');
    await c.closed();
    const sent = clientFrames(server.clientBytes());
    expect(sent[0]!.opcode).toBe(0x8);
    expect(sent[0]!.payload.readUInt16BE(0)).toBe(1000);
    expect(sent[0]!.payload.subarray(2).toString()).toBe('done');
    expect(c.events.at(-1)).toEqual({ on: 'close', code: 1000, reason: '' });
  });

  it('sends text and binary messages as masked text and binary frames', async () => {
    const server = await serverSending([]);
    const c = connect(server.url);
    await until(
      () => c.events.length > 0,
      3000,
      () => 'open',
    );
    c.conn.send('héllo');
    c.conn.send(Buffer.alloc(300, 7));
    await until(
      () => clientFrames(server.clientBytes()).length === 2,
      3000,
      () => 'frames',
    );
    const sent = clientFrames(server.clientBytes());
    expect(sent[0]).toEqual({ opcode: 0x1, payload: Buffer.from('héllo') });
    expect(sent[1]).toEqual({ opcode: 0x2, payload: Buffer.alloc(300, 7) });
    c.conn.terminate();
    await c.closed();
  });
});

describe('lean load connection: frames that break the protocol', () => {
  const cases: [string, Buffer[], WebSocket.ClientOptions, number, string][] = [
    [
      'a masked frame from the server',
      [Buffer.from([0x81, 0x82, 1, 2, 3, 4, 0x69 ^ 1, 0x69 ^ 2])],
      defaults,
      1002,
      'MASK must be clear',
    ],
    ['bad UTF-8 in a text message', [frame(0x1, Buffer.from([0xc3, 0x28]))], defaults, 1007, 'invalid UTF-8'],
    [
      'bad UTF-8 split over two fragments',
      [frame(0x1, Buffer.from([0xe2, 0x82]), { fin: false }), frame(0x0, Buffer.from([0x28]))],
      defaults,
      1007,
      'invalid UTF-8',
    ],
    [
      'a message over the max payload (its header is enough)',
      [frame(0x2, Buffer.alloc(10), { length: 5000 })],
      { ...defaults, maxPayload: 1000 },
      1009,
      'Max payload size exceeded',
    ],
    [
      'fragments that add up to more than the max payload',
      [frame(0x2, Buffer.alloc(600), { fin: false }), frame(0x0, Buffer.alloc(600))],
      { ...defaults, maxPayload: 1000 },
      1009,
      'Max payload size exceeded',
    ],
    ['a continuation with no message started', [frame(0x0, 'x')], defaults, 1002, 'invalid opcode 0'],
    [
      'a new message inside a fragmented one',
      [frame(0x1, 'a', { fin: false }), frame(0x1, 'b')],
      defaults,
      1002,
      'invalid opcode 1',
    ],
    ['an unknown opcode', [frame(0x3, 'x')], defaults, 1002, 'invalid opcode 3'],
    ['a fragmented ping', [frame(0x9, 'x', { fin: false })], defaults, 1002, 'FIN must be set'],
    [
      'a control frame over 125 bytes',
      [frame(0x9, Buffer.alloc(126))],
      defaults,
      1002,
      'invalid payload length 126',
    ],
    [
      'an RSV1 bit without an extension',
      [Buffer.from([0xc1, 0x01, 0x61])],
      defaults,
      1002,
      'RSV1 must be clear',
    ],
    ['a close code no one may send (1005)', [closeFrame(1005)], defaults, 1002, 'invalid status code 1005'],
    ['a close frame of one byte', [frame(0x8, Buffer.from([3]))], defaults, 1002, 'invalid payload length 1'],
    [
      'a 64-bit length over 2^53 - 1',
      [Buffer.from([0x82, 127, 0x00, 0x20, 0, 0, 0, 0, 0, 0])],
      { ...defaults, maxPayload: 0 },
      1009,
      '2^53 - 1',
    ],
  ];
  it.each(cases)(
    '%s: fails the connection with the close code RFC 6455 names',
    async (_what, bytes, options, status, text) => {
      const server = await serverSending(bytes);
      const c = connect(server.url, options);
      await until(
        () => c.events.some((e) => e.on === 'error'),
        3000,
        () => JSON.stringify(c.events),
      );
      const error = c.events.find((e) => e.on === 'error') as { err: Error };
      expect(error.err.message).toContain(text);
      expect(classifyError(error.err).details.closeCode).toBe(status);
      await until(
        () => clientFrames(server.clientBytes()).length > 0,
        3000,
        () => 'no close frame',
      );
      const sent = clientFrames(server.clientBytes());
      expect(sent.map((f) => f.opcode)).toEqual([0x8]);
      expect(sent[0]!.payload.readUInt16BE(0)).toBe(status);
      expect(c.events.filter((e) => e.on === 'message')).toEqual([]);
      await server.close();
      servers.length = 0;
      await c.closed();
      expect(c.events.at(-1)).toMatchObject({ on: 'close', code: 1006 });
    },
  );
});

describe('lean load connection: the opening handshake', () => {
  it('refuses a wrong Sec-WebSocket-Accept, a subprotocol not asked for, and a non-101 answer, as ws words them', async () => {
    const wrongAccept = await startRawServer((socket) =>
      socket.write(
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: nope\r\n\r\n',
      ),
    );
    const otherProtocol = await serverSending([], 'Sec-WebSocket-Protocol: mqtt\r\n');
    const forbidden = await startRawServer((socket) =>
      socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n'),
    );
    servers.push(wrongAccept, forbidden);
    const results: string[] = [];
    for (const [url, protocols] of [
      [wrongAccept.url, []],
      [otherProtocol.url, ['graphql-ws']],
      [otherProtocol.url, []],
      [forbidden.url, []],
    ] as [string, string[]][]) {
      const c = connect(url, defaults, protocols);
      await c.closed();
      expect(c.events.map((e) => e.on)).toEqual(['error', 'close']);
      results.push((c.events[0] as { err: Error }).err.message);
    }
    expect(results).toEqual([
      'Invalid Sec-WebSocket-Accept header',
      'Server sent an invalid subprotocol',
      'Server sent a subprotocol but none was requested',
      'Unexpected server response: 403',
    ]);
  });

  it('keeps the subprotocol the server chose, and sends the headers and origin it was given', async () => {
    let request = '';
    const server = await startRawServer((socket, key, head) => {
      request = head;
      socket.write(switchingProtocols(key, 'Sec-WebSocket-Protocol: b\r\n'));
    });
    servers.push(server);
    const c = connect(
      server.url + '/path?q=1',
      { ...defaults, headers: { 'X-Token': 'abc' }, origin: 'http://o.example' },
      ['a', 'b'],
    );
    await until(
      () => c.events.length > 0,
      3000,
      () => 'open',
    );
    expect(c.events).toEqual([{ on: 'open' }]);
    expect(c.conn.protocol).toBe('b');
    expect(request).toMatch(/^GET \/path\?q=1 HTTP\/1.1\r\n/);
    expect(request).toMatch(/\r\nX-Token: abc\r\n/i);
    expect(request).toMatch(/\r\nOrigin: http:\/\/o.example\r\n/i);
    expect(request).toMatch(/\r\nSec-WebSocket-Protocol: a,b\r\n/i);
    c.conn.terminate();
    await c.closed();
  });

  it('times out a handshake that never completes, from one shared watch', async () => {
    const silent = await startRawServer(() => {});
    servers.push(silent);
    const c = connect(silent.url, { ...defaults, handshakeTimeout: 200 });
    const started = performance.now();
    await c.closed();
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
    expect(c.events.map((e) => e.on)).toEqual(['error', 'close']);
    expect(classifyError((c.events[0] as { err: Error }).err).kind).toBe('timeout');
  });

  it('says which options need ws instead (permessage-deflate, redirects, unix sockets)', () => {
    expect(leanUnsupported('ws://h/', [], defaults)).toBeUndefined();
    expect(leanUnsupported('ws://h/', [], { ...defaults, perMessageDeflate: true })).toBe(
      'permessage-deflate',
    );
    expect(leanUnsupported('ws://h/', [], { ...defaults, followRedirects: true })).toBe(
      'following redirects',
    );
    expect(leanUnsupported('ws+unix:///tmp/s', [], defaults)).toBe('ws+unix: URLs');
  });
});

describe('lean load connection over TLS', () => {
  it('passes the TLS options through: trusts the given CA and is refused by an unknown one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsx-lean-tls-'));
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1']
        .concat(['-keyout', 'key.pem', '-out', 'cert.pem', '-subj', '/CN=localhost'])
        .concat(['-addext', 'subjectAltName=IP:127.0.0.1']),
      { cwd: dir, stdio: 'pipe' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const https = createHttpsServer({ cert, key: readFileSync(join(dir, 'key.pem')) });
    const wss = new WebSocketServer({ server: https, perMessageDeflate: false });
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    const port = await listenOnLoopback(https);
    try {
      const trusted = connect(`wss://127.0.0.1:${port}`, { ...defaults, ca: cert });
      await until(
        () => trusted.events.length > 0,
        3000,
        () => 'open',
      );
      trusted.conn.send('over tls');
      await until(
        () => trusted.events.length > 1,
        3000,
        () => JSON.stringify(trusted.events),
      );
      expect(trusted.events).toEqual([{ on: 'open' }, { on: 'message', text: 'over tls', isBinary: false }]);
      trusted.conn.close(1000);
      await trusted.closed();
      expect(trusted.events.at(-1)).toEqual({ on: 'close', code: 1000, reason: '' });

      const untrusted = connect(`wss://127.0.0.1:${port}`);
      await untrusted.closed();
      expect(untrusted.events.map((e) => e.on)).toEqual(['error', 'close']);
      expect(classifyError((untrusted.events[0] as { err: Error }).err).kind).toBe('tls');
    } finally {
      for (const c of wss.clients) c.terminate();
      https.closeAllConnections();
      await new Promise((r) => https.close(r));
    }
  });
});
