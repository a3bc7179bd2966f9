// Loopback servers for tests, each misbehaving in one named way. All listen on 127.0.0.1, port 0.

import { createServer, type Server, type Socket } from 'node:net';
import { once } from 'node:events';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { WebSocketServer, type WebSocket, type ServerOptions } from 'ws';

export interface TestServer {
  wss: WebSocketServer;
  port: number;
  url: string;
  /** Every message received, as text, in arrival order across connections. */
  received: string[];
  clients: () => WebSocket[];
  /** Kills every client socket abruptly (no close frame) and stops listening. */
  kill: () => Promise<void>;
  close: () => Promise<void>;
}

/**
 * A ws server that records what it receives. mode 'echo' replies with each message;
 * 'silent' only records. Pass `port` to restart a server on the port a killed one used.
 */
export async function startServer(
  opts: { mode?: 'echo' | 'silent'; port?: number; ws?: ServerOptions } = {},
): Promise<TestServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: opts.port ?? 0, ...opts.ws });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  const received: string[] = [];
  wss.on('connection', (ws) => {
    ws.on('message', (data, isBinary) => {
      received.push(isBinary ? `<binary ${(data as Buffer).length}>` : data.toString());
      if (opts.mode === 'echo') ws.send(data, { binary: isBinary });
    });
  });
  return {
    wss,
    port,
    url: `ws://127.0.0.1:${port}`,
    received,
    clients: () => [...wss.clients],
    kill: () => stopWsServer(wss),
    close: () => stopWsServer(wss),
  };
}

/**
 * Cuts every client of `wss` without a close frame (a test never waits on a client's closing handshake),
 * closes `wss`, then the HTTP server it is attached to, if any, with its kept-alive connections (a browser
 * or fetch keeps one open, and close() alone waits for it).
 */
export async function stopWsServer(wss: WebSocketServer, http?: HttpServer): Promise<void> {
  for (const ws of wss.clients) ws.terminate();
  await new Promise<void>((resolve) => wss.close(() => resolve()));
  if (!http) return;
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
}

/**
 * Destroys every socket in `sockets` (the ones a test server accepted or opened, which close() would wait
 * for), then closes `server`.
 */
export async function destroyAndClose(
  server: Pick<Server, 'close'>,
  sockets: Iterable<Socket>,
): Promise<void> {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** Listens on 127.0.0.1 at a port the system picks, and returns the port. */
export async function listenOnLoopback(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as { port: number }).port;
}

/** A port on 127.0.0.1 that nothing listens on (connections are refused). */
export async function freePort(): Promise<number> {
  const server = createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A TCP server that accepts connections and never answers: a handshake that hangs. */
export async function startStallingServer(): Promise<{
  port: number;
  url: string;
  close: () => Promise<void>;
}> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    close: () => destroyAndClose(server, sockets),
  };
}

/** Resolves with the close code of the first client of `wss` to close (from the next connection on). */
export function firstCloseCode(wss: WebSocketServer): Promise<number> {
  return new Promise((resolve) => wss.on('connection', (ws) => ws.on('close', (code) => resolve(code))));
}

/** Resolves with the next message a server-side socket receives. */
export function nextMessage(ws: WebSocket): Promise<string> {
  return new Promise((resolve) => ws.once('message', (data) => resolve(data.toString())));
}

/** Polls `check` until it returns true; fails after `timeoutMs` with `describe()` in the message. */
export async function until(check: () => boolean, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** An HTTP server that answers every upgrade request with `response` (a raw status line, headers and body). */
export async function startRefusingServer(
  response: string,
): Promise<{ port: number; url: string; close: () => Promise<void> }> {
  const http = createHttpServer();
  http.on('upgrade', (_req, socket: Socket) => socket.end(response));
  const port = await listenOnLoopback(http);
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => http.close(() => resolve())),
  };
}
