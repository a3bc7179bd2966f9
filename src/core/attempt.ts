// One connection attempt: its socket, its timers and the first failure that ends it, dropped with it.

import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import WebSocket from 'ws';
import type { CancelTimer, Clock } from './clock.js';
import { classifyError, WsxError } from './errors.js';
import type { HandshakeInfo } from './events.js';
import { captureHandshake, readRefusal } from './handshake.js';
import { Heartbeat, type HeartbeatOptions } from './heartbeat.js';

export interface AttemptSettings {
  url: string;
  protocols: string[];
  /** Handed to ws as is. */
  wsOptions: WebSocket.ClientOptions;
  /** Deadline for the whole opening handshake (TCP, TLS, proxy CONNECT, HTTP upgrade), ms. */
  handshakeTimeoutMs: number;
  /** An open socket counts as healthy (the retry count starts again) after this long, ms. */
  stableAfterMs: number;
  heartbeat: HeartbeatOptions | undefined;
  proxyLabel: string | undefined;
  followRedirects: boolean;
  onRedirect: ((from: URL, to: URL, req: ClientRequest, original: URL) => void) | undefined;
  agentFor: ((signal: AbortSignal) => Agent) | undefined;
  onUpgrade?: ((url: string, headers: IncomingHttpHeaders) => void) | undefined;
  /** Run before each socket opens, within the handshake deadline: where this socket goes (see SocketTarget). */
  prepare?: PrepareSocket | undefined;
}

/**
 * What the HTTP request before a socket may use to reach the same server the same way: the upgrade's
 * headers, TLS settings and (proxy) agent.
 */
export type PrepareRequestOptions = Pick<
  WebSocket.ClientOptions,
  'headers' | 'ca' | 'cert' | 'key' | 'passphrase' | 'rejectUnauthorized' | 'agent'
> & { servername?: string };

/** The URL and extra headers one socket opens with. */
export interface SocketTarget {
  url: string;
  headers?: Record<string, string>;
}

/**
 * A step before each socket (SignalR's /negotiate hands out a single-use connection token): given the
 * connection's URL, the request options and a signal aborted when the attempt ends, it resolves where this
 * socket goes. A rejection (a WsxError) fails the attempt like a refused upgrade.
 */
export type PrepareSocket = (
  url: string,
  request: PrepareRequestOptions,
  signal: AbortSignal,
) => Promise<SocketTarget>;

/** What an attempt tells its Connection. Nothing is called after `ended`. */
export interface AttemptHooks {
  /** `transport` is the TCP (or TLS) socket under `socket`, when known: writes to it can be batched. */
  opened(socket: WebSocket, handshake: HandshakeInfo | undefined, transport: Socket | undefined): void;
  /** The socket stayed open for stableAfterMs. */
  stable(): void;
  message(data: Buffer, isBinary: boolean): void;
  /** Bytes read from the socket, frames complete or not. Called per chunk: keep it cheap. */
  wireBytes(count: number): void;
  pinged(): void;
  /** A ping or pong arrived: `wireBytes` of the chunk being read were keep-alive, not data. */
  keepAliveFrame(wireBytes: number): void;
  /** `rttMs` when it answers the heartbeat's latest ping. */
  pong(payload: Buffer, rttMs: number | undefined): void;
  redirected(from: string, to: string): void;
  ended(code: number, reason: string): void;
}

/**
 * A socket and everything that lives exactly as long as it: the handshake deadline, the heartbeat, the
 * stability timer, the response headers and the failure that ended it. The socket's listeners are the
 * named methods below (as ws names `socketOnClose`); once `ended` has been called the attempt is inert.
 */
export class Attempt {
  /** The first failure on this socket; later ones are consequences. */
  error: WsxError | undefined;
  /** reconnect() asked for a new attempt now, whatever ended the socket. */
  isForcedRetry = false;
  private socket: WebSocket | undefined;
  private rawSocket: Socket | undefined;
  private heartbeat: Heartbeat | undefined;
  private handshake: HandshakeInfo | undefined;
  /** The URL the last redirect led to, for the next redirect's `from`. */
  private lastRequestUrl: string | undefined;
  private cancelDeadline: CancelTimer | undefined;
  private cancelStable: CancelTimer | undefined;
  private isOpen = false;
  /** Our own close or terminate is under way: failures after it are its consequences, not causes. */
  private isClosedByUs = false;
  private isEnded = false;
  /** Aborted when the attempt ends: whatever the attempt's agent still has open dies with it. */
  private readonly lifetime = new AbortController();

  constructor(
    readonly number: number,
    private readonly settings: AttemptSettings,
    private readonly clock: Clock,
    private readonly hooks: AttemptHooks,
    private isPaused: boolean,
  ) {}

