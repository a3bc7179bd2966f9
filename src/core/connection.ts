// One logical WebSocket session over many sockets: owns the state machine and wires queue, backoff and heartbeat.

import { EventEmitter } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { defaultBackoff, reconnectDelayMs, type BackoffPolicy } from './backoff.js';
import { systemClock, type CancelTimer, type Clock } from './clock.js';
import { classifyError, WsxError } from './errors.js';
import type {
  ConnectionEvents,
  ConnectionSnapshot,
  Counters,
  DropReason,
  HandshakeInfo,
  State,
  StateChange,
} from './events.js';
import { defaultHeartbeat, Heartbeat, type HeartbeatOptions } from './heartbeat.js';
import { defaultRetry, isRetryable, type RetryPolicy } from './retry-policy.js';
import { defaultQueueLimits, SendQueue, type Outgoing } from './send-queue.js';
import { describeClose } from './close-codes.js';
import { validateUrl } from './url.js';
import type { ConnectionDeps, ConnectionOptions, SendOptions } from './connection-options.js';
import { captureHandshake, readRefusal } from './handshake.js';
import { Outbox } from './outbox.js';

export type { ConnectionDeps, ConnectionOptions, SendOptions, TlsOptions } from './connection-options.js';

const MiB = 1024 * 1024;

export class Connection extends EventEmitter<ConnectionEvents> {
  readonly url: string;
  private readonly options: ConnectionOptions;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly backoff: BackoffPolicy;
  private readonly heartbeatOptions: (HeartbeatOptions & { appMessage?: string }) | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly outbox: Outbox;

  private state: State = 'idle';
  private attempt = 0;
  private retries = 0;
  private opens = 0;
  private sendSeq = 0;
  private receiveSeq = 0;
  private counters: Omit<Counters, 'queued'> = {
    sent: 0,
    received: 0,
    dropped: 0,
    reconnects: 0,
    bytesSent: 0,
    bytesReceived: 0,
    unconfirmed: 0,
  };
  private openedAt: number | undefined;
  private retryAt: number | undefined;
  private rttMs: number | undefined;
  private protocol = '';
  private extensions = '';
  private lastClose: { code: number; reason: string } | undefined;
  private lastError: WsxError | undefined;

  private socket: WebSocket | undefined;
  private heartbeat: Heartbeat | undefined;
  /** The failure that is ending the current socket, if any; the first one wins. */
  private socketError: WsxError | undefined;
  private isClosingByUser = false;
  private cancelRetry: CancelTimer | undefined;
  private isIncomingPaused = false;
  /** reconnect() asked for a new attempt now, whatever ended the socket. */
  private forceRetryNow = false;
  /** The current socket's 101 response, emitted as `handshake` once the socket opens. */
  private pendingHandshake: HandshakeInfo | undefined;
  /** The URL the last redirect led to, for the next redirect's `from`. */
  private lastRequestUrl: string | undefined;
  private closeWaiters: (() => void)[] = [];
  private readonly onAbort = () => void this.close(1000, '');

  /** Throws a WsxError ('invalid-url' or 'invalid-option') at once for bad options; opens nothing until start(). */
  constructor(options: ConnectionOptions, deps: ConnectionDeps = {}) {
    super();
    this.url = validateUrl(options.url);
    this.options = options;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.retry = { ...defaultRetry, ...options.reconnect };
    this.backoff = { ...defaultBackoff, ...options.backoff };
    this.heartbeatOptions =
      options.heartbeat === false ? undefined : { ...defaultHeartbeat, ...options.heartbeat };
    this.outbox = new Outbox(
      new SendQueue({ ...defaultQueueLimits, ...options.queue }),
      this.clock,
      options.highWaterBytes ?? MiB,
      {
        sent: (msg) => {
          this.counters.sent++;
          this.counters.bytesSent += msg.bytes;
          if (this.listenerCount('sent') > 0) this.emit('sent', msg);
        },
        dropped: (msg, why) => this.onDropped(msg, why),
        drain: () => this.emit('drain'),
        unconfirmed: () => this.counters.unconfirmed++,
      },
    );
    for (const [name, value] of [
      ['handshakeTimeoutMs', options.handshakeTimeoutMs],
      ['closeTimeoutMs', options.closeTimeoutMs],
      ['maxPayloadBytes', options.maxPayloadBytes],
      ['heartbeat.intervalMs', this.heartbeatOptions?.intervalMs],
      ['heartbeat.timeoutMs', this.heartbeatOptions?.timeoutMs],
    ] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new WsxError('invalid-option', `${name} must be a positive number, got ${value}`);
      }
    }
    this.signal = deps.signal;
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Opens the first socket. Messages sent before start() wait in the queue. */
  start(): void {
    if (this.state !== 'idle') return;
    if (this.signal?.aborted) {
      void this.close();
      return;
    }
    this.connect();
  }

