// A Phoenix Channels server speaking the V2 JSON serializer (and V1's object form, as Supabase Realtime does,
// when the socket asks for vsn=1.0.0), on 127.0.0.1 port 0, following
// Phoenix.Socket / Phoenix.Channel.Server: replies by ref, broadcasts with null refs, the "phoenix" heartbeat
// topic, phx_close after a leave, "unmatched topic" for a push to a topic not joined. Proved faithful by
// phoenix-server.test.ts, which drives it with the official `phoenix` client.

import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';

type Msg = [string | null, string | null, string, string, unknown];

export interface PhoenixServer {
  /** The endpoint as phoenix.js is given it: ws://127.0.0.1:PORT/socket. */
  url: string;
  /** Every message received, parsed, across connections. */
  received: Msg[];
  /** The query of each socket's upgrade request (vsn, connect params). */
  queries: URLSearchParams[];
  /** Every frame received, as text, across connections. */
  frames: string[];
  /** Whether heartbeats are answered (false: a server gone quiet). */
  answersHeartbeats: boolean;
  sockets: () => WebSocket[];
}

/**
 * Channels: `room:*` joins with any params but {"token":"bad"} (error "unauthorized"); `secret:*` never
 * joins. In a room, `new_msg` is broadcast to every member and answered ok, `ping` answered ok with the
 * payload, `boom` answered error, `crash` makes the channel crash (phx_error). A join is answered with
 * {"joined":TOPIC,"params":…} so tests see what arrived.
 */
export async function startPhoenix(defer: Defer): Promise<PhoenixServer> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const server: PhoenixServer = {
    url: '',
    received: [],
    queries: [],
    frames: [],
    answersHeartbeats: true,
    sockets: () => [...wss.clients],
  };
  /** Members of each topic: the socket and its join_ref. */
  const members = new Map<string, Map<WebSocket, string>>();
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/socket/websocket') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    server.queries.push(url.searchParams);
    // Phoenix picks the serializer by vsn: "~> 1.0.0" is V1's object form, else V2's array.
    const isV1 = url.searchParams.get('vsn') === '1.0.0';
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (isV1) v1Sockets.add(ws);
      wss.emit('connection', ws);
    });
  });
  const v1Sockets = new WeakSet<WebSocket>();
  // V1 (Phoenix.Socket.V1.JSONSerializer): {topic, event, payload, ref}; its replies carry no join_ref.
  const encode = (to: WebSocket, m: Msg) =>
    v1Sockets.has(to)
      ? JSON.stringify({ topic: m[2], event: m[3], payload: m[4], ref: m[1] })
      : JSON.stringify(m);
  const decode = (from: WebSocket, text: string): Msg => {
    if (!v1Sockets.has(from)) return JSON.parse(text) as Msg;
    const o = JSON.parse(text) as {
      join_ref?: string;
      ref: string | null;
      topic: string;
      event: string;
      payload: unknown;
    };
    return [o.join_ref ?? null, o.ref, o.topic, o.event, o.payload];
  };
  wss.on('connection', (ws) => {
    const send = (m: Msg) => ws.send(encode(ws, m));
    const reply = (m: Msg, status: 'ok' | 'error', response: unknown) =>
      send([m[0], m[1], m[2], 'phx_reply', { status, response }]);
    ws.on('message', (data) => {
      server.frames.push(data.toString());
      const m = decode(ws, data.toString());
      server.received.push(m);
      const [joinRef, , topic, event, payload] = m;
      if (topic === 'phoenix' && event === 'heartbeat') {
        if (server.answersHeartbeats) reply(m, 'ok', {});
        return;
      }
      const room = members.get(topic);
      if (event === 'phx_join') {
        const params = payload as { token?: unknown };
        if (topic.startsWith('secret:') || params.token === 'bad')
          return reply(m, 'error', { reason: 'unauthorized' });
        if (!topic.startsWith('room:')) return reply(m, 'error', { reason: 'unmatched topic' });
        const joined = room ?? new Map<WebSocket, string>();
        joined.set(ws, joinRef!);
        members.set(topic, joined);
        return reply(m, 'ok', { joined: topic, params });
      }
      if (!room?.has(ws) || room.get(ws) !== joinRef) return reply(m, 'error', { reason: 'unmatched topic' });
      switch (event) {
        case 'phx_leave':
          room.delete(ws);
          reply(m, 'ok', {});
          send([joinRef, joinRef, topic, 'phx_close', {}]);
          return;
        case 'new_msg':
          for (const [member] of room) member.send(encode(member, [null, null, topic, 'new_msg', payload]));
          return reply(m, 'ok', {});
        case 'ping':
          return reply(m, 'ok', { pong: payload });
        case 'boom':
          return reply(m, 'error', { reason: 'boom' });
        case 'crash':
          room.delete(ws);
          return send([joinRef, joinRef, topic, 'phx_error', {}]);
        default:
          return reply(m, 'error', { reason: `no handle_in for ${event}` });
      }
    });
    ws.on('close', () => {
      for (const room of members.values()) room.delete(ws);
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/socket`;
  stopAfterTest(defer, wss, http);
  return server;
}