  /** Arms the handshake deadline and creates the socket (after the prepare step, when there is one). */
  start(): void {
    const s = this.settings;
    // ws's own handshakeTimeout is an idle timer (each byte restarts it); this one is a deadline.
    this.cancelDeadline = this.clock.setTimer(s.handshakeTimeoutMs, () => {
      this.cancelDeadline = undefined;
      this.fail(
        new WsxError('timeout', `the opening handshake did not finish within ${s.handshakeTimeoutMs} ms`, {
          hint: 'is the server (or proxy) answering? see --connect-timeout',
        }),
      );
      this.endNow();
    });
    if (!s.prepare) {
      this.open({ url: s.url });
      return;
    }
    const w = s.wsOptions;
    const request: PrepareRequestOptions = {
      headers: w.headers,
      ca: w.ca,
      cert: w.cert,
      key: w.key,
      passphrase: w.passphrase,
      rejectUnauthorized: w.rejectUnauthorized,
      servername: (w as { servername?: string }).servername,
      agent: s.agentFor ? s.agentFor(this.lifetime.signal) : w.agent,
    };
    s.prepare(s.url, request, this.lifetime.signal).then(
      (target) => {
        if (!this.isEnded && !this.isClosedByUs) this.open(target);
      },
      (err: unknown) => {
        if (this.isEnded) return;
        this.fail(this.viaProxy(classifyError(err)));
        this.endNow();
      },
    );
  }

  private open(target: SocketTarget): void {
    const s = this.settings;
    let socket: WebSocket;
    try {
      let wsOptions = s.agentFor ? { ...s.wsOptions, agent: s.agentFor(this.lifetime.signal) } : s.wsOptions;
      if (target.headers) wsOptions = { ...wsOptions, headers: { ...wsOptions.headers, ...target.headers } };
      socket = new WebSocket(target.url, s.protocols, wsOptions);
    } catch (err) {
      // ws throws synchronously only for inputs validateUrl should have caught; report, never crash.
      this.fail(classifyError(err));
      this.endNow();
      return;
    }
    this.socket = socket;
    socket.on('upgrade', this.socketOnUpgrade);
    socket.on('open', this.socketOnOpen);
    socket.on('message', this.socketOnMessage);
    socket.on('ping', this.socketOnPing);
    socket.on('pong', this.socketOnPong);
    socket.on('unexpected-response', this.socketOnUnexpectedResponse);
    if (s.followRedirects) socket.on('redirect', this.socketOnRedirect);
    socket.on('error', this.socketOnError);
    socket.on('close', this.socketOnClose);
  }

  /** Ends the attempt now: the socket without a close frame, or, before there is one, the prepare step. */
  private endNow(): void {
    if (this.socket) {
      this.socket.terminate();
      return;
    }
    if (this.isEnded) return;
    // Aborting the lifetime ends the prepare step's request; the end is reported as a socket's would be.
    this.lifetime.abort();
    setImmediate(() => this.socketOnClose(1006, Buffer.alloc(0)));
  }

  get hasOpened(): boolean {
    return this.isOpen;
  }

  /** Records the failure that ends this socket; the first one wins, and none after our own close. */
  fail(err: WsxError): void {
    if (!this.isClosedByUs) this.error ??= err;
  }

  /** Ends the socket at once (no close frame) because of `err`. */
  abort(err: WsxError, isForcedRetry = false): void {
    this.fail(err);
    if (isForcedRetry) this.isForcedRetry = true;
    this.endNow();
  }

  /** Our close: the closing handshake when open, terminate while connecting. */
  close(code: number, reason: string): void {
    this.isClosedByUs = true;
    this.stopTimers();
    const socket = this.socket;
    if (!socket) return this.endNow();
    if (this.isOpen) socket.close(code, reason);
    else socket.terminate();
  }

  ping(data: string | Buffer): void {
    this.socket?.ping(data);
  }

  pause(): void {
    this.isPaused = true;
    this.socket?.pause();
    // Unread pongs are not a dead server: the watchdog rests while we are the slow side.
    this.heartbeat?.stop();
    this.heartbeat = undefined;
  }

  resume(): void {
    this.isPaused = false;
    const socket = this.socket;
    if (!socket) return;
    socket.resume();
    if (this.isOpen && !this.isClosedByUs) this.startHeartbeat(socket);
  }

  private stopTimers(): void {
    this.cancelDeadline?.();
    this.cancelStable?.();
    this.cancelDeadline = this.cancelStable = undefined;
    this.heartbeat?.stop();
    this.heartbeat = undefined;
  }

  private startHeartbeat(socket: WebSocket): void {
    const hb = this.settings.heartbeat;
    if (!hb) return;
    this.heartbeat = new Heartbeat(hb, this.clock, {
      ping: (payload) => {
        socket.ping(payload);
        this.hooks.pinged();
      },
      dead: (silentForMs) => {
        this.abort(
          new WsxError(
            'heartbeat-timeout',
            `no answer to ping for ${Math.round(silentForMs)} ms: the server looks dead`,
            { hint: 'wsx reconnects if --reconnect is on' },
          ),
        );
      },
    });
    this.heartbeat.start();
  }