  /**
   * Queues a message and writes it as soon as the socket can take it, in order.
   * Returns false when the queue is full: the producer should wait for `drain` (the message is kept).
   * A message with `deadlineMs` that is still queued when the deadline passes leaves as a `dropped` event.
   */
  send(data: string | Buffer, opts: SendOptions = {}): boolean {
    const now = this.clock.now();
    const msg: Outgoing = {
      seq: ++this.sendSeq,
      data,
      isBinary: opts.binary ?? typeof data !== 'string',
      bytes: typeof data === 'string' ? Buffer.byteLength(data) : data.length,
      queuedAt: now,
      deadlineAt: opts.deadlineMs === undefined ? undefined : now + opts.deadlineMs,
    };
    if (this.isClosingByUser) {
      this.onDropped(msg, 'closed');
      return false;
    }
    return this.outbox.offer(msg);
  }

  /** Resolves true once the queue is empty and the socket has written everything; false if it closes first. */
  flushed(): Promise<boolean> {
    return this.outbox.flushed();
  }

  /** Sends a protocol ping now (the heartbeat sends its own). */
  ping(data: string | Buffer = Buffer.alloc(0)): void {
    if (this.state !== 'open' || !this.socket)
      throw new WsxError('invalid-option', 'cannot ping: the connection is not open');
    this.socket.ping(data);
    this.emit('ping', { at: this.clock.now() });
  }

  /**
   * Stops reading from the socket (TCP backpressure reaches the server) until resumeIncoming().
   * Holds across reconnects. For consumers whose output is slower than the network.
   */
  pauseIncoming(): void {
    if (this.isIncomingPaused) return;
    this.isIncomingPaused = true;
    this.socket?.pause();
    // Unread pongs are not a dead server: the watchdog rests while we are the slow side.
    this.heartbeat?.stop();
    this.heartbeat = undefined;
  }

  resumeIncoming(): void {
    if (!this.isIncomingPaused) return;
    this.isIncomingPaused = false;
    const socket = this.socket;
    if (!socket) return;
    socket.resume();
    if (this.state === 'open') this.startHeartbeat(socket);
  }

  /** Drops the current socket (or the wait) and starts a fresh attempt now, with the backoff reset. */
  reconnect(): void {
    if (this.state === 'closed' || this.isClosingByUser) return;
    this.retries = 0;
    if (this.state === 'waiting' || this.state === 'idle') {
      this.cancelRetry?.();
      this.connect();
      return;
    }
    if (this.socket) {
      this.socketError ??= new WsxError('network', 'reconnect requested');
      this.forceRetryNow = true;
      this.socket.terminate();
    }
  }

  /**
   * Closes with `code` (default 1000) and stops every timer and socket. Messages still queued are dropped
   * with why 'closed' (await flushed() first to deliver them). Resolves when nothing is left running.
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.isClosingByUser) return done;
    this.isClosingByUser = true;
    const socket = this.socket;
    if (this.state === 'open' && socket) {
      this.outbox.detach();
      this.moveTo('closing', 'closing');
      this.heartbeat?.stop();
      socket.close(code, reason);
    } else if (this.state === 'connecting' && socket) {
      socket.terminate();
    } else {
      this.finish('closed by user');
    }
    return done;
  }

  snapshot(): ConnectionSnapshot {
    return Object.freeze({
      state: this.state,
      url: this.options.displayUrl ?? this.url,
      attempt: this.attempt,
      hasOpened: this.opens > 0,
      openedAt: this.openedAt,
      retryAt: this.retryAt,
      rttMs: this.rttMs,
      protocol: this.protocol,
      extensions: this.extensions,
      lastClose: this.lastClose,
      lastError: this.lastError,
      counters: Object.freeze({ ...this.counters, queued: this.outbox.length }),
    });
  }

  /** The oldest `limit` messages still waiting to be written (for a view of the queue). */
  queuedMessages(limit: number): readonly Outgoing[] {
    return this.outbox.waiting(limit);
  }

