// Real protocol servers for tests, on 127.0.0.1 port 0: socket.io, a JSON-RPC 2.0 server over ws, graphql-ws.

import { EventEmitter, once } from 'node:events';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
// Renamed: it is no React hook, whatever its name says.
import { useServer as serveGraphqlWs } from 'graphql-ws/use/ws';
import { Server } from 'socket.io';
import { WebSocketServer } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';

/** A socket.io server on 127.0.0.1 with the handlers the tests use; `url` is its http:// base. */
export async function startSocketIo(
  defer: Defer,
  opts: { pingIntervalMs?: number; pingTimeoutMs?: number; path?: string } = {},
): Promise<{ io: Server; url: string }> {
  const http = createServer();
  const io = new Server(http, {
    transports: ['websocket'],
    pingInterval: opts.pingIntervalMs ?? 25_000,
    pingTimeout: opts.pingTimeoutMs ?? 20_000,
    ...(opts.path ? { path: opts.path } : {}),
  });
  io.on('connection', (socket) => {
    socket.on('echo', (...args: unknown[]) => socket.emit('echo', ...args));
    socket.on('add', (a: number, b: number, ack: (sum: number) => void) => ack(a + b));
    socket.on('bytes', (data: Buffer, ack: (n: number, back: Buffer) => void) =>
      ack(data.length, Buffer.from([1, 2, 3])),
    );
    socket.on('kick', () => socket.disconnect(true));
    socket.emit('welcome', 'hello from /', { n: 1 });
  });
  io.of('/chat').on('connection', (socket) => {
    socket.emit('welcome', 'hello from /chat');
  });
  io.of('/secure').use((socket, next) => {
    const auth = socket.handshake.auth as { token?: string };
    if (auth.token === 'letmein') next();
    else next(Object.assign(new Error('not authorized'), { data: { reason: 'bad token' } }));
  });
  io.of('/secure').on('connection', (socket) => socket.emit('secret', 42));
  const port = await listenOnLoopback(http);
  defer(async () => {
    io.disconnectSockets(true);
    await io.close();
  });
  return { io, url: `http://127.0.0.1:${port}` };
}

interface Request {
  jsonrpc: string;
  id?: number | string;
  method: string;
  params?: unknown;
}

/**
 * add(a,b) answers at once; slow(ms) answers after ms (so a later request can overtake it); fail() answers
 * error -32000; subscribe() answers "0x1" and then sends two eth_subscription notifications.
 */
export async function startJsonRpc(defer: Defer): Promise<{ url: string; received: unknown[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const received: unknown[] = [];
  const answer = (req: Request): object | undefined => {
    const base = { jsonrpc: '2.0', id: req.id ?? null };
    switch (req.method) {
      case 'add': {
        const [a, b] = req.params as number[];
        return { ...base, result: a! + b! };
      }
      case 'fail':
        return { ...base, error: { code: -32000, message: 'it failed', data: { why: 'asked to' } } };
      default:
        return { ...base, error: { code: -32601, message: 'Method not found' } };
    }
  };
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const value = JSON.parse(data.toString()) as Request | Request[];
      received.push(value);
      if (Array.isArray(value)) {
        ws.send(JSON.stringify(value.map(answer)));
        return;
      }
      if (value.method === 'slow') {
        const [ms] = value.params as number[];
        setTimeout(() => ws.send(JSON.stringify({ jsonrpc: '2.0', id: value.id, result: 'slow done' })), ms);
        return;
      }
      if (value.method === 'subscribe') {
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: value.id, result: '0x1' }));
        for (const n of [1, 2]) {
          ws.send(
            JSON.stringify({
              jsonrpc: '2.0',
              method: 'eth_subscription',
              params: { subscription: '0x1', result: n },
            }),
          );
        }
        return;
      }
      ws.send(JSON.stringify(answer(value)));
    });
  });
  stopAfterTest(defer, wss);
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, received };
}

// graphql 16 has no "exports": Node gives graphql-ws its CommonJS build, vitest would give us the .mjs one,
// and graphql refuses a schema from "another realm". Load the same copy graphql-ws gets.
const { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } = createRequire(
  import.meta.url,
)('graphql') as typeof import('graphql');

export const subscriptionsStopped = new EventEmitter<{ stopped: [atCount: number] }>();

const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      hello: {
        type: GraphQLString,
        args: { name: { type: GraphQLString } },
        resolve: (_root, args: { name?: string }) => `hello ${args.name ?? 'world'}`,
      },
    },
  }),
  subscription: new GraphQLObjectType({
    name: 'Subscription',
    fields: {
      count: {
        type: new GraphQLNonNull(GraphQLInt),
        args: { to: { type: GraphQLInt }, delayMs: { type: GraphQLInt } },
        subscribe: async function* (_root, args: { to?: number; delayMs?: number }) {
          let n = 1;
          try {
            for (; n <= (args.to ?? 3); n++) {
              if (args.delayMs) await new Promise((r) => setTimeout(r, args.delayMs));
              yield { count: n };
            }
          } finally {
            // Tells a test that the server stopped a subscription before its end (a client `complete`).
            if (n <= (args.to ?? 3)) subscriptionsStopped.emit('stopped', n);
          }
        },
      },
    },
  }),
});

/** A graphql-ws server; onConnect lets in only connection_init payloads with token "ok" when `needsToken`. */
export async function startGraphqlWs(
  defer: Defer,
  opts: { needsToken?: boolean } = {},
): Promise<{ url: string; wss: WebSocketServer; inits: unknown[] }> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
  });
  await once(wss, 'listening');
  const inits: unknown[] = [];
  const server = serveGraphqlWs(
    {
      schema,
      onConnect: (ctx) => {
        inits.push(ctx.connectionParams);
        return !opts.needsToken || (ctx.connectionParams as { token?: string } | undefined)?.token === 'ok';
      },
    },
    wss,
  );
  defer(async () => {
    for (const ws of wss.clients) ws.terminate();
    await server.dispose();
  });
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}/graphql`, wss, inits };
}
