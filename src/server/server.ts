// The local WebSocket server behind `wsx serve` and the demo: echo, broadcast room or sink. No stdio here.

import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { systemClock } from '../core/clock.js';
import { Heartbeat } from '../core/heartbeat.js';

export type ServeMode = 'echo' | 'broadcast' | 'sink';

export interface ServerOptions {
  /** Default 127.0.0.1: reachable from this machine only, unless asked. */
  host: string;
  /** 0 picks a free port. */
  port: number;
  mode: ServeMode;
  /** Connections beyond this are refused with HTTP 503. Default Infinity. */
  maxClients: number;
  /** Largest incoming message, bytes; larger ones close the client with 1009. Default 16 MiB. */
  maxPayloadBytes: number;
  /** Ping each client this often, ms. Default 10000. */
  pingIntervalMs: number;
  /** A client silent this long after a ping is dropped, ms. Default 5000. */
  pingTimeoutMs: number;
  /** Broadcast: a client with more than this many bytes waiting to be sent is disconnected. Default 4 MiB. */
  maxBufferedBytes: number;
}

export const defaultServerOptions: ServerOptions = {
  host: '127.0.0.1',
  port: 8080,
  mode: 'echo',
  maxClients: Infinity,
  maxPayloadBytes: 16 * 1024 * 1024,
  pingIntervalMs: 10_000,
  pingTimeoutMs: 5_000,
  maxBufferedBytes: 4 * 1024 * 1024,
};

export interface ClientStats {
  id: number;
  remote: string;
  messages: number;
  bytes: number;
}

export type ServerEvents = {
  connection: [info: { id: number; remote: string; clients: number }];
  message: [info: { id: number; data: Buffer; isBinary: boolean }];
  disconnect: [info: ClientStats & { code: number; reason: string; why: string; clients: number }];
  refused: [info: { remote: string; status: number; why: string }];
};

interface Client {
  ws: WebSocket;
  stats: ClientStats;
  heartbeat: Heartbeat;
  /** Why we ended it, when we did: heartbeat-timeout, too slow, shutting down. */
  endedBecause?: string;
}

export class WsxServer extends EventEmitter<ServerEvents> {
  private readonly options: ServerOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<WebSocket, Client>();
  private readonly finished: ClientStats[] = [];
  private nextId = 1;
  private boundUrl: string | undefined;

  constructor(options: Partial<ServerOptions> = {}) {
    super();
    this.options = { ...defaultServerOptions, ...options };
    this.http = createServer((_req, res) => {
      res
        .writeHead(426, { 'content-type': 'text/plain' })
        .end('This is a WebSocket server: connect with ws://\n');
    });
    this.wss = new WebSocketServer({
      server: this.http,
      maxPayload: this.options.maxPayloadBytes,
      verifyClient: (
        info: { req: IncomingMessage },
        done: (ok: boolean, status?: number, message?: string) => void,
      ) => {
        if (this.clients.size >= this.options.maxClients) {
          this.emit('refused', {
            remote: remoteOf(info.req),
            status: 503,
            why: `at --max-clients ${this.options.maxClients}`,
          });
          done(false, 503, 'Too many clients');
          return;
        }
        done(true);
      },
    });
    this.wss.on('connection', (ws, req) => this.accept(ws, req));
  }

  /** Starts listening; resolves with the ws:// URL clients use. */
  async listen(): Promise<string> {
    this.http.listen(this.options.port, this.options.host);
    // ws re-emits the http server's errors (EADDRINUSE) on itself: listen there, or they are thrown.
    await Promise.race([
      once(this.http, 'listening'),
      once(this.wss, 'error').then(([err]) => Promise.reject(err as Error)),
    ]);
    const address = this.http.address() as { address: string; port: number };
    const host = address.address.includes(':') ? `[${address.address}]` : address.address;
    this.boundUrl = `ws://${host}:${address.port}`;
    return this.boundUrl;
  }

  get url(): string | undefined {
    return this.boundUrl;
  }

  /** Per-connection counts, live ones first, then those that have left. */
  stats(): ClientStats[] {
    return [...[...this.clients.values()].map((c) => ({ ...c.stats })), ...this.finished];
  }

  /** Closes every client with `code` (default 1001 "server shutting down") and stops listening. */
  async close(code = 1001, reason = 'server shutting down'): Promise<void> {
    const closing = [...this.clients.values()].map(async (client) => {
      client.endedBecause = reason;
      const closed = once(client.ws, 'close');
      client.ws.close(code, reason);
      // A client that does not answer the close frame within 2 s is cut off.
      const timer = setTimeout(() => client.ws.terminate(), 2000);
      await closed;
      clearTimeout(timer);
    });
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.http.listening) await new Promise<void>((resolve) => this.http.close(() => resolve()));
    this.http.closeAllConnections?.();
  }

  private accept(ws: WebSocket, req: IncomingMessage): void {
    const stats: ClientStats = { id: this.nextId++, remote: remoteOf(req), messages: 0, bytes: 0 };
    const client: Client = {
      ws,
      stats,
      heartbeat: new Heartbeat(
        { intervalMs: this.options.pingIntervalMs, timeoutMs: this.options.pingTimeoutMs },
        systemClock,
        {
          ping: (payload) => ws.ping(payload),
          dead: (silentForMs) => {
            client.endedBecause = `no pong for ${silentForMs} ms`;
            ws.terminate();
          },
        },
      ),
    };
    this.clients.set(ws, client);
    client.heartbeat.start();
    ws.on('pong', () => client.heartbeat.sawActivity());
    ws.on('ping', () => client.heartbeat.sawActivity());
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      client.heartbeat.sawActivity();
      stats.messages++;
      stats.bytes += data.length;
      this.emit('message', { id: stats.id, data, isBinary });
      this.route(client, data, isBinary);
    });
    ws.on('error', (err) => {
      client.endedBecause ??= err.message;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      client.heartbeat.stop();
      this.clients.delete(ws);
      this.finished.push({ ...stats });
      if (this.finished.length > 1000) this.finished.shift();
      this.emit('disconnect', {
        ...stats,
        code,
        reason: reason.toString(),
        why: client.endedBecause ?? (code === 1006 ? 'connection lost' : 'closed by client'),
        clients: this.clients.size,
      });
    });
    this.emit('connection', { id: stats.id, remote: stats.remote, clients: this.clients.size });
  }

  private route(from: Client, data: Buffer, isBinary: boolean): void {
    switch (this.options.mode) {
      case 'echo':
        from.ws.send(data, { binary: isBinary });
        return;
      case 'sink':
        return;
      case 'broadcast':
        for (const client of this.clients.values()) {
          if (client === from || client.ws.readyState !== client.ws.OPEN) continue;
          // A client that cannot keep up is cut off rather than buffering without bound or slowing the room.
          if (client.ws.bufferedAmount > this.options.maxBufferedBytes) {
            client.endedBecause = `too slow: more than ${this.options.maxBufferedBytes} bytes waiting`;
            client.ws.terminate();
            continue;
          }
          client.ws.send(data, { binary: isBinary });
        }
    }
  }
}

function remoteOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return remoteAddress?.includes(':') ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}
