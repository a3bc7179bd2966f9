// Socket.IO codec against the real socket.io server on loopback: namespaces, acks, auth refusal, dead server.

import { describe, expect, it } from 'vitest';
import { reconnectFast, stateReached, waitingReasons } from '../helpers/connection.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { Connection } from '../../src/core/connection.js';
import { ProtocolSession } from '../../src/protocols/session.js';
import { socketIoCodec } from '../../src/protocols/socketio.js';
import { failureReached, messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startSocketIo } from './servers.js';

const defer = cleanupAfterEach();

describe('socketio codec', () => {
  it('builds the Engine.IO URL from an http:// base, with --path and the namespace from the URL path', () => {
    expect(socketIoCodec().target('http://h:3000', []).url).toBe(
      'ws://h:3000/socket.io/?EIO=4&transport=websocket',
    );
    expect(socketIoCodec({ path: 'rt' }).target('https://h/?token=x', []).url).toBe(
      'wss://h/rt/?token=x&EIO=4&transport=websocket',
    );
  });

  it('connects to the default namespace, receives events as JSON arrays and emits events', async () => {
    const { url } = await startSocketIo(defer);
    const { proto } = openSession(defer, socketIoCodec(), url);
    const welcome = nextMessage(proto, (m) => m.kind === 'event');
    const ready = await readyReached(proto);
    expect(ready.detail).toMatch(/^Socket.IO namespace \/ connected \(sid /);
    expect((await welcome).text).toBe('["welcome","hello from /",{"n":1}]');
    proto.input('["echo","hi",[1,2]]');
    const echo = await nextMessage(proto, (m) => m.kind === 'event' && m.text.startsWith('["echo"'));
    expect(echo.json).toEqual(['echo', 'hi', [1, 2]]);
  });

  it('holds emits typed before the namespace is connected and sends them once it is', async () => {
    const { url } = await startSocketIo(defer);
    const { proto } = openSession(defer, socketIoCodec(), url);
    proto.input('["echo","early"]');
    const echo = await nextMessage(proto, (m) => m.text.startsWith('["echo"'));
    expect(echo.text).toBe('["echo","early"]');
  });

  it('joins the namespace given with --namespace (or the URL path)', async () => {
    const { url } = await startSocketIo(defer);
    const a = openSession(defer, socketIoCodec({ namespace: '/chat' }), url);
    expect((await nextMessage(a.proto, (m) => m.kind === 'event')).text).toBe(
      '["welcome","hello from /chat"]',
    );
    const b = openSession(defer, socketIoCodec(), `${url}/chat`);
    expect((await nextMessage(b.proto, (m) => m.kind === 'event')).text).toBe(
      '["welcome","hello from /chat"]',
    );
  });

  it('emits with an ack and shows the answer with its round-trip time', async () => {
    const { url } = await startSocketIo(defer);
    const { proto } = openSession(defer, socketIoCodec(), url);
    await readyReached(proto);
    proto.input('ack ["add",2,3]');
    proto.input('ack ["add",10,20]');
    const [first, second] = await messages(proto, 2, (m) => m.kind === 'ack');
    expect(first!.json).toEqual({ ack: 0, event: 'add', args: [5] });
    expect(second!.json).toEqual({ ack: 1, event: 'add', args: [30] });
    expect(first!.rttMs).toBeGreaterThanOrEqual(0);
    expect(first!.rttMs).toBeLessThan(2000);
  });

  it('sends and decodes binary attachments as {"$binary": base64}', async () => {
    const { url } = await startSocketIo(defer);
    const { proto } = openSession(defer, socketIoCodec(), url);
    await readyReached(proto);
    proto.input(`ack ["bytes",{"$binary":"${Buffer.from('hello').toString('base64')}"}]`);
    const ack = await nextMessage(proto, (m) => m.kind === 'ack');
    expect(ack.json).toEqual({ ack: 0, event: 'bytes', args: [5, { $binary: 'AQID' }] });
  });

  it('passes --auth in CONNECT: a middleware lets the right token in', async () => {
    const { url } = await startSocketIo(defer);
    const { proto } = openSession(
      defer,
      socketIoCodec({ namespace: '/secure', auth: { token: 'letmein' } }),
      url,
    );
    expect((await nextMessage(proto, (m) => m.kind === 'event')).text).toBe('["secret",42]');
  });

  it('a CONNECT refused by a middleware is a failure with the server message, and the connection closes', async () => {
    const { url } = await startSocketIo(defer);
    const { proto, conn } = openSession(
      defer,
      socketIoCodec({ namespace: '/secure', auth: { token: 'nope' } }),
      url,
    );
    const closed = stateReached(conn, 'closed');
    const err = await failureReached(proto);
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(
      'the Socket.IO server refused namespace /secure: not authorized {"reason":"bad token"}',
    );
    expect(proto.hasBeenReady).toBe(false);
    await closed;
  });

  it('answers the server pings, so the connection outlives pingInterval + pingTimeout', async () => {
    const { io, url } = await startSocketIo(defer, { pingIntervalMs: 50, pingTimeoutMs: 300 });
    const { proto, conn } = openSession(defer, socketIoCodec(), url);
    await readyReached(proto);
    const pongs: string[] = [];
    conn.on('sent', (m) => pongs.push(String(m.data)));
    const serverSocket = [...io.of('/').sockets.values()][0]!;
    await new Promise<void>((resolve, reject) => {
      let seen = 0;
      const deadline = setTimeout(() => reject(new Error(`the server saw ${seen} pongs of 4`)), 3000);
      serverSocket.conn.on('packet', (p: { type: string }) => {
        if (p.type !== 'pong' || ++seen < 4) return;
        clearTimeout(deadline);
        resolve();
      });
    });
    expect(pongs.filter((p) => p === '3').length).toBeGreaterThanOrEqual(4);
    expect(serverSocket.connected).toBe(true);
    expect(conn.snapshot().counters.reconnects).toBe(0);
  });

  it('reconnects with a fresh handshake when the server stops pinging past pingInterval + pingTimeout', async () => {
    const { io, url } = await startSocketIo(defer, { pingIntervalMs: 100, pingTimeoutMs: 100 });
    let connections = 0;
    io.on('connection', (socket) => {
      if (++connections > 1) return;
      // The first engine socket goes mute: no more pings, and it never times us out either.
      const eio = socket.conn as unknown as { pingIntervalTimer: NodeJS.Timeout; schedulePing: () => void };
      clearTimeout(eio.pingIntervalTimer);
      eio.schedulePing = () => {};
    });
    const { proto, conn } = openSession(defer, socketIoCodec(), url, reconnectFast);
    const waits = waitingReasons(conn);
    expect((await readyReached(proto)).isReconnect).toBe(false);
    const again = await readyReached(proto, 3000);
    expect(again.isReconnect).toBe(true);
    expect(waits).toEqual(['no Socket.IO ping for 200 ms: the server looks dead']);
    expect(connections).toBe(2);
  });

  it('a server-side disconnect of the namespace ends the run', async () => {
    const { url } = await startSocketIo(defer);
    const { proto, conn } = openSession(defer, socketIoCodec(), url);
    await readyReached(proto);
    proto.input('["kick"]');
    const err = await failureReached(proto);
    expect(err.message).toBe('the Socket.IO server disconnected namespace /');
    await stateReached(conn, 'closed');
  });

  it('a server that never sends the Engine.IO open packet is a timeout failure, not a hang', async () => {
    const server = await serverUntilCleanup(defer);
    const target = socketIoCodec().target(server.url, []);
    const conn = new Connection({ url: target.url, heartbeat: false });
    const proto = new ProtocolSession(conn, socketIoCodec(), undefined, 200);
    conn.on('error', () => {});
    defer(() => conn.close());
    conn.start();
    const err = await failureReached(proto);
    expect(err.kind).toBe('timeout');
    expect(err.describe()).toBe(
      'the server did not finish the socketio opening within 200 ms (does it speak socketio? check the URL and --path)',
    );
    await stateReached(conn, 'closed');
  });

  it('refuses input that is not an event array, and reserved event names', () => {
    const codec = socketIoCodec();
    const { proto } = openSession(defer, codec, 'http://127.0.0.1:9');
    expect(() => proto.input('hello')).toThrow(/JSON array/);
    expect(() => proto.input('{"a":1}')).toThrow(/first item is the event name/);
    expect(() => proto.input('["disconnect"]')).toThrow(/reserved/);
  });
});
