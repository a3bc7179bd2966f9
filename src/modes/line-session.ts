// What pipe and script mode share: a Connection wired to stdout and stderr, and the rules for when a run ends.

import type { Writable } from 'node:stream';
import type { Connection, SendOptions } from '../core/connection.js';
import type { WsxError } from '../core/errors.js';
import type { Incoming, StateChange } from '../core/events.js';
import { verdictFor, type Ending, type Outcome } from '../outcome.js';
import type { ProtocolMessage } from '../protocols/codec.js';
import { openSession } from '../protocols/open-session.js';
import { loadSentFrameReader, type SentFrameReader } from '../protocols/sent-frames.js';
import type { ProtocolSession } from '../protocols/session.js';
import type { Options } from '../options.js';
import { formatDuration } from '../text/duration.js';
import { maskSecrets } from '../text/mask.js';
import { ContractCheck } from './contract-check.js';
import { Diagnostics } from './diagnostics.js';
import { LineReporter } from './line-reporter.js';
import { SessionPhase } from './session-phase.js';
import { TranscriptWriter } from '../record/transcript-writer.js';

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: Writable;
  stderr: Writable;
}

export interface SessionHooks {
  /** Each text message, decoded. `isError`: a --proto error answer (a JSON-RPC error, a graphql-ws error). */
  onText?(text: string, isError: boolean): void;
  /** Each time a socket opens (the first time and after every reconnect). */
  onOpen?(isReconnect: boolean): void;
  /** How a run the server ended cleanly ended (default: completed). */
  onPeerClosed?(change: StateChange): Ending | undefined;
  /** How the run ended when --count messages have arrived (default: completed). */
  onCountReached?(): Ending;
  /** The message for --timeout (default "timed out after …"). */
  describeTimeout?(): string;
  /** Stop reading input: called once when the run ends. */
  stopInput?(): void;
}

/**
 * One pipe or script run: the connection, the hooks the mode gives, and when the run ends (its `phase`,
 * see session-phase.ts). What it shows goes through its LineReporter.
 */
export class LineSession {
  readonly conn: Connection;
  /** The --proto codec over `conn`; undefined for raw WebSocket (frames pass through untouched). */
  readonly proto: ProtocolSession | undefined;
  readonly diag: Diagnostics;
  private readonly out: LineReporter;
  /** --asyncapi: every text message sent and received is checked against the document. */
  private readonly contract: ContractCheck | undefined;
  /** --record FILE: the wire frames as a transcript, beside stdout (which it does not change). */
  private readonly transcript: TranscriptWriter | undefined;
  private hooks: SessionHooks = {};
  private readonly phase = new SessionPhase();
  private received = 0;
  /** --proto error answers received: a run that would otherwise complete fails with 4. */
  private errorAnswers = 0;
  /** The latest decoded message was an error answer: a close that follows it is that error's doing. */
  private isLatestAnError = false;
  /** The server closed right after an error answer (STOMP's ERROR frame is followed by a close). */
  private isClosedAfterError = false;
  private cancelLinger: (() => void) | undefined;
  /** The connection's final state change, once it came: it carries the failure that ended it, if any. */
  private closedChange: StateChange | undefined;
  /** A failure already decided while what came before it is still being sent: it wins over later ones. */
  private decidedEnding: Ending | undefined;
  /** The failure behind the latest wait for a reconnect, if any. */
  private retryCause: WsxError | undefined;
  private timeoutHandle: NodeJS.Timeout | undefined;
  private resolveDone!: (outcome: Outcome) => void;
  readonly done: Promise<Outcome> = new Promise((resolve) => (this.resolveDone = resolve));
  private readonly onSigint = () => this.signalled('interrupted');
  private readonly onSigterm = () => this.signalled('terminated');

