// wsx load's lean client connection: the opening handshake through Node's own http/https request (so
// headers, TLS options, proxy agents, localAddress and subprotocols work exactly as the options built for
// ws), then frames read and written directly on the socket by one small object per connection.
//
// Why: an idle ws WebSocket keeps a WebSocket, a Receiver (a Writable stream), a Sender, their listener
// maps and bound functions, plus the closures its user adds: heap snapshots of 2,000 idle load
// connections measured 3.8 KiB of heap a connection over ws and 2.1 KiB this way. Here a connection is the socket plus one
// LeanSocket; the socket's listeners are shared functions (the socket points back to its LeanSocket), the
// handshake's request and response are dropped once the upgrade is checked, and the handshake timeout is
// one shared watch per run instead of a timer per socket.
//
// What it does not do, so the caller falls back to ws (leanUnsupported says why): permessage-deflate,
// redirects, ws+unix: URLs, a custom createConnection or finishRequest, protocol version 8. It keeps no
// close timer of its own: a peer that never answers a close frame is cut off by the run's closing cut-off.

import { randomBytes, randomFillSync } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net, { type Socket } from 'node:net';
import tls from 'node:tls';
import type WebSocket from 'ws';
import { CONNECTING, LeanSocket } from './lean-socket.js';

/** What the run hears from its connections; one object per run, the connection's tag says which. */
export interface LoadSink<T> {
  open(tag: T): void;
  message(tag: T, data: Buffer, isBinary: boolean): void;
  error(tag: T, err: Error): void;
  /** Once per connection, last, whatever ended it (1006: no close frame; 1005: one without a code). */
  close(tag: T, code: number, reason: Buffer): void;
}

/** The part of a client connection a load run uses; both a LeanSocket and a ws WebSocket have it. */
export interface LoadConn {
  readonly readyState: number;
  readonly protocol: string;
  send(data: string | Buffer): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
// RFC 6455 §4.1: a subprotocol is an HTTP token (ws checks the same).
const tokenRegex = /^[!#$%&'*+\-.0-9A-Z^_`|a-z~]+$/;

/** Why the lean connection cannot serve these options (the run then uses ws), or undefined when it can. */
export function leanUnsupported(
  url: string,
  protocols: string[],
  options: WebSocket.ClientOptions,
): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'an invalid URL (ws reports it)';
  }
  if (!['ws:', 'wss:', 'http:', 'https:'].includes(parsed.protocol)) return `${parsed.protocol} URLs`;
  if (parsed.hash) return 'a URL with a fragment (ws reports it)';
  if (options.perMessageDeflate) return 'permessage-deflate';
  if (options.followRedirects) return 'following redirects';
  const o = options as Record<string, unknown>;
  if (o.createConnection || o.finishRequest || o.socketPath) return 'a custom connection';
  if (options.protocolVersion !== undefined && options.protocolVersion !== 13) return 'protocol version 8';
  if (new Set(protocols).size !== protocols.length || !protocols.every((p) => tokenRegex.test(p)))
    return 'an invalid subprotocol (ws reports it)';
  return undefined;
}
function tlsConnect(options: tls.ConnectionOptions & { path?: string; host?: string }): Socket {
  options.path = undefined;
  if (!options.servername && options.servername !== '')
    options.servername = net.isIP(options.host ?? '') ? '' : options.host;
  return tls.connect(options);
}

function netConnect(options: net.NetConnectOpts & { path?: string }): Socket {
  options.path = undefined;
  return net.connect(options as net.NetConnectOpts);
}
/** One run's settings for every lean connection: made once, shared by all of them. */
export class LeanClient<T> {
  private readonly request: typeof http.request;
  private readonly base: Record<string, unknown>;
  private readonly protocolList: string[];
  readonly maxPayload: number;
  readonly skipUtf8: boolean;
  readonly autoPong: boolean;
  private readonly handshakeMs: number;
  /** Connections in their handshake, oldest first, with their deadlines: one timer watches them all. */
  private watched: (LeanSocket<T> | undefined)[] = [];
  private deadlines: number[] = [];
  private watchHead = 0;
  private watchTimer: NodeJS.Timeout | undefined;
  /** Random bytes for the clients' frame masks, refilled a block at a time. */
  private readonly maskPool = Buffer.alloc(8192);
  private maskAt = 8192;