  /** Before the upgrade, a refused or unknown host is the proxy's, when there is one: say so. */
  private viaProxy(err: WsxError): WsxError {
    const proxy = this.settings.proxyLabel;
    if (!proxy || this.isOpen || (err.kind !== 'refused' && err.kind !== 'dns' && err.kind !== 'network'))
      return err;
    return new WsxError('proxy', `proxy ${proxy} unreachable: ${err.message}`, {
      hint: 'check --proxy or HTTPS_PROXY/HTTP_PROXY; --no-proxy ignores them',
      cause: err,
      details: err.details,
    });
  }

  // ---- the socket's listeners --------------------------------------------------------------------------

  private readonly socketOnUpgrade = (res: IncomingMessage): void => {
    if (this.isEnded || !this.socket) return;
    this.handshake = captureHandshake(this.socket, res);
    this.settings.onUpgrade?.(this.socket.url, res.headers);
    // `res.socket` is the TCP (or TLS) socket ws will read from; listened to once ws has attached to it
    // (at 'open'), since a 'data' listener added now would start the flow before ws listens.
    this.rawSocket = res.socket ?? undefined;
  };

  private readonly rawOnData = (chunk: Buffer): void => {
    this.heartbeat?.sawActivity();
    this.hooks.wireBytes(chunk.length);
  };

  private readonly socketOnOpen = (): void => {
    const socket = this.socket;
    if (this.isEnded || !socket) return;
    this.isOpen = true;
    this.cancelDeadline?.();
    this.cancelDeadline = undefined;
    this.cancelStable = this.clock.setTimer(this.settings.stableAfterMs, () => {
      this.cancelStable = undefined;
      if (!this.isEnded) this.hooks.stable();
    });
    // Every byte read is a sign of life, complete frame or not (a long message on a slow link).
    // ws pauses this socket when we pause, so the count stands still while we are the slow side.
    this.rawSocket?.on('data', this.rawOnData);
    if (this.isPaused) socket.pause();
    else this.startHeartbeat(socket);
    const handshake = this.handshake;
    this.handshake = undefined;
    this.hooks.opened(socket, handshake, this.rawSocket);
  };

  private readonly socketOnMessage = (data: Buffer, isBinary: boolean): void => {
    if (this.isEnded) return;
    this.heartbeat?.sawActivity();
    this.hooks.message(data, isBinary);
  };

  private readonly socketOnPing = (payload: Buffer): void => {
    if (this.isEnded) return;
    // ws terminates a peer with more than 60 pings waiting for their pong (maxPendingAutoPongs) and says
    // nothing: the socket turns CLOSING under our feet. Name it rather than report a lost connection.
    if (this.socket?.readyState === WebSocket.CLOSING && !this.isClosedByUs && this.error === undefined) {
      this.fail(
        new WsxError(
          'protocol',
          'the server sent pings faster than they could be answered (over 60 waiting); connection dropped',
          { details: { closeCode: 1006 } },
        ),
      );
    }
    this.heartbeat?.sawActivity();
    this.hooks.keepAliveFrame(controlFrameBytes(payload));
  };

  private readonly socketOnPong = (payload: Buffer): void => {
    if (this.isEnded) return;
    this.hooks.keepAliveFrame(controlFrameBytes(payload));
    this.hooks.pong(payload, this.heartbeat?.sawPong(payload));
  };

  private readonly socketOnUnexpectedResponse = (req: ClientRequest, res: IncomingMessage): void => {
    if (this.isEnded) return;
    void readRefusal(res).then((err) => {
      this.fail(err);
      req.destroy();
      this.socket?.terminate();
    });
  };

  private readonly socketOnRedirect = (to: string, req: ClientRequest): void => {
    if (this.isEnded) return;
    const from = this.lastRequestUrl ?? this.settings.url;
    this.lastRequestUrl = to;
    try {
      this.settings.onRedirect?.(new URL(from), new URL(to), req, new URL(this.settings.url));
      this.hooks.redirected(from, to);
    } catch (err) {
      // terminate() marks the request aborted before ws sends it, so nothing reaches the new URL.
      this.abort(classifyError(err));
    }
  };

  private readonly socketOnError = (err: Error): void => {
    if (!this.isEnded) this.fail(this.viaProxy(classifyError(err)));
  };

  private readonly socketOnClose = (code: number, reason: Buffer): void => {
    if (this.isEnded) return;
    this.isEnded = true;
    this.stopTimers();
    this.rawSocket?.off('data', this.rawOnData);
    this.rawSocket = undefined;
    this.socket = undefined;
    this.lifetime.abort();
    this.hooks.ended(code, reason.toString());
  };
}

/** A server's control frame on the wire: 2 header bytes (unmasked, RFC 6455 §5.5: payload ≤ 125) and the payload. */
function controlFrameBytes(payload: Buffer): number {
  return 2 + payload.length;
}