  /** A session for `options`: its connection opened with the --proto codec, if any (see openSession). */
  static async create(options: Options, io: Io): Promise<LineSession> {
    const diag = new Diagnostics(io.stderr, {
      isQuiet: options.isQuiet,
      isVerbose: options.isVerbose,
      secrets: options.secrets,
    });
    let transcript: TranscriptWriter | undefined;
    const { conn, proto } = await openSession(options.connection, {
      proto: options.proto,
      observe: (c) => (transcript = recordTo(c, options, diag)),
    });
    // Raw frames with --separator are the user's records as typed: the wire frame is what was sent.
    const readSent =
      options.proto && options.proto.name !== 'raw' && (options.isJsonl || options.contract)
        ? await loadSentFrameReader(options.proto.name)
        : undefined;
    return new LineSession(options, io, { conn, proto, diag, transcript, readSent });
  }

  private constructor(
    readonly options: Options,
    readonly io: Io,
    parts: {
      conn: Connection;
      proto: ProtocolSession | undefined;
      diag: Diagnostics;
      transcript: TranscriptWriter | undefined;
      readSent: SentFrameReader | undefined;
    },
  ) {
    this.conn = parts.conn;
    this.proto = parts.proto;
    this.diag = parts.diag;
    this.transcript = parts.transcript;
    this.contract = options.contract
      ? new ContractCheck(options.contract, this.diag, options.secrets)
      : undefined;
    this.out = new LineReporter(options, io.stdout, {
      diag: this.diag,
      contract: this.contract,
      readSent: parts.readSent,
      onStdoutClosed: (err) => void this.end(err ? stdoutFailed(err) : { ended: 'completed' }),
      onPause: () => this.conn.pauseIncoming(),
      onResume: () => this.conn.resumeIncoming(),
    });
  }

  /** Starts connecting; resolves with how the run ended once everything is closed and stdout is flushed. */
  start(hooks: SessionHooks): Promise<Outcome> {
    this.hooks = hooks;
    const { conn, options, proto, out } = this;
    if (proto) {
      proto.on('message', (msg) => this.onProtocolMessage(msg));
      proto.on('ready', ({ detail, isReconnect }) => {
        if (detail) this.diag.info(detail);
        this.hooks.onOpen?.(isReconnect);
      });
      proto.on('note', (text) => this.diag.warn(text));
      proto.on('detail', (text) => this.diag.info(text));
    } else {
      conn.on('message', (msg) => this.onMessage(msg));
    }
    conn.on('state', (change) => this.onState(change));
    conn.on('error', () => {}); // carried by the state change that follows; see onState
    conn.on('dropped', ({ msg, why }) => {
      out.dropped(msg, why);
      if (this.phase.isAfterInput) setImmediate(() => this.endIfNothingToSend());
    });
    if (options.isJsonl || this.contract) conn.on('sent', (msg) => out.sent(msg));
    if (options.isJsonl) {
      conn.on('ping', () => out.ping());
      conn.on('pong', ({ rttMs }) => out.pong(rttMs));
    }
    conn.on('handshake', (info) => out.handshake(info, proto !== undefined));
    conn.on('redirect', ({ from, to }) => this.diag.info(`redirected from ${from} to ${to}`));
    process.on('SIGINT', this.onSigint);
    process.on('SIGTERM', this.onSigterm);
    if (options.timeoutMs !== undefined) {
      this.timeoutHandle = setTimeout(() => {
        void this.end({
          ended: 'timed-out',
          message: this.hooks.describeTimeout?.() ?? `timed out after ${formatDuration(options.timeoutMs!)}`,
        });
      }, options.timeoutMs);
    }
    if (options.connection.proxyLabel) this.diag.info(`via proxy ${options.connection.proxyLabel}`);
    if (options.isInsecure)
      this.diag.warn('TLS certificate verification is off (-k): the connection can be intercepted');
    conn.start();
    return this.done;
  }

  /**
   * No more input: once the socket is open and every queued message is written, wait for replies until
   * --wait passes with no message, then close normally.
   */
  async inputEnded(): Promise<void> {
    this.noMoreInput();
    const isOpen = await this.opened();
    if (!isOpen || this.phase.isEnding) return;
    const isFlushed = await this.conn.flushed();
    if (isFlushed && this.phase.moveTo('lingering')) this.restartLinger();
  }

