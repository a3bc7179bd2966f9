// Phoenix Channels: the test server proved against the official `phoenix` client, then the codec against it.

import { Socket } from 'phoenix';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { phoenixCodec } from '../../src/protocols/phoenix.js';
import { loadSentFrameReader } from '../../src/protocols/sent-frames.js';
import { reconnectFast, waitingReasons } from '../helpers/connection.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { until } from '../helpers/servers.js';
import { messages as collect, nextMessage, openSession } from './helpers.js';
import { startPhoenix } from './phoenix-server.js';

const defer = cleanupAfterEach();

function settle<T>(push: { receive(s: string, cb: (r: unknown) => void): unknown }): Promise<[string, T]> {
  return new Promise((resolve) => {
    for (const status of ['ok', 'error', 'timeout']) push.receive(status, (r) => resolve([status, r as T]));
  });
}

describe('the Phoenix test server, driven by the official phoenix client', () => {
  it('joins with params, pushes and gets replies, receives broadcasts, heartbeats, leaves', async () => {
    const server = await startPhoenix(defer);
    const socket = new Socket(server.url, {
      transport: WebSocket,
      params: { token: 'abc' },
      heartbeatIntervalMs: 100,
    });
    defer(() => socket.disconnect());
    socket.connect();
    const lobby = socket.channel('room:lobby', { user: 'ana' });
    const broadcasts: unknown[] = [];
    lobby.on('new_msg', (p) => broadcasts.push(p));
    expect(await settle(lobby.join(1000))).toEqual(['ok', { joined: 'room:lobby', params: { user: 'ana' } }]);
    expect(await settle(lobby.push('ping', { n: 1 }, 1000))).toEqual(['ok', { pong: { n: 1 } }]);
    expect(await settle(lobby.push('boom', {}, 1000))).toEqual(['error', { reason: 'boom' }]);
    expect(await settle(lobby.push('new_msg', { body: 'hi' }, 1000))).toEqual(['ok', {}]);
    await until(
      () => broadcasts.length === 1,
      1000,
      () => 'no broadcast',
    );
    expect(broadcasts).toEqual([{ body: 'hi' }]);
    // The client speaks V2 at /socket/websocket with its connect params in the query.
    expect(server.queries[0]?.get('vsn')).toBe('2.0.0');
    expect(server.queries[0]?.get('token')).toBe('abc');
    await until(
      () => server.received.some((m) => m[2] === 'phoenix' && m[3] === 'heartbeat'),
      2000,
      () => 'no heartbeat',
    );
    const refused = socket.channel('secret:x', {});
    expect(await settle(refused.join(1000))).toEqual(['error', { reason: 'unauthorized' }]);
    refused.leave();
    const closed = new Promise((resolve) => lobby.onClose(resolve));
    expect(await settle(lobby.leave(1000))).toEqual(['ok', {}]);
    await closed;
    // The client framed every message as the V2 array, a join's ref being its join_ref.
    const join = server.received.find((m) => m[3] === 'phx_join' && m[2] === 'room:lobby')!;
    expect(join[0]).toBe(join[1]);
    expect(join[4]).toEqual({ user: 'ana' });
  });
});

describe('the Phoenix test server in V1 object form (Supabase Realtime), driven by the official phoenix client', () => {
  it('vsn=1.0.0: joins, pushes, replies, broadcasts and heartbeats travel as {topic,event,payload,ref} objects', async () => {
    const server = await startPhoenix(defer);
    // phoenix.js's V1 serializer (its default before 1.4, and Supabase's): the message object as JSON.
    const socket = new Socket(server.url, {
      transport: WebSocket,
      vsn: '1.0.0',
      encode: (msg: object, callback: (text: string) => void) => callback(JSON.stringify(msg)),
      decode: (text: string, callback: (msg: unknown) => void) => callback(JSON.parse(text)),
      heartbeatIntervalMs: 100,
    });
    defer(() => socket.disconnect());
    socket.connect();
    const room = socket.channel('room:v1', { user: 'bo' });
    const broadcasts: unknown[] = [];
    room.on('new_msg', (p) => broadcasts.push(p));
    expect(await settle(room.join(1000))).toEqual(['ok', { joined: 'room:v1', params: { user: 'bo' } }]);
    expect(await settle(room.push('ping', { n: 2 }, 1000))).toEqual(['ok', { pong: { n: 2 } }]);
    expect(await settle(room.push('new_msg', { body: 'hey' }, 1000))).toEqual(['ok', {}]);
    await until(
      () => broadcasts.length === 1 && server.received.some((m) => m[3] === 'heartbeat'),
      2000,
      () => `broadcasts ${broadcasts.length}; received ${JSON.stringify(server.received)}`,
    );
    expect(broadcasts).toEqual([{ body: 'hey' }]);
    expect(server.queries[0]?.get('vsn')).toBe('1.0.0');
    const join = JSON.parse(server.frames[0]!) as Record<string, unknown>;
    expect(join).toEqual({
      topic: 'room:v1',
      event: 'phx_join',
      payload: { user: 'bo' },
      ref: expect.any(String),
      join_ref: join.ref,
    });
    const refused = socket.channel('secret:x', {});
    expect(await settle(refused.join(1000))).toEqual(['error', { reason: 'unauthorized' }]);
  });
});

