// One logical WebSocket session over many sockets: owns the state machine and wires queue, backoff and heartbeat.

import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type WebSocket from 'ws';
import { Attempt, type AttemptSettings, type PrepareSocket } from './attempt.js';
import { reconnectDelayMs, type BackoffPolicy } from './backoff.js';
import { systemClock, type CancelTimer, type Clock } from './clock.js';
import { describeClose } from './close-codes.js';
import {
  connectionDefaults,
  wsClientOptions,
  type ConnectionDeps,
  type ConnectionOptions,
  type SendOptions,
} from './connection-options.js';
import { WsxError } from './errors.js';
import type {
  ConnectionEvents,
  ConnectionSnapshot,
  Counters,
  DropReason,
  HandshakeInfo,
  State,
  StateChange,
} from './events.js';
import type { HeartbeatOptions } from './heartbeat.js';
import { Outbox } from './outbox.js';
import { isRetryable, type RetryPolicy } from './retry-policy.js';
import { SendQueue, type Outgoing } from './send-queue.js';
import { validateUrl } from './url.js';

export type { ConnectionDeps, ConnectionOptions, SendOptions, TlsOptions } from './connection-options.js';

export class Connection extends EventEmitter<ConnectionEvents> {
  readonly url: string;
  /** The URL as it may be printed: secrets in userinfo and the query masked (the caller's displayUrl). */
  private readonly displayUrl: string;
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly retry: RetryPolicy;
  private readonly backoff: BackoffPolicy;
  private readonly heartbeatOptions: (HeartbeatOptions & { appMessage?: string }) | undefined;
  private readonly signal: AbortSignal | undefined;
  private readonly outbox: Outbox;
  private readonly attemptSettings: AttemptSettings;

