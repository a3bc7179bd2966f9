// The local WebSocket server behind `wsx serve` and the demo: echo, broadcast room or sink. No stdio here.

import { EventEmitter, once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { formatBytes } from '../text/bytes.js';
import { systemClock } from '../core/clock.js';
import { classifyError } from '../core/errors.js';
import { Heartbeat } from '../core/heartbeat.js';
import { ReplayWalk, type ReplayOptions } from '../record/replay.js';
import type { RecordedSession, Recording } from '../record/recording.js';
import type { Mock, MockChannel } from '../contract/index.js';

export type ServeMode = 'echo' | 'broadcast' | 'sink' | 'replay' | 'contract';

/** `wsx serve --asyncapi`: the document's mock, and how often it pushes the server's own messages. */
export interface MockSource {
  mock: Mock;
  /** 0: never. */
  pushIntervalMs: number;
}

/** `wsx serve --replay`: what each client is played. */
export interface ReplaySource {
  recording: Recording;
  /** The session chosen with --session; without it, the client's request path picks one. */
  session?: RecordedSession;
  options: ReplayOptions;
}

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
  /**
   * While a client has more than this many bytes waiting to be sent, the server stops reading from whoever
   * fills its buffer until it drains: in broadcast the room's senders, in echo the client itself. Default 4 MiB.
   */
  maxBufferedBytes: number;
  /** A client that stays over maxBufferedBytes this long is closed with 1008 "too slow", ms. Default 2000. */
  lagTimeoutMs: number;
  /** On close, a client that has not answered the close frame after this long is cut off, ms. Default 2000. */
  closeTimeoutMs: number;
  /** Mode 'replay' only: the recording to play to each client. */
  replay?: ReplaySource;
  /** Mode 'contract' only: the AsyncAPI mock. */
  mock?: MockSource;
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
  lagTimeoutMs: 2_000,
  closeTimeoutMs: 2_000,
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
  /**
   * `code` and `reason` are what the client's close frame said (1006: none came); `sent` is the close
   * frame the server sent first, when it ended the connection itself.
   */
  disconnect: [
    info: ClientStats & {
      code: number;
      reason: string;
      why: string;
      clients: number;
      sent?: { code: number; reason: string };
    },
  ];
  refused: [info: { remote: string; status: number; why: string }];
  /** Mode 'replay': a mismatch or a message past the end of the recording, worded for stderr. */
  replay: [info: { id: number; line: string }];
  /** Mode 'contract': a message that broke the document, worded for stderr. */
  contract: [info: { id: number; line: string }];
};

interface Client {
  ws: WebSocket;
  stats: ClientStats;
  heartbeat: Heartbeat;
  /** Why we ended it, when we did: heartbeat-timeout, too slow, shutting down. */
  endedBecause?: string;
  /** The close frame we sent, when we ended it: ws fails a broken client with 1002/1007/1009 by itself. */
  sentClose?: { code: number; reason: string };
  /** When its waiting bytes last went over maxBufferedBytes (performance.now()), if they are. */
  laggingSince?: number;
  /** Mode 'replay': this client's walk through its recorded session. */
  walk?: ReplayWalk;
  /** Mode 'contract': the channel its path picked, and the timer pushing the server's own messages. */
  channel?: MockChannel;
  pushTimer?: NodeJS.Timeout;
}