  /**
   * Ends the run (the first call decides how): stops input and timers, closes with 1000, flushes stdout,
   * then resolves `done` with `ending` and the run's counts. Prints no verdict: the caller does.
   */
  async end(ending: Ending): Promise<void> {
    if (!this.phase.moveTo('ending')) return;
    // A signal still wins: the user asked to stop now.
    if (this.decidedEnding && ending.ended !== 'interrupted' && ending.ended !== 'terminated')
      ending = this.decidedEnding;
    this.cancelLinger?.();
    clearTimeout(this.timeoutHandle);
    this.hooks.stopInput?.();
    await this.conn.close(1000);
    this.transcript?.close();
    ending = this.afterClose(ending);
    const { counters, hasOpened } = this.conn.snapshot();
    await this.out.flush();
    ending = this.afterFlush(ending);
    this.contract?.writeReport();
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
    this.phase.moveTo('ended');
    // With --proto, opened means the protocol's opening finished; its refusals name the server themselves.
    const isProtoFailure = ending.ended === 'failed' && ending.error === this.proto?.failure;
    this.resolveDone({
      ...ending,
      ...(isProtoFailure ? {} : { url: this.options.displayUrl }),
      hasOpened: this.proto ? this.proto.hasBeenReady : hasOpened,
      delivery: {
        // Lines a codec held for its protocol's opening and never sent are the user's drops too.
        dropped: counters.dropped + (this.proto?.droppedInputs ?? 0),
        unconfirmed: counters.unconfirmed,
        sent: counters.sent,
        received: counters.received,
        reconnects: counters.reconnects,
      },
      ...(this.options.dropAfterMs !== undefined ? { dropAfterMs: this.options.dropAfterMs } : {}),
    });
  }

  /** What the closed connection says about a run that was to complete. */
  private afterClose(ending: Ending): Ending {
    // The first failure wins over our close: ws had already failed the connection (1007, 1009...).
    const failure = this.closedChange?.error;
    if (ending.ended === 'completed' && failure && !this.isClosedAfterError)
      return { ended: 'failed', error: failure };
    // An error answer is a request that failed: a pipe that got one must not report success. (A script's
    // expectations decide for themselves: an error may be what they wait for.)
    if (ending.ended === 'completed' && this.errorAnswers > 0) {
      const requests = this.errorAnswers === 1 ? '1 request' : `${this.errorAnswers} requests`;
      return { ended: 'unmet', message: `the server answered ${requests} with an error` };
    }
    return ending;
  }

  /** What stdout and the --asyncapi contract say about a run that was to succeed. */
  private afterFlush(ending: Ending): Ending {
    if (ending.ended !== 'completed' && ending.ended !== 'expectations-met') return ending;
    // stdout failed while closing (--count reached, expectations met): what was received is lost, so the
    // run did not succeed. It used to exit 0 with `-x hi --count 1 > /dev/full`.
    const stdoutFailure = this.out.stdoutFailure;
    if (stdoutFailure) return stdoutFailed(stdoutFailure);
    // Messages that broke the --asyncapi contract fail a run that would otherwise succeed (exit 7).
    return this.contract?.ending() ?? ending;
  }

  /**
   * Ends the run as `ending` once everything sent so far is written and its replies are in, exactly as at
   * the end of input (--wait; with --wait forever, once written). The connection closing first, --count or
   * --timeout end it sooner; `ending` still decides. For input refused midway: what came before it is
   * delivered, and the replies to it reach stdout (they were lost when the run closed right after writing).
   */
  async endAfterFlush(ending: Ending): Promise<void> {
    if (this.phase.isEnding || this.decidedEnding) return;
    this.decidedEnding = ending;
    if (this.options.waitMs !== Infinity) return this.inputEnded();
    // No more input comes either: with --reconnect and nothing queued, there is nothing to wait for.
    this.noMoreInput();
    if (await this.opened()) await this.conn.flushed();
    void this.end(ending);
  }