  private state: State = 'idle';
  private attemptCount = 0;
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
    wireBytesReceived: 0,
    dataBytesReceived: 0,
    unconfirmed: 0,
  };
  private openedAt: number | undefined;
  private retryAt: number | undefined;
  private rttMs: number | undefined;
  private protocol = '';
  private extensions = '';
  private lastClose: { code: number; reason: string } | undefined;
  private lastError: WsxError | undefined;

  /** The socket being opened or open now, with everything that dies with it. */
  private attempt: Attempt | undefined;
  private isClosingByUser = false;
  private cancelRetry: CancelTimer | undefined;
  private isIncomingPaused = false;
  /** Wire bytes of keep-alive frames read in the chunk being processed (ws parses a chunk synchronously). */
  private keepAliveBytesInChunk = 0;
  /** Set by markKeepAlive() while a 'message' is being emitted. */
  private isKeepAliveMessage = false;
  private closeWaiters: (() => void)[] = [];
  private readonly onAbort = () => void this.close(1000, '');

  /** Throws a WsxError ('invalid-url' or 'invalid-option') at once for bad options; opens nothing until start(). */
  constructor(options: ConnectionOptions, deps: ConnectionDeps = {}) {
    super();
    this.url = validateUrl(options.url);
    this.displayUrl = options.displayUrl ?? this.url;
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    const d = connectionDefaults;
    this.retry = { ...d.reconnect, ...options.reconnect };
    this.backoff = { ...d.backoff, ...options.backoff };
    this.heartbeatOptions =
      options.heartbeat === false ? undefined : { ...d.heartbeat, ...options.heartbeat };
    this.outbox = new Outbox(
      new SendQueue({ ...d.queue, ...options.queue }),
      this.clock,
      options.highWaterBytes ?? d.highWaterBytes,
      {
        sent: (msg) => {
          this.counters.sent++;
          this.counters.bytesSent += msg.bytes;
          if (this.listenerCount('sent') > 0) this.emit('sent', msg);
        },
        dropped: (msg, why) => this.onDropped(msg, why),
        drain: () => this.emit('drain'),
        unconfirmed: (count) => (this.counters.unconfirmed += count),
      },
    );
    for (const [name, value] of [
      ['handshakeTimeoutMs', options.handshakeTimeoutMs],
      ['closeTimeoutMs', options.closeTimeoutMs],
      ['maxPayloadBytes', options.maxPayloadBytes],
      ['heartbeat.intervalMs', this.heartbeatOptions?.intervalMs],
      ['heartbeat.timeoutMs', this.heartbeatOptions?.timeoutMs],
      ['reconnect.stableAfterMs', options.reconnect?.stableAfterMs],
    ] as const) {
      if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
        throw new WsxError('invalid-option', `${name} must be a positive number, got ${value}`);
      }
    }
    const handshakeTimeoutMs = options.handshakeTimeoutMs ?? d.handshakeTimeoutMs;
    this.attemptSettings = {
      url: this.url,
      protocols: options.protocols ?? [],
      wsOptions: wsClientOptions(options),
      handshakeTimeoutMs,
      stableAfterMs: this.retry.stableAfterMs,
      heartbeat: this.heartbeatOptions,
      proxyLabel: options.proxyLabel,
      followRedirects: options.followRedirects ?? d.followRedirects,
      onRedirect: options.onRedirect,
      onUpgrade: options.onUpgrade,
      agentFor: options.agentFor,
    };
    this.signal = deps.signal;
    this.signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /**
   * A step run before each socket opens (SignalR's /negotiate), within the handshake deadline: it decides
   * the URL and extra headers of that socket. Set before start(); a protocol session sets it for its codec.
   */
  prepareSockets(prepare: PrepareSocket): void {
    this.attemptSettings.prepare = prepare;
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
   * A write cut off by a lost socket before it reached the kernel is written again on the next socket.
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
      ...(opts.isProtocolFrame ? { isProtocolFrame: true } : {}),
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
    if (this.state !== 'open' || !this.attempt)
      throw new WsxError('invalid-option', 'cannot ping: the connection is not open');
    this.attempt.ping(data);
    this.emit('ping', { at: this.clock.now() });
  }

  /**
   * Stops reading from the socket (TCP backpressure reaches the server) until resumeIncoming().
   * Holds across reconnects. For consumers whose output is slower than the network. While paused,
   * `wireBytesReceived` stands still: silence wsx causes is not the server's.
   */
  pauseIncoming(): void {
    // Our closing handshake reads on to the server's Close (see close()).
    if (this.isIncomingPaused || this.isClosingByUser) return;
    this.isIncomingPaused = true;
    this.attempt?.pause();
  }

  resumeIncoming(): void {
    if (!this.isIncomingPaused) return;
    this.isIncomingPaused = false;
    this.attempt?.resume();
  }

  /**
   * Called by a 'message' listener while the message is being delivered: it is the protocol's keep-alive
   * (an Engine.IO ping, a graphql-ws pong), not data, so `dataBytesReceived` leaves its bytes out.
   */
  markKeepAlive(): void {
    this.isKeepAliveMessage = true;
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
    this.attempt?.abort(new WsxError('network', 'reconnect requested'), true);
  }

  /**
   * Ends the current socket at once, failed by `why` (a protocol's own liveness check found the server
   * dead). What follows is the retry policy's decision, with its backoff and maxRetries, as after the
   * heartbeat's own timeout: unlike reconnect(), which retries at once whatever the policy says.
   */
  abandonSocket(why: WsxError): void {
    if (this.state !== 'open' && this.state !== 'connecting') return;
    this.attempt?.abort(why);
  }

  /**
   * Closes with `code` (default 1000) and stops every timer and socket. Messages still queued are dropped
   * with why 'closed' (await flushed() first to deliver them). Resolves when nothing is left running.
   * Reading resumes (pauseIncoming no longer applies) so that the closing handshake can complete.
   *
   * The final `state` change to 'closed' carries `error` (and the close code wsx sent) when a failure was
   * already ending the socket before this call, e.g. ws failed the connection with 1007 and the server
   * never answered: the first failure wins over a later close of ours.
   */
  close(code = 1000, reason = ''): Promise<void> {
    if (this.state === 'closed') return Promise.resolve();
    const done = new Promise<void>((resolve) => this.closeWaiters.push(resolve));
    if (this.isClosingByUser) return done;
    this.isClosingByUser = true;
    const attempt = this.attempt;
    if (this.state === 'open' && attempt) {
      this.outbox.closing();
      this.moveTo('closing', 'closing');
      // The server's Close (and the pong confirming our last messages) comes after whatever it sent
      // before: a paused socket never reads it, and the handshake always ended in a cut (1006) instead.
      // Listeners may ignore what arrives now; the read is bounded by closeTimeoutMs.
      this.resumeIncoming();
      attempt.close(code, reason);
    } else if (this.state === 'connecting' && attempt) {
      attempt.close(code, reason);
    } else {
      this.finish('closed by user');
    }
    return done;
  }

  snapshot(): ConnectionSnapshot {
    return Object.freeze({
      state: this.state,
      url: this.displayUrl,
      attempt: this.attemptCount,
      hasOpened: this.opens > 0,
      isIncomingPaused: this.isIncomingPaused,
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
    this.attemptCount++;
    this.retryAt = undefined;
    this.cancelRetry = undefined;
    this.moveTo(
      'connecting',
      this.attemptCount === 1 ? 'connecting' : `reconnect attempt ${this.attemptCount}`,
    );
    const attempt: Attempt = new Attempt(
      this.attemptCount,
      this.attemptSettings,
      this.clock,
      {
        opened: (socket, handshake, transport) => this.attemptOpened(socket, handshake, transport),
        // Healthy at last: the next failure starts the retry count and the backoff again.
        stable: () => (this.retries = 0),
        message: (data, isBinary) => this.messageReceived(data, isBinary),
        keepAliveFrame: (wireBytes) => (this.keepAliveBytesInChunk += wireBytes),
        // Called after ws has parsed the chunk (its listener comes first): what was not keep-alive in it is
        // data, a whole message or part of one. Clamped: an estimate past the chunk is no negative data.
        wireBytes: (count) => {
          this.counters.wireBytesReceived += count;
          this.counters.dataBytesReceived += Math.max(0, count - this.keepAliveBytesInChunk);
          this.keepAliveBytesInChunk = 0;
        },
        pinged: () => {
          this.emit('ping', { at: this.clock.now() });
          const appMessage = this.heartbeatOptions?.appMessage;
          if (appMessage !== undefined)
            this.send(appMessage, { deadlineMs: this.heartbeatOptions?.intervalMs });
        },
        pong: (payload, rttMs) => {
          // A delivery ping's answer is bookkeeping, not a pong the user asked for.
          if (this.outbox.sawPong(payload)) return;
          if (rttMs !== undefined) this.rttMs = rttMs;
          this.emit('pong', { rttMs });
        },
        redirected: (from, to) => this.emit('redirect', { from, to }),
        ended: (code, reason) => this.attemptEnded(attempt, code, reason),
      },
      this.isIncomingPaused,
    );
    this.attempt = attempt;
    attempt.start();
  }

  /** The attempt's upgrade succeeded: count it, tell listeners, and hand the socket to the outbox. */
  private attemptOpened(
    socket: WebSocket,
    handshake: HandshakeInfo | undefined,
    transport: Socket | undefined,
  ): void {
    if (this.opens++ > 0) this.counters.reconnects++;
    this.keepAliveBytesInChunk = 0;
    this.openedAt = this.clock.now();
    this.protocol = socket.protocol;
    this.extensions = socket.extensions;
    if (handshake)
      this.emit('handshake', {
        ...handshake,
        protocol: socket.protocol,
        extensions: socket.extensions,
      });
    this.moveTo('open', this.protocol ? `open (subprotocol ${this.protocol})` : 'open');
    // A listener to 'open' may have closed already.
    if (!this.isClosingByUser) this.outbox.attach(socket, transport);
  }

  private messageReceived(data: Buffer, isBinary: boolean): void {
    this.counters.received++;
    this.counters.bytesReceived += data.length;
    this.emit('message', { data, isBinary, receivedAt: this.clock.now(), seq: ++this.receiveSeq });
    if (this.isKeepAliveMessage) {
      this.isKeepAliveMessage = false;
      this.keepAliveBytesInChunk += dataFrameBytes(data.length);
    }
  }

  /** The attempt's socket is gone: decide between waiting for another attempt and closing for good. */
  private attemptEnded(attempt: Attempt, code: number, reason: string): void {
    if (this.attempt !== attempt) return;
    this.attempt = undefined;
    const cause = attempt.error;
    // ws reports 1006 when it failed the connection itself; the code it sent is the real one.
    const closeCode = cause?.details.closeCode ?? code;
    this.outbox.detach(cause !== undefined || closeCode === 1006);
    this.openedAt = undefined;
    this.lastClose = { code: closeCode, reason };
    if (this.isClosingByUser) {
      if (cause) this.lastError = cause;
      this.finish('closed by user', { closeCode, closeReason: reason, ...(cause ? { error: cause } : {}) });
      return;
    }
    let failure = cause;
    if (!failure && closeCode !== 1000 && closeCode !== 1001) {
      failure = new WsxError('closed-by-peer', describeClose(closeCode, reason), {
        details: { closeCode, closeReason: reason },
      });
    }
    if (failure) {
      this.lastError = failure;
      // EventEmitter throws on an 'error' nobody listens to; the failure is in the state change anyway.
      if (this.listenerCount('error') > 0) this.emit('error', failure);
    }
    const what = failure ? failure.message : describeClose(closeCode, reason);
    const extra = { closeCode, closeReason: reason, ...(failure ? { error: failure } : {}) };
    const mayRetry =
      attempt.isForcedRetry || (this.retry.enabled && isRetryable(failure, closeCode, this.retry));
    if (mayRetry && this.retries < this.retry.maxRetries) {
      this.retries++;
      const delayMs = attempt.isForcedRetry ? 0 : this.retryDelayMs(failure);
      this.retryAt = this.clock.now() + delayMs;
      this.moveTo('waiting', what, { ...extra, retryInMs: delayMs });
      this.cancelRetry = this.clock.setTimer(delayMs, () => this.connect());
      return;
    }
    const why = mayRetry ? `${what}; gave up after ${this.retries} retries` : what;
    this.finish(why, extra);
  }

  /** The backoff delay, or longer when a 503/429 said when to come back (Retry-After, capped). */
  private retryDelayMs(failure: WsxError | undefined): number {
    const delayMs = reconnectDelayMs(this.retries, this.backoff, this.random);
    const retryAfterMs = failure?.details.retryAfterMs;
    if (retryAfterMs === undefined) return delayMs;
    return Math.max(delayMs, Math.min(retryAfterMs, this.retry.maxRetryAfterMs));
  }

  private finish(reason: string, extra: Partial<StateChange> = {}): void {
    this.cancelRetry?.();
    this.cancelRetry = undefined;
    this.retryAt = undefined;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.outbox.close();
    this.moveTo('closed', reason, extra);
    for (const resolve of this.closeWaiters.splice(0)) resolve();
  }

  private moveTo(to: State, reason: string, extra: Partial<StateChange> = {}): void {
    const from = this.state;
    this.state = to;
    this.emit('state', { from, to, reason, attempt: this.attemptCount, ...extra });
  }

  private onDropped(msg: Outgoing, why: DropReason): void {
    if (!msg.isProtocolFrame) this.counters.dropped++;
    this.emit('dropped', { msg, why });
  }
}

/** An unfragmented, uncompressed server data frame's size on the wire for `payloadBytes` (RFC 6455 §5.2). */
function dataFrameBytes(payloadBytes: number): number {
  return payloadBytes + (payloadBytes < 126 ? 2 : payloadBytes < 65536 ? 4 : 10);
}
