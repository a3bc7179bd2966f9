// A SignalR hub speaking the JSON hub protocol over WebSocket, on 127.0.0.1 port 0, following ASP.NET
// Core's HubProtocol spec: the handshake, 0x1E-ended records (several to a frame), invocations, completions,
// streams, pings and close; and the /negotiate step (negotiateVersion 1: a connection token used once as
// `id=`, a redirect with an access token as Azure SignalR Service answers, an error). Proved faithful by
// signalr.test.ts, which drives it with @microsoft/signalr.

import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
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
  /** Every POST …/negotiate: its path and query, and the Authorization header it carried. */
  negotiations: { url: string; authorization?: string }[];
  /** Every upgrade request: its path and query, and the Authorization header it carried. */
  upgrades: { url: string; authorization?: string }[];
}

/** The access token the /redirect hub's negotiate hands out, as Azure SignalR Service does. */
export const redirectToken = 'azure-access-token';

/**
 * `negotiate`: 'optional' (default) answers POST /chat/negotiate and also takes an upgrade without `id`, as
 * ASP.NET Core does for WebSockets; 'required' refuses an upgrade without a fresh token (404, as ASP.NET Core
 * answers an unknown id); 'absent' answers every POST with 404 (a hub behind something without negotiate).
 * POST /redirect/negotiate answers { url: …/chat, accessToken } and /chat then wants that bearer token;
 * POST /denied/negotiate answers { error }.
 *
 * Hub methods: Add(a, b) → a + b; Echo(x) → x; Fail() → a HubException error; Send(user, text) broadcasts
 * ReceiveMessage(user, text) to every client, in the same frame as its completion; Counter(n) streams
 * 0…n-1; Kick() sends a close record with an error. The server pings every `pingMs` (0: never).
 */
export async function startSignalr(
  defer: Defer,
  opts: { pingMs?: number; negotiate?: 'optional' | 'required' | 'absent' } = {},
): Promise<SignalrServer> {
  const http = createServer();
  const tokens = new Set<string>();
  let nextConnection = 1;
  const wss = new WebSocketServer({ noServer: true });
  const server: SignalrServer = {
    url: '',
    received: [],
    frames: [],
    isTalking: true,
    sockets: () => [...wss.clients],
    negotiations: [],
    upgrades: [],
  };
  const authorizationOf = (h: string | undefined) => (h === undefined ? {} : { authorization: h });
  http.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const answer = (status: number, body: object) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    if (req.method !== 'POST' || opts.negotiate === 'absent' || !url.pathname.endsWith('/negotiate')) {
      answer(404, {});
      return;
    }
    server.negotiations.push({ url: req.url ?? '', ...authorizationOf(req.headers.authorization) });
    req.resume();
    const base = `http://127.0.0.1:${(http.address() as { port: number }).port}`;
    switch (url.pathname) {
      case '/chat/negotiate': {
        const n = nextConnection++;
        const token = `token-${n}`;
        tokens.add(token);
        answer(200, {
          negotiateVersion: 1,
          connectionId: `conn-${n}`,
          connectionToken: token,
          availableTransports: [
            { transport: 'WebSockets', transferFormats: ['Text', 'Binary'] },
            { transport: 'LongPolling', transferFormats: ['Text', 'Binary'] },
          ],
        });
        return;
      }
      case '/redirect/negotiate':
        answer(200, { url: `${base}/chat`, accessToken: redirectToken });
        return;
      case '/denied/negotiate':
        answer(200, { error: 'Negotiate refused: the hub is full' });
        return;
      default:
        answer(404, {});
    }
  });
  http.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://x');
    server.upgrades.push({ url: req.url ?? '', ...authorizationOf(req.headers.authorization) });
    if (url.pathname !== '/chat') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    // A token is good for one connection, as ASP.NET Core's; an unknown one is a 404.
    const id = url.searchParams.get('id');
    if (id !== null ? !tokens.delete(id) : opts.negotiate === 'required') {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 26\r\n\r\nNo Connection with that ID');
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
  stopAfterTest(defer, wss, http);
  return server;
}