  /**
   * Called once input has ended: while the connection waits to reconnect with nothing queued,
   * there is nothing to reconnect for, so the run ends, failed by what broke the last socket. With
   * messages queued it keeps retrying until they are sent, dropped (--drop-after), or --timeout passes.
   */
  private noMoreInput(): void {
    this.phase.moveTo('draining');
    this.endIfNothingToSend();
  }

  private endIfNothingToSend(): void {
    if (!this.phase.isAfterInput) return;
    const snap = this.conn.snapshot();
    if (snap.state !== 'waiting' || snap.counters.queued > 0) return;
    void this.end(this.retryCause ? { ended: 'failed', error: this.retryCause } : { ended: 'completed' });
  }

  /**
   * Sends one line the user gave (stdin or -x): as it is, or through the --proto codec. Returns false when
   * the queue is full. Throws InputError for a line the protocol cannot send: the caller decides, as for
   * any input it cannot send (pipe mode stops there and exits 1; a skipped line used to let it exit 0).
   */
  sendLine(data: string | Buffer, opts: SendOptions = {}): boolean {
    if (!this.proto) return this.conn.send(data, opts);
    return this.proto.input(data.toString());
  }

  /**
   * Resolves true when a socket is open (now or later), false if the connection closes first. With --proto,
   * open means the protocol's opening is done too (Socket.IO CONNECT answered, graphql-ws acknowledged).
   */
  private opened(): Promise<boolean> {
    const { proto, conn } = this;
    if (conn.currentState === 'closed') return Promise.resolve(false);
    if (proto ? proto.isReady : conn.currentState === 'open') return Promise.resolve(true);
    return new Promise((resolve) => {
      const settle = (isOpen: boolean) => {
        conn.off('state', onState);
        proto?.off('ready', onReady);
        resolve(isOpen);
      };
      const onState = (change: StateChange) => {
        if (change.to === 'closed') settle(false);
        else if (change.to === 'open' && !proto) settle(true);
      };
      const onReady = () => settle(true);
      conn.on('state', onState);
      proto?.on('ready', onReady);
    });
  }

  /**
   * Ends the run once --wait passes in silence. Silence is measured in data bytes on the wire, not
   * messages (a long message still arriving is not silence) and not keep-alive (pings, pongs, a protocol's
   * heart-beat: with them counted, a server pinging every second kept a pipe alive for ever), and not
   * while wsx itself stopped reading because stdout is slow: each check that sees data bytes
   * or a pause waits another --wait.
   */
  private restartLinger(): void {
    if (this.phase.current !== 'lingering') return;
    this.cancelLinger?.();
    const waitMs = this.options.waitMs;
    // Checked a few times per window, so the run ends within a quarter window of the last byte's --wait
    // instead of up to two whole windows after it (measured: ~2 s over the floor echoing 50k lines).
    const stepMs = Math.max(10, Math.min(waitMs, waitMs / 4));
    let seen = this.conn.snapshot();
    let quietSince = Date.now();
    const check = () => {
      const now = this.conn.snapshot();
      const isQuiet =
        now.counters.dataBytesReceived === seen.counters.dataBytesReceived &&
        !seen.isIncomingPaused &&
        !now.isIncomingPaused;
      seen = now;
      if (!isQuiet) quietSince = Date.now();
      else if (Date.now() - quietSince >= waitMs) {
        void this.end({ ended: 'completed' });
        return;
      }
      handle = setTimeout(check, stepMs);
    };
    let handle = setTimeout(check, waitMs === 0 ? 0 : stepMs);
    this.cancelLinger = () => clearTimeout(handle);
  }

  /**
   * A message decoded by the --proto codec. While the run is ending it is still printed (see Phase), but
   * no longer counted towards --count or handed to the hooks.
   */
  private onProtocolMessage(msg: ProtocolMessage): void {
    // The raw codec (--separator) hands binary frames through whole: shown as any binary frame is.
    if (msg.binary) return this.onMessage(msg.frame);
    if (this.hasCountBeenReached()) return;
    this.out.receivedProtocol(msg);
    this.isLatestAnError = msg.isError === true;
    if (msg.isError && msg.kind !== 'complete') this.errorAnswers++;
    if (msg.kind === 'complete') return;
    this.received++;
    this.afterReceived(msg.text, msg.isError === true);
  }