export class WsxServer extends EventEmitter<ServerEvents> {
  private readonly options: ServerOptions;
  private readonly http: Server;
  private readonly wss: WebSocketServer;
  private readonly clients = new Map<WebSocket, Client>();
  private readonly finished: ClientStats[] = [];
  private nextId = 1;
  private boundUrl: string | undefined;
  private closing: Promise<void> | undefined;
  /** Flow control: clients we stopped reading from because some client is over maxBufferedBytes. */
  private readonly pausedSenders = new Set<WebSocket>();
  private lagTimer: NodeJS.Timeout | undefined;
  /** Mode 'replay': the session each accepted handshake will be played, chosen in verifyClient. */
  private readonly replaySessions = new WeakMap<IncomingMessage, RecordedSession>();
  /** Mode 'contract': the channel each accepted handshake's path picked, in verifyClient. */
  private readonly mockChannels = new WeakMap<IncomingMessage, MockChannel>();

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
        // A handshake that raced with close(): nobody gets in once shutdown began.
        if (this.closing) {
          done(false, 503, 'Server shutting down');
          return;
        }
        if (this.clients.size >= this.options.maxClients) {
          this.emit('refused', {
            remote: remoteOf(info.req),
            status: 503,
            why: `at --max-clients ${this.options.maxClients}`,
          });
          done(false, 503, 'Too many clients');
          return;
        }
        if (this.options.mode === 'replay') {
          const session = this.replaySessionFor(info.req.url ?? '/');
          if (!session) {
            this.emit('refused', {
              remote: remoteOf(info.req),
              status: 404,
              why: `no recorded session for ${info.req.url} (pick one with --session)`,
            });
            done(false, 404, 'No recorded session for this path');
            return;
          }
          this.replaySessions.set(info.req, session);
        }
        if (this.options.mode === 'contract' && this.options.mock) {
          const path = (info.req.url ?? '/').split('?')[0]!;
          const channel = this.options.mock.mock.channelFor(path);
          if ('problem' in channel) {
            this.emit('refused', { remote: remoteOf(info.req), status: 404, why: channel.problem });
            done(false, 404, 'No channel of the AsyncAPI document at this path');
            return;
          }
          this.mockChannels.set(info.req, channel);
        }
        done(true);
      },
      // A replay answers with the recorded subprotocol when the client offers it; otherwise ws's default,
      // the client's first choice.
      handleProtocols: (offered: Set<string>, req: IncomingMessage) => {
        const recorded = this.replaySessions.get(req)?.protocol;
        if (recorded !== undefined && offered.has(recorded)) return recorded;
        const [first] = offered;
        return first ?? false;
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

  /**
   * Shuts down: stops accepting at once, closes every client with `code` (default 1001 "server shutting
   * down"), cuts off those that have not answered within closeTimeoutMs, and resolves when nothing is
   * left running. Calling it again returns the same promise.
   */
  close(code = 1001, reason = 'server shutting down'): Promise<void> {
    this.closing ??= this.shutDown(code, reason);
    return this.closing;
  }

  private async shutDown(code: number, reason: string): Promise<void> {
    // Close the listening socket first, so a client that reconnects the moment it is
    // closed is refused by the kernel instead of getting back in while the others are being closed.
    const stoppedListening = this.http.listening
      ? new Promise<void>((resolve) => this.http.close(() => resolve()))
      : Promise.resolve();
    this.http.closeIdleConnections();
    // Held senders must read again to see the close frame and answer it.
    this.stopLagWatch();
    for (const ws of this.pausedSenders) ws.resume();
    this.pausedSenders.clear();
    const closing = [...this.clients.values()].map((client) =>
      this.closeClient(
        client,
        code,
        reason,
        `no answer to the close within ${this.options.closeTimeoutMs} ms`,
      ),
    );
    await Promise.all(closing);
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    // Upgraded sockets are gone by now; anything left is a half-sent HTTP request.
    this.http.closeAllConnections();
    await stoppedListening;
  }

  /** Sends a close frame; a client that does not answer within closeTimeoutMs is terminated. */
  private async closeClient(client: Client, code: number, reason: string, cutOffWhy: string): Promise<void> {
    client.endedBecause ??= reason;
    if (client.ws.readyState === client.ws.CLOSED) return;
    client.sentClose ??= { code, reason };
    // Not events.once: it rejects on the 'error' that ws emits before 'close' on a broken socket.
    const closed = new Promise((resolve) => client.ws.once('close', resolve));
    client.ws.close(code, reason);
    const timer = setTimeout(() => {
      client.endedBecause = cutOffWhy;
      client.ws.terminate();
    }, this.options.closeTimeoutMs);
    await closed;
    clearTimeout(timer);
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
      // ws fails a client that breaks the protocol by sending a close frame with the matching code and
      // then stops reading, so that client's answer never arrives and 'close' reports 1006. Remember
      // what was sent, or the log blames the client for a lost connection.
      const closeCode = classifyError(err).details.closeCode;
      if (closeCode !== undefined) client.sentClose ??= { code: closeCode, reason: '' };
    });
    ws.on('close', (code: number, reason: Buffer) => {
      client.heartbeat.stop();
      client.walk?.stop();
      clearInterval(client.pushTimer);
      this.clients.delete(ws);
      this.pausedSenders.delete(ws);
      this.finished.push({ ...stats });
      if (this.finished.length > 1000) this.finished.shift();
      this.emit('disconnect', {
        ...stats,
        code,
        reason: reason.toString(),
        why: client.endedBecause ?? (code === 1006 ? 'connection lost' : 'closed by client'),
        clients: this.clients.size,
        ...(client.sentClose ? { sent: { ...client.sentClose } } : {}),
      });
    });
    this.emit('connection', { id: stats.id, remote: stats.remote, clients: this.clients.size });
    if (this.closing) {
      // Finished its handshake while we were shutting down: it goes the same way as the others.
      void this.closeClient(client, 1001, 'server shutting down', 'no answer to the close');
      return;
    }
    client.heartbeat.start();
    const session = this.replaySessions.get(req);
    if (this.options.mode === 'replay' && session && this.options.replay) {
      client.walk = new ReplayWalk(session, this.options.replay.options, systemClock, {
        send: (data, isBinary) => {
          if (ws.readyState === ws.OPEN) ws.send(data, { binary: isBinary });
        },
        close: (code, reason) => void this.closeClient(client, code, reason, 'no answer to the close'),
        log: (line) => this.emit('replay', { id: stats.id, line }),
      });
      client.walk.start();
    }
    const channel = this.mockChannels.get(req);
    if (this.options.mode === 'contract' && channel) {
      client.channel = channel;
      const everyMs = this.options.mock?.pushIntervalMs ?? 0;
      if (everyMs > 0)
        client.pushTimer = setInterval(() => {
          const example = channel.nextPush();
          if (example !== undefined && ws.readyState === ws.OPEN) ws.send(example);
        }, everyMs);
    }
  }

  /** Mode 'contract': a valid message gets its reply's examples; an invalid one closes with 1008 and why. */
  private answer(client: Client, data: Buffer, isBinary: boolean): void {
    if (!client.channel || isBinary) return;
    const answer = client.channel.answer(data.toString('utf8'));
    if ('replies' in answer) {
      for (const reply of answer.replies) client.ws.send(reply);
      return;
    }
    this.emit('contract', { id: client.stats.id, line: `received ${answer.invalid}; closing with 1008` });
    // RFC 6455 §5.5: a close reason is at most 123 bytes.
    void this.closeClient(client, 1008, cutUtf8(answer.invalid, 123), 'no answer to the close');
  }

  /** The session a client asking for `url` is played: the chosen one, the only one, or the one recorded at that path. */
  private replaySessionFor(url: string): RecordedSession | undefined {
    const source = this.options.replay;
    if (!source) return undefined;
    if (source.session) return source.session;
    const sessions = source.recording.sessions;
    if (sessions.length === 1) return sessions[0];
    const pathname = (p: string) => p.split('?')[0];
    return sessions.find((s) => s.path === url) ?? sessions.find((s) => pathname(s.path) === pathname(url));
  }

  private route(from: Client, data: Buffer, isBinary: boolean): void {
    switch (this.options.mode) {
      case 'echo':
        // A client we are closing gets no more echoes; what it sends now is read only to find its close.
        if (from.ws.readyState !== from.ws.OPEN) return;
        from.ws.send(data, { binary: isBinary });
        // A client that sends and never reads would make us keep every echo (300 MB sent, never read, left
        // the server at 371 MiB): stop reading from it until it drains; TCP pushes back on its writes.
        if (from.laggingSince === undefined && from.ws.bufferedAmount > this.options.maxBufferedBytes) {
          from.laggingSince = performance.now();
          from.ws.pause();
          this.pausedSenders.add(from.ws);
          this.lagTimer ??= setInterval(() => this.checkLaggards(), 10);
        }
        return;
      case 'sink':
        return;
      case 'contract':
        if (from.ws.readyState !== from.ws.OPEN) return;
        this.answer(from, data, isBinary);
        return;
      case 'replay':
        if (from.ws.readyState !== from.ws.OPEN) return;
        from.walk?.receive(isBinary ? data : data.toString('utf8'), isBinary);
        return;
      case 'broadcast':
        for (const client of this.clients.values()) {
          if (client === from || client.ws.readyState !== client.ws.OPEN) continue;
          client.ws.send(data, { binary: isBinary });
          if (client.laggingSince === undefined && client.ws.bufferedAmount > this.options.maxBufferedBytes) {
            client.laggingSince = performance.now();
            this.holdSenders();
          }
        }
    }
  }

  /**
   * A burst fills even a fast reader's buffer for a moment, so being over maxBufferedBytes is
   * no reason to cut anyone off. Instead the room stops reading from its senders (TCP pushes back on them)
   * until every client is under the limit again; only a client that stays over it for lagTimeoutMs, while
   * nothing new is added to its buffer, has fallen behind for real and is disconnected.
   */
  private holdSenders(): void {
    for (const client of this.clients.values()) {
      if (client.ws.isPaused) continue;
      client.ws.pause();
      this.pausedSenders.add(client.ws);
    }
    // Polled while someone lags: ws has no drain event, and 10 ms is short next to draining 4 MiB.
    this.lagTimer ??= setInterval(() => this.checkLaggards(), 10);
  }

  private checkLaggards(): void {
    const now = performance.now();
    let isAnyoneLagging = false;
    for (const client of this.clients.values()) {
      if (client.laggingSince === undefined) continue;
      const waiting = client.ws.bufferedAmount;
      if (waiting <= this.options.maxBufferedBytes || client.ws.readyState !== client.ws.OPEN) {
        client.laggingSince = undefined;
        // Echo held back only this client: it reads again as soon as it has drained.
        if (this.options.mode === 'echo') this.resumeReading(client.ws);
      } else if (now - client.laggingSince >= this.options.lagTimeoutMs) {
        client.laggingSince = undefined;
        const why = `too slow: ${formatBytes(waiting)} waiting for over ${this.options.lagTimeoutMs} ms`;
        // RFC 6455 §7.4.1: 1008 policy violation. The close frame waits behind the unread backlog, so a
        // client that still does not read is terminated after closeTimeoutMs like any other.
        client.endedBecause = why;
        void this.closeClient(client, 1008, 'too slow', why);
        // Reading again lets a client that catches up answer the close; its messages are no longer echoed.
        if (this.options.mode === 'echo') this.resumeReading(client.ws);
      } else {
        isAnyoneLagging = true;
      }
    }
    if (isAnyoneLagging) return;
    this.stopLagWatch();
    for (const ws of this.pausedSenders) ws.resume();
    this.pausedSenders.clear();
  }

  private resumeReading(ws: WebSocket): void {
    if (!this.pausedSenders.delete(ws)) return;
    ws.resume();
  }

  private stopLagWatch(): void {
    clearInterval(this.lagTimer);
    this.lagTimer = undefined;
  }
}

/** `text` cut to at most `maxBytes` of UTF-8, never inside a character. */
function cutUtf8(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(cut) > maxBytes - 3) cut = cut.slice(0, -1);
  return cut + '...';
}

function remoteOf(req: IncomingMessage): string {
  const { remoteAddress, remotePort } = req.socket;
  return remoteAddress?.includes(':') ? `[${remoteAddress}]:${remotePort}` : `${remoteAddress}:${remotePort}`;
}
