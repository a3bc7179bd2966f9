// A SignalR hub speaking the JSON hub protocol over WebSocket, on 127.0.0.1 port 0, following ASP.NET
// Core's HubProtocol spec: the handshake, 0x1E-ended records (several to a frame), invocations, completions,
// streams, pings and close. Proved faithful by signalr.test.ts, which drives it with @microsoft/signalr.

import { once } from 'node:events';
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';

const rs = '\x1e';

interface HubRecord {
  type?: number;
  invocationId?: string;
  target?: string;
  arguments?: unknown[];
  protocol?: string;
  version?: number;
}

export interface SignalrServer {
  /** The hub's URL: ws://127.0.0.1:PORT/chat. */
  url: string;
  /** Every record received after the handshake, parsed, across connections. */
  received: HubRecord[];
  /** The raw text of every frame received, handshake included. */
  frames: string[];
  /** Whether the hub still sends anything (false: a server gone quiet). */
  isTalking: boolean;
  sockets: () => WebSocket[];
}

/**
 * Hub methods: Add(a, b) → a + b; Echo(x) → x; Fail() → a HubException error; Send(user, text) broadcasts
 * ReceiveMessage(user, text) to every client, in the same frame as its completion; Counter(n) streams
 * 0…n-1; Kick() sends a close record with an error. The server pings every `pingMs` (0: never).
 */
export async function startSignalr(defer: Defer, opts: { pingMs?: number } = {}): Promise<SignalrServer> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  const server: SignalrServer = {
    url: '',
    received: [],
    frames: [],
    isTalking: true,
    sockets: () => [...wss.clients],
  };
  http.on('upgrade', (req, socket, head) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/chat') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws));
  });
  wss.on('connection', (ws) => {
    let isHandshaken = false;
    const send = (...records: object[]) => {
      if (server.isTalking) ws.send(records.map((r) => JSON.stringify(r) + rs).join(''));
    };
    // Pings start after the handshake, as ASP.NET Core's: one before it is no handshake response.
    let ping: NodeJS.Timeout | undefined;
    ws.on('close', () => clearInterval(ping));
    const complete = (id: string | undefined, body: object) =>
      id === undefined ? [] : [{ type: 3, invocationId: id, ...body }];
    ws.on('message', (data) => {
      const text = data.toString();
      server.frames.push(text);
      // A frame holds whole records, each ended by the separator.
      for (const part of text.split(rs).slice(0, -1)) {
        const record = JSON.parse(part) as HubRecord;
        if (!isHandshaken) {
          if (record.protocol !== 'json') {
            send({ error: `Requested protocol '${record.protocol}' is not available.` });
            ws.close(1000);
            return;
          }
          isHandshaken = true;
          send({});
          if (opts.pingMs) ping = setInterval(() => send({ type: 6 }), opts.pingMs);
          continue;
        }
        server.received.push(record);
        const id = record.invocationId;
        const args = record.arguments ?? [];
        if (record.type === 6) continue;
        if (record.type === 4 && record.target === 'Counter') {
          const n = args[0] as number;
          for (let i = 0; i < n; i++) send({ type: 2, invocationId: id, item: i });
          send({ type: 3, invocationId: id });
          continue;
        }
        if (record.type !== 1) continue;
        switch (record.target) {
          case 'Add':
            send(...complete(id, { result: (args[0] as number) + (args[1] as number) }));
            break;
          case 'Echo':
            send(...complete(id, { result: args[0] }));
            break;
          case 'Fail':
            send(
              ...complete(id, {
                error: "An unexpected error occurred invoking 'Fail' on the server. HubException: it failed",
              }),
            );
            break;
          case 'Send':
            for (const client of wss.clients)
              if (client !== ws && server.isTalking)
                client.send(JSON.stringify({ type: 1, target: 'ReceiveMessage', arguments: args }) + rs);
            send({ type: 1, target: 'ReceiveMessage', arguments: args }, ...complete(id, {}));
            break;
          case 'Kick':
            send({ type: 7, error: 'Connection closed with an error. kicked', allowReconnect: false });
            ws.close(1000);
            break;
          default:
            send(
              ...complete(id, {
                error: `Failed to invoke '${record.target}' due to an error on the server. HubException: Method does not exist.`,
              }),
            );
        }
      }
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/chat`;
  defer(async () => {
    for (const ws of wss.clients) ws.terminate();
    wss.close();
    http.close();
    await once(http, 'close');
  });
  return server;
}