  private onMessage(msg: Incoming): void {
    if (this.hasCountBeenReached()) return;
    this.received++;
    this.out.received(msg);
    this.afterReceived(msg.isBinary ? undefined : msg.data.toString('utf8'), false);
  }

  /** A message was shown: the mode hears of it (text only), then --count may end the run. */
  private afterReceived(text: string | undefined, isError: boolean): void {
    if (this.phase.isEnding) return;
    if (text !== undefined) this.hooks.onText?.(text, isError);
    if (this.phase.isEnding) return;
    if (this.hasCountBeenReached()) void this.end(this.hooks.onCountReached?.() ?? { ended: 'completed' });
  }

  /** --count messages were printed: the ones after them are not, even while closing. */
  private hasCountBeenReached(): boolean {
    return this.options.count !== undefined && this.received >= this.options.count;
  }

  private onState(change: StateChange): void {
    if (change.to === 'open') {
      const snap = this.conn.snapshot();
      const isReconnect = snap.counters.reconnects > 0;
      // The endpoint actually opened (--proto socketio adds /socket.io/?EIO=4…), masked like the URL typed.
      const url = this.proto ? maskSecrets(this.conn.url, this.options.secrets) : this.options.displayUrl;
      this.out.opened(url, snap.protocol, isReconnect);
      // With --proto, "open" for the hooks is the protocol's ready (see start).
      if (!this.proto) this.hooks.onOpen?.(isReconnect);
    } else if (change.to === 'waiting') {
      // The protocol refused us: the connection is closing for good, whatever the retry policy says.
      if (this.proto?.failure) return;
      this.retryCause = change.error;
      // After this listener returns, the connection arms its retry timer; decide once that is done.
      if (this.phase.isAfterInput) setImmediate(() => this.endIfNothingToSend());
      this.out.waiting(change);
    } else if (change.to === 'closed') {
      this.closedChange = change;
      this.out.closed(change);
      if (!this.phase.isEnding) this.peerEnded(change);
    }
  }

  /** The server or a failure closed the connection before the run decided to end. */
  private peerEnded(change: StateChange): void {
    // A protocol's refusal comes first (exit 3 before it was ready).
    const err = this.proto?.failure ?? change.error;
    // A STOMP server closes the socket after its ERROR frame (often with no close code): the run reports
    // that error answer (exit 4 with the other error answers), not the close it brought (exit 5).
    this.isClosedAfterError =
      err !== undefined && err === change.error && err.kind === 'closed-by-peer' && this.isLatestAnError;
    if (err && !this.isClosedAfterError) {
      void this.end({ ended: 'failed', error: err });
      return;
    }
    this.diag.info(change.reason);
    void this.end(this.hooks.onPeerClosed?.(change) ?? { ended: 'completed' });
  }

  private signalled(ended: 'interrupted' | 'terminated'): void {
    if (this.phase.isEnding) {
      // A second Ctrl+C while closing: the user wants out now.
      process.exit(verdictFor({ ended }).code);
    }
    void this.end({ ended });
  }
}

/** The ending for a stdout that failed (a full disk, a closed file): what was received is lost. */
function stdoutFailed(err: NodeJS.ErrnoException): Ending {
  return { ended: 'local-error', message: `cannot write to stdout: ${err.code ?? err.message}`, error: err };
}

/** --record FILE: the wire frames as a transcript, attached before the protocol session (see openSession). */
function recordTo(conn: Connection, options: Options, diag: Diagnostics): TranscriptWriter | undefined {
  if (options.recordFile === undefined) return undefined;
  const transcript = new TranscriptWriter(options.recordFile, {
    displayUrl: options.displayUrl,
    secrets: options.secrets,
    ...(options.proto ? { proto: options.proto.name } : {}),
    onWriteError: (message) => diag.warn(message),
  });
  transcript.attach(conn);
  return transcript;
}