describe('phoenixCodec in V1 object form (vsn=1.0.0)', () => {
  it('speaks {topic,event,payload,ref,join_ref} when the URL asks for vsn=1.0.0: joins, pushes, replies, broadcasts', async () => {
    const server = await startPhoenix(defer);
    const codec = phoenixCodec({ heartbeatMs: 0 });
    expect(codec.target('ws://h/socket?vsn=1.0.0&apikey=k', []).url).toBe(
      'ws://h/socket/websocket?vsn=1.0.0&apikey=k',
    );
    const { proto } = openSession(defer, codec, `${server.url}?vsn=1.0.0`);
    proto.input('join room:v1 {"user":"bo"}');
    proto.input('push room:v1 new_msg {"body":"hey"}');
    const [joined, broadcast, pushed] = await collect(proto, 3);
    expect(joined).toMatchObject({
      kind: 'response',
      id: '1',
      text: '{"topic":"room:v1","ref":"1","status":"ok","response":{"joined":"room:v1","params":{"user":"bo"}}}',
    });
    expect(joined!.rttMs).toBeGreaterThanOrEqual(0);
    expect(broadcast).toMatchObject({
      kind: 'event',
      text: '{"topic":"room:v1","event":"new_msg","payload":{"body":"hey"}}',
    });
    expect(pushed).toMatchObject({ kind: 'response', id: '2' });
    expect(server.frames.map((f) => JSON.parse(f) as unknown)).toEqual([
      { topic: 'room:v1', event: 'phx_join', payload: { user: 'bo' }, ref: '1', join_ref: '1' },
      { topic: 'room:v1', event: 'new_msg', payload: { body: 'hey' }, ref: '2', join_ref: '1' },
    ]);
  });

  it('a refused join is an error answer and the topic can be joined again; heartbeats are objects too', async () => {
    const server = await startPhoenix(defer);
    const { proto } = openSession(defer, phoenixCodec({ heartbeatMs: 30 }), `${server.url}?vsn=1.0.0`);
    proto.input('join room:v1 {"token":"bad"}');
    expect(await nextMessage(proto)).toMatchObject({ kind: 'error', isError: true, id: '1' });
    // The refused channel is forgotten: joining it again is allowed.
    proto.input('join room:v1 {}');
    expect(await nextMessage(proto)).toMatchObject({ kind: 'response', id: '2' });
    await until(
      () => server.frames.some((f) => f.startsWith('{') && f.includes('"heartbeat"')),
      2000,
      () => server.frames.join(' | '),
    );
    const beat = server.frames.find((f) => f.includes('"heartbeat"'))!;
    expect(JSON.parse(beat)).toMatchObject({ topic: 'phoenix', event: 'heartbeat', payload: {} });
  });
});