  constructor(
    url: string,
    protocols: string[],
    options: WebSocket.ClientOptions,
    readonly sink: LoadSink<T>,
  ) {
    let parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      parsed = new URL(parsed);
      parsed.protocol = parsed.protocol === 'http:' ? 'ws:' : 'wss:';
    }
    const isSecure = parsed.protocol === 'wss:';
    this.request = isSecure ? https.request : http.request;
    this.protocolList = protocols;
    this.maxPayload = options.maxPayload ?? 100 * 1024 * 1024;
    this.skipUtf8 = options.skipUTF8Validation === true;
    this.autoPong = options.autoPong !== false;
    this.handshakeMs = options.handshakeTimeout ?? 0;
    const headers: Record<string, unknown> = {
      ...options.headers,
      'Sec-WebSocket-Version': 13,
      Connection: 'Upgrade',
      Upgrade: 'websocket',
    };
    if (protocols.length > 0) headers['Sec-WebSocket-Protocol'] = protocols.join(',');
    if (options.origin) headers.Origin = options.origin;
    // The same request options ws builds (ws's own keys are ignored by http), minus its `timeout`: the
    // handshake deadline is watched here, so no socket keeps a timer object after its upgrade.
    this.base = {
      ...options,
      createConnection: isSecure ? tlsConnect : netConnect,
      defaultPort: isSecure ? 443 : 80,
      port: parsed.port || (isSecure ? 443 : 80),
      host: parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname,
      path: parsed.pathname + parsed.search,
      method: 'GET',
      headers,
      timeout: undefined,
      ...(parsed.username || parsed.password
        ? { auth: `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}` }
        : {}),
    };
  }

  /** Opens one connection; the sink hears of it under `tag`. */
  open(tag: T, extra: { localAddress?: string; agent?: http.Agent }): LeanSocket<T> {
    const key = randomBytes(16).toString('base64');
    const base = this.base;
    const req = this.request({
      ...base,
      ...extra,
      headers: { ...(base.headers as object), 'Sec-WebSocket-Key': key },
    } as http.RequestOptions);
    const lean = new LeanSocket(this, tag, req, key);
    req.end();
    if (this.handshakeMs > 0) this.watch(lean);
    return lean;
  }

  /** Whether the server's subprotocol answer fits the request; the error text is ws's. */
  checkProtocol(answer: string | undefined): string | undefined {
    if (answer === undefined) return this.protocolList.length > 0 ? 'Server sent no subprotocol' : undefined;
    if (this.protocolList.length === 0) return 'Server sent a subprotocol but none was requested';
    return this.protocolList.includes(answer) ? undefined : 'Server sent an invalid subprotocol';
  }

  /** Four random bytes for a frame's mask, written at `out[at]`. */
  mask(out: Buffer, at: number): void {
    if (this.maskAt + 4 > this.maskPool.length) {
      randomFillSync(this.maskPool);
      this.maskAt = 0;
    }
    this.maskPool.copy(out, at, this.maskAt, this.maskAt + 4);
    this.maskAt += 4;
  }

  private watch(lean: LeanSocket<T>): void {
    this.watched.push(lean);
    this.deadlines.push(performance.now() + this.handshakeMs);
    this.watchTimer ??= setInterval(() => this.checkDeadlines(), Math.min(100, this.handshakeMs)).unref();
  }

  /** Fails the handshakes past their deadline; the deadlines are in opening order, so it stops at the first live one. */
  private checkDeadlines(): void {
    const now = performance.now();
    while (this.watchHead < this.watched.length) {
      const lean = this.watched[this.watchHead]!;
      if (lean.readyState === CONNECTING) {
        if (this.deadlines[this.watchHead]! > now) break;
        lean.failHandshake(new Error('Opening handshake has timed out'));
      }
      this.watched[this.watchHead++] = undefined;
    }
    if (this.watchHead === this.watched.length) {
      this.watched = [];
      this.deadlines = [];
      this.watchHead = 0;
      clearInterval(this.watchTimer);
      this.watchTimer = undefined;
    } else if (this.watchHead > 4096 && this.watchHead * 2 > this.watched.length) {
      this.watched = this.watched.slice(this.watchHead);
      this.deadlines = this.deadlines.slice(this.watchHead);
      this.watchHead = 0;
    }
  }
}