  get currentState(): State {
    return this.state;
  }

  // ---- one attempt -------------------------------------------------------------------------------------

  private connect(): void {
    this.attempt++;
    this.retryAt = undefined;
    this.cancelRetry = undefined;
    this.socketError = undefined;
    this.forceRetryNow = false;
    this.moveTo('connecting', this.attempt === 1 ? 'connecting' : `reconnect attempt ${this.attempt}`);
    const o = this.options;
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.url, o.protocols ?? [], {
        headers: o.headers,
        origin: o.origin,
        agent: o.agent,
        handshakeTimeout: o.handshakeTimeoutMs ?? 10_000,
        closeTimeout: o.closeTimeoutMs ?? 2_000,
        maxPayload: o.maxPayloadBytes ?? 64 * MiB,
        perMessageDeflate: o.compress ?? false,
        followRedirects: o.followRedirects ?? false,
        maxRedirects: o.maxRedirects ?? 10,
        ...o.tls,
      } as WebSocket.ClientOptions);
    } catch (err) {
      // ws throws synchronously only for inputs validateUrl should have caught; report, never crash.
      this.socketError = classifyError(err);
      setImmediate(() => this.socketEnded(1006, ''));
      return;
    }
    this.socket = socket;
    this.bind(socket);
  }

  private bind(socket: WebSocket): void {
    const isCurrent = () => this.socket === socket;
    socket.on('upgrade', (res: IncomingMessage) => {
      if (isCurrent()) this.pendingHandshake = captureHandshake(socket, res);
    });
    socket.on('open', () => {
      if (!isCurrent()) return;
      this.retries = 0;
      if (this.opens++ > 0) this.counters.reconnects++;
      this.openedAt = this.clock.now();
      this.protocol = socket.protocol;
      this.extensions = socket.extensions;
      if (this.pendingHandshake) {
        this.emit('handshake', {
          ...this.pendingHandshake,
          protocol: socket.protocol,
          extensions: socket.extensions,
        });
        this.pendingHandshake = undefined;
      }
      if (this.isIncomingPaused) socket.pause();
      else this.startHeartbeat(socket);
      this.moveTo('open', this.protocol ? `open (subprotocol ${this.protocol})` : 'open');
      this.outbox.attach(socket);
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isCurrent()) return;
      this.heartbeat?.sawActivity();
      this.counters.received++;
      this.counters.bytesReceived += data.length;
      this.emit('message', { data, isBinary, receivedAt: this.clock.now(), seq: ++this.receiveSeq });
    });
    socket.on('ping', () => {
      if (isCurrent()) this.heartbeat?.sawActivity();
    });
    socket.on('pong', (payload: Buffer) => {
      if (!isCurrent()) return;
      const rttMs = this.heartbeat?.sawPong(payload);
      if (rttMs !== undefined) this.rttMs = rttMs;
      this.emit('pong', { rttMs });
    });
    socket.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => {
      if (!isCurrent()) return;
      void readRefusal(res).then((err) => {
        this.socketError ??= err;
        req.destroy();
        socket.terminate();
      });
    });
    if (this.options.followRedirects) {
      socket.on('redirect', (to: string, req: ClientRequest) => {
        if (!isCurrent()) return;
        const from = this.lastRequestUrl ?? this.url;
        this.lastRequestUrl = to;
        try {
          this.options.onRedirect?.(new URL(from), new URL(to), req, new URL(this.url));
          this.emit('redirect', { from, to });
        } catch (err) {
          this.socketError ??= classifyError(err);
          // terminate() marks the request aborted before ws sends it, so nothing reaches the new URL.
          socket.terminate();
        }
      });
    }
    socket.on('error', (err: Error) => {
      if (isCurrent()) this.socketError ??= this.viaProxy(classifyError(err));
    });
    socket.on('close', (code: number, reason: Buffer) => {
      if (isCurrent()) this.socketEnded(code, reason.toString());
    });
  }

  /** Before the upgrade, a refused or unknown host is the proxy's, when there is one: say so. */
  private viaProxy(err: WsxError): WsxError {
    const proxy = this.options.proxyLabel;
    if (
      !proxy ||
      this.state !== 'connecting' ||
      (err.kind !== 'refused' && err.kind !== 'dns' && err.kind !== 'network')
    )
      return err;
    return new WsxError('proxy', `proxy ${proxy} unreachable: ${err.message}`, {
      hint: 'check --proxy or HTTPS_PROXY/HTTP_PROXY; --no-proxy ignores them',
      cause: err,
      details: err.details,
    });
  }

  private startHeartbeat(socket: WebSocket): void {
    const hb = this.heartbeatOptions;
    if (!hb) return;
    this.heartbeat = new Heartbeat(hb, this.clock, {
      ping: (payload) => {
        socket.ping(payload);
        this.emit('ping', { at: this.clock.now() });
        if (hb.appMessage !== undefined) this.send(hb.appMessage, { deadlineMs: hb.intervalMs });
      },
      dead: (silentForMs) => {
        this.socketError ??= new WsxError(
          'heartbeat-timeout',
          `no answer to ping for ${Math.round(silentForMs)} ms: the server looks dead`,
          {
            hint: 'wsx reconnects if --reconnect is on',
          },
        );
        socket.terminate();
      },
    });
    this.heartbeat.start();
  }

  /** The socket is gone: decide between waiting for another attempt and closing for good. */
  private socketEnded(code: number, reason: string): void {
    this.heartbeat?.stop();
    this.heartbeat = undefined;
    this.socket = undefined;
    this.outbox.detach();
    this.openedAt = undefined;
    this.pendingHandshake = undefined;
    this.lastRequestUrl = undefined;
    if (this.isClosingByUser) {
      this.lastClose = { code, reason };
      this.finish('closed by user', { closeCode: code, closeReason: reason });
      return;
    }
    let cause = this.socketError;
    // ws reports 1006 when it failed the connection itself; the code it sent is the real one.
    const closeCode = cause?.details.closeCode ?? code;
    if (!cause && closeCode !== 1000 && closeCode !== 1001) {
      cause = new WsxError('closed-by-peer', describeClose(closeCode, reason), {
        details: { closeCode, closeReason: reason },
      });
    }
    this.lastClose = { code: closeCode, reason };
    if (cause) {
      this.lastError = cause;
      // EventEmitter throws on an 'error' nobody listens to; the failure is in the state change anyway.
      if (this.listenerCount('error') > 0) this.emit('error', cause);
    }
    const what = cause ? cause.message : describeClose(closeCode, reason);
    const extra = { closeCode, closeReason: reason, ...(cause ? { error: cause } : {}) };
    const mayRetry = this.forceRetryNow || (this.retry.enabled && isRetryable(cause, closeCode, this.retry));
    if (mayRetry && this.retries < this.retry.maxRetries) {
      this.retries++;
      const delayMs = this.forceRetryNow ? 0 : reconnectDelayMs(this.retries, this.backoff, this.random);
      this.retryAt = this.clock.now() + delayMs;
      this.moveTo('waiting', what, { ...extra, retryInMs: delayMs });
      this.cancelRetry = this.clock.setTimer(delayMs, () => this.connect());
      return;
    }
    const why = mayRetry ? `${what}; gave up after ${this.retries} retries` : what;
    this.finish(why, extra);
  }

  private finish(reason: string, extra: Partial<StateChange> = {}): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.retryAt = undefined;
    this.heartbeat?.stop();
    this.signal?.removeEventListener('abort', this.onAbort);
    this.outbox.close();
    this.moveTo('closed', reason, extra);
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }

  private moveTo(to: State, reason: string, extra: Partial<StateChange> = {}): void {
    const from = this.state;
    this.state = to;
    this.emit('state', { from, to, reason, attempt: this.attempt, ...extra });
  }

  private onDropped(msg: Outgoing, why: DropReason): void {
    this.counters.dropped++;
    this.emit('dropped', { msg, why });
  }
}