describe('phoenixCodec', () => {
  it('opens /socket/websocket?vsn=2.0.0 from the endpoint, keeping its query', () => {
    const codec = phoenixCodec();
    expect(codec.target('http://h:4000/socket?token=t', []).url).toBe(
      'ws://h:4000/socket/websocket?token=t&vsn=2.0.0',
    );
    expect(codec.target('wss://h/socket/websocket?vsn=2.0.0', []).url).toBe(
      'wss://h/socket/websocket?vsn=2.0.0',
    );
  });

  it('joins with --init params merged in, pushes, matches replies by ref with a round trip, shows broadcasts', async () => {
    const server = await startPhoenix(defer);
    const codec = phoenixCodec({ init: { token: 'sekrit' }, heartbeatMs: 0 });
    const { proto } = openSession(defer, codec, server.url);
    proto.input('join room:lobby {"user":"ana"}');
    proto.input('push room:lobby new_msg {"body":"hi"}');
    // The broadcast and the push's reply come in one chunk: collect them together.
    const [joined, broadcast, pushed] = await collect(proto, 3);
    expect(joined).toMatchObject({
      kind: 'response',
      id: '1',
      text: '{"topic":"room:lobby","ref":"1","status":"ok","response":{"joined":"room:lobby","params":{"token":"sekrit","user":"ana"}}}',
      summary: '#1 room:lobby phx_join ok {"joined":"room:lobby","params":{"token":"sekrit","user":"ana"}}',
    });
    expect(joined!.rttMs).toBeGreaterThanOrEqual(0);
    expect(broadcast).toMatchObject({
      kind: 'event',
      text: '{"topic":"room:lobby","event":"new_msg","payload":{"body":"hi"}}',
      summary: 'room:lobby new_msg {"body":"hi"}',
    });
    expect(pushed).toMatchObject({ kind: 'response', id: '2' });
    // The push carried the channel's join_ref.
    expect(server.received[1]).toEqual(['1', '2', 'room:lobby', 'new_msg', { body: 'hi' }]);
  });

  it('an error reply, a refused join and a crashed channel are error answers', async () => {
    const server = await startPhoenix(defer);
    const { proto } = openSession(defer, phoenixCodec({ heartbeatMs: 0 }), server.url);
    proto.input('join room:a');
    await nextMessage(proto);
    proto.input('push room:a boom');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'error',
      isError: true,
      text: '{"topic":"room:a","ref":"2","status":"error","response":{"reason":"boom"}}',
    });
    proto.input('join secret:x {"token":"t"}');
    expect(await nextMessage(proto)).toMatchObject({ kind: 'error', isError: true, id: '3' });
    // Refused: the topic is not joined, so a push to it is refused before sending.
    expect(() => proto.input('push secret:x hi')).toThrow(/not joined to secret:x: join secret:x first/);
    proto.input('push room:a crash');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'error',
      isError: true,
      text: '{"topic":"room:a","event":"phx_error","payload":{}}',
    });
  });

  it('leave: the reply, then the server closes the channel; pushes to it are refused', async () => {
    const server = await startPhoenix(defer);
    const { proto } = openSession(defer, phoenixCodec({ heartbeatMs: 0 }), server.url);
    proto.input('join room:a');
    await nextMessage(proto);
    proto.input('leave room:a');
    const [left, closed] = await collect(proto, 2);
    expect(left).toMatchObject({ kind: 'response', summary: '#2 room:a phx_leave ok {}' });
    expect(closed).toMatchObject({ kind: 'event', summary: 'room:a phx_close {}' });
    expect(() => proto.input('push room:a ping')).toThrow(/not joined to room:a/);
    expect(server.received[1]).toEqual(['1', '2', 'room:a', 'phx_leave', {}]);
  });

  it('lines typed before the socket opened go out in the order typed', async () => {
    const server = await startPhoenix(defer);
    const { proto } = openSession(defer, phoenixCodec({ heartbeatMs: 0 }), server.url);
    proto.input('join room:a');
    proto.input('push room:a ping');
    proto.input('join room:b');
    await collect(proto, 3);
    expect(server.received.map((m) => [m[1], m[2], m[3]])).toEqual([
      ['1', 'room:a', 'phx_join'],
      ['2', 'room:a', 'ping'],
      ['3', 'room:b', 'phx_join'],
    ]);
  });

  it('refuses lines it cannot send, naming the syntax', () => {
    const codec = phoenixCodec();
    const ctx = { send: () => {} } as unknown as Parameters<typeof codec.input>[1];
    expect(() => codec.input('hello', ctx)).toThrow(/unknown Phoenix line "hello": use join TOPIC/);
    expect(() => codec.input('join', ctx)).toThrow(/join needs a topic/);
    expect(() => codec.input('join room:a {nope', ctx)).toThrow(/join params: not valid JSON/);
    expect(() => codec.input('join room:a [1]', ctx)).toThrow(/join params: expected a JSON object/);
    expect(() => codec.input('push room:a', ctx)).toThrow(/push needs a topic and an event/);
  });

  it('heartbeats on the phoenix topic, never shown; a server that stops answering is reconnected to and rejoined', async () => {
    const server = await startPhoenix(defer);
    const { conn, proto, messages, notes } = openSession(
      defer,
      phoenixCodec({ heartbeatMs: 250 }),
      server.url,
      reconnectFast,
    );
    const waits = waitingReasons(conn);
    proto.input('join room:a');
    await nextMessage(proto);
    await until(
      () => server.received.filter((m) => m[3] === 'heartbeat').length >= 2,
      2000,
      () => 'fewer than 2 heartbeats',
    );
    expect(server.received.find((m) => m[3] === 'heartbeat')).toEqual([
      null,
      '2',
      'phoenix',
      'heartbeat',
      {},
    ]);
    expect(messages).toHaveLength(1);
    server.answersHeartbeats = false;
    await until(
      () => server.received.filter((m) => m[3] === 'phx_join').length === 2,
      3000,
      () => `not rejoined; notes: ${notes.join(' | ')}`,
    );
    expect(waits[0]).toMatch(/no Phoenix heartbeat reply within 250 ms: the server looks dead/);
    expect(server.queries).toHaveLength(2);
  });

  it('--jsonl reads sent frames: joins, pushes and leaves decoded, heartbeats left out', async () => {
    const read = await loadSentFrameReader('phoenix');
    expect(read('["1","1","room:a","phx_join",{"u":1}]')).toEqual({
      kind: 'join',
      text: '{"topic":"room:a","event":"phx_join","payload":{"u":1}}',
      id: '1',
    });
    expect(read('["1","2","room:a","new_msg",{}]')).toMatchObject({ kind: 'push', id: '2' });
    expect(read('[null,"3","phoenix","heartbeat",{}]')).toBeUndefined();
  });
});
