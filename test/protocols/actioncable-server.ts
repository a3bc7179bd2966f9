// An ActionCable server on 127.0.0.1 port 0, following ActionCable::Connection::Base and Channel::Base:
// subprotocol actioncable-v1-json, welcome, pings, subscribe/unsubscribe by identifier string,
// confirm/reject, `message` commands with a JSON data string, disconnect with a reason. Proved faithful by
// actioncable.test.ts, which drives it with the official @rails/actioncable client.

import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';

interface Command {
  command: string;
  identifier: string;
  data?: string;
}

export interface ActionCableServer {
  /** The mount: ws://127.0.0.1:PORT/cable. */
  url: string;
  /** Every command received, parsed, across connections. */
  received: Command[];
  /** The subprotocols each socket offered. */
  offered: string[][];
  /** Whether pings go out (false: a server gone quiet). */
  isPinging: boolean;
  sockets: () => WebSocket[];
}

/**
 * `?token=bad` is an unauthorized connection (disconnect, no reconnect). ChatChannel confirms (and
 * `speak` broadcasts {"text","action"} to its subscribers, `echo` transmits the data back to the caller);
 * SecretChannel rejects. The server pings every `pingMs` (Rails: 3000).
 */
export async function startActionCable(
  defer: Defer,
  opts: { pingMs?: number } = {},
): Promise<ActionCableServer> {
  const http = createServer();
  const wss = new WebSocketServer({
    noServer: true,
    handleProtocols: (protocols) => (protocols.has('actioncable-v1-json') ? 'actioncable-v1-json' : false),
  });
  const server: ActionCableServer = {
    url: '',
    received: [],
    offered: [],
    isPinging: true,
    sockets: () => [...wss.clients],
  };
  /** Subscribers by identifier string. */
  const streams = new Map<string, Set<WebSocket>>();
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== '/cable') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    server.offered.push((req.headers['sec-websocket-protocol'] ?? '').split(/\s*,\s*/));
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (msg: object) => ws.send(JSON.stringify(msg));
      if (url.searchParams.get('token') === 'bad') {
        send({ type: 'disconnect', reason: 'unauthorized', reconnect: false });
        ws.close();
        return;
      }
      send({ type: 'welcome' });
      const ping = setInterval(() => {
        if (server.isPinging) send({ type: 'ping', message: Math.floor(Date.now() / 1000) });
      }, opts.pingMs ?? 3000);
      ws.on('close', () => {
        clearInterval(ping);
        for (const subs of streams.values()) subs.delete(ws);
      });
      ws.on('message', (data) => {
        const cmd = JSON.parse(data.toString()) as Command;
        server.received.push(cmd);
        const { identifier } = cmd;
        const channel = (JSON.parse(identifier) as { channel?: string }).channel;
        const subs = streams.get(identifier) ?? new Set<WebSocket>();
        switch (cmd.command) {
          case 'subscribe':
            if (channel === 'ChatChannel') {
              subs.add(ws);
              streams.set(identifier, subs);
              send({ identifier, type: 'confirm_subscription' });
            } else send({ identifier, type: 'reject_subscription' });
            return;
          case 'unsubscribe':
            subs.delete(ws);
            return;
          case 'message': {
            if (!subs.has(ws)) return;
            const payload = JSON.parse(cmd.data ?? '{}') as { action?: string };
            if (payload.action === 'speak')
              for (const member of subs) member.send(JSON.stringify({ identifier, message: payload }));
            else if (payload.action === 'echo') send({ identifier, message: payload });
          }
        }
      });
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/cable`;
  stopAfterTest(defer, wss, http);
  return server;
}
