// What pipe and script mode share: a Connection wired to stdout and stderr, and the rules for when a run ends.

import type { Writable } from 'node:stream';
import { Connection, type SendOptions } from '../core/connection.js';
import type { WsxError } from '../core/errors.js';
import type { Incoming, Outgoing, StateChange } from '../core/events.js';
import { verdictFor, type Ending, type Outcome } from '../outcome.js';
import type { Codec, ProtocolMessage } from '../protocols/codec.js';
import { loadCodec } from '../protocols/index.js';
import { loadSentFrameReader, type SentFrameReader } from '../protocols/sent-frames.js';
import { ProtocolSession } from '../protocols/session.js';
import type { Options } from '../options.js';
import { formatDuration } from '../text/duration.js';
import { maskSecrets } from '../text/mask.js';
import { preview } from '../text/sanitize.js';
import { ContractCheck, type ContractField } from './contract-check.js';
import { Diagnostics } from './diagnostics.js';
import { describeHandshake, negotiationNotes } from './handshake-view.js';
import { JsonlWriter } from './jsonl.js';
import { formatMessage, type MessageOutputFormat } from './message-output.js';
import { StdoutSink } from './stdout-sink.js';
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

const NL = Buffer.from('\n');
const NUL = Buffer.from('\0');

export class LineSession {
  readonly conn: Connection;
  /** The --proto codec over `conn`; undefined for raw WebSocket (frames pass through untouched). */
  readonly proto: ProtocolSession | undefined;
  readonly diag: Diagnostics;
  private readonly sink: StdoutSink;
  private readonly jsonl: JsonlWriter;
  private readonly output: MessageOutputFormat;
  /** --asyncapi: every text message sent and received is checked against the document. */
  private readonly contract: ContractCheck | undefined;
  /** --record FILE: the wire frames as a transcript, beside stdout (which it does not change). */
  private readonly transcript: TranscriptWriter | undefined;
  private hooks: SessionHooks = {};
  /** --jsonl with --proto: what each sent frame is to the user (the protocol's own frames are not shown). */
  private readSent: SentFrameReader | undefined;
  private received = 0;
  /** --proto error answers received: a run that would otherwise complete fails with 4. */
  private errorAnswers = 0;
  /** The latest decoded message was an error answer: a close that follows it is that error's doing. */
  private isLatestAnError = false;
  /** The server closed right after an error answer (STOMP's ERROR frame is followed by a close). */
  private isClosedAfterError = false;
  private isEnding = false;
  private cancelLinger: (() => void) | undefined;
  /** Input has ended and everything was written: replies are awaited until --wait passes in silence. */
  private isLingering = false;
  /**
   * Replies the server sent before its Close frame still reach stdout while the closing handshake runs
   * (with --wait 0, most replies of a fast pipe came after our Close; on SIGTERM during a flood, 10% of
   * the messages counted as received were missing from stdout). --count still caps what is printed.
   */
  private isPrintingUntilClosed = false;
  /** The connection's final state change, once it came: it carries the failure that ended it, if any. */
  private closedChange: StateChange | undefined;
  /** No more input will come (inputEnded was called), whether or not it has all been written. */
  private hasInputEnded = false;
  /** A failure already decided while what came before it is still being sent: it wins over later ones. */
  private decidedEnding: Ending | undefined;
  /** The failure behind the latest wait for a reconnect, if any. */
  private retryCause: WsxError | undefined;
  private timeoutHandle: NodeJS.Timeout | undefined;
  private resolveDone!: (outcome: Outcome) => void;
  readonly done: Promise<Outcome> = new Promise((resolve) => (this.resolveDone = resolve));
  private readonly onSigint = () => this.signalled('interrupted');
  private readonly onSigterm = () => this.signalled('terminated');

  /** A session for `options`, with its --proto codec loaded first (see LineSession's constructor). */
  static async create(options: Options, io: Io): Promise<LineSession> {
    const codec = options.proto ? await loadCodec(options.proto.name, options.proto) : undefined;
    const session = new LineSession(options, io, codec);
    // Raw frames with --separator are the user's records as typed: the wire frame is what was sent.
    if (options.proto && options.proto.name !== 'raw' && (options.isJsonl || options.contract))
      session.readSent = await loadSentFrameReader(options.proto.name);
    return session;
  }

  constructor(
    readonly options: Options,
    readonly io: Io,
    codec?: Codec,
  ) {
    this.diag = new Diagnostics(io.stderr, {
      isQuiet: options.isQuiet,
      isVerbose: options.isVerbose,
      secrets: options.secrets,
    });
    this.contract = options.contract
      ? new ContractCheck(options.contract, this.diag, options.secrets)
      : undefined;
    if (codec) {
      const c = options.connection;
      const target = codec.target(c.url, c.protocols ?? []);
      this.conn = new Connection({ ...c, url: target.url, protocols: target.protocols });
      this.transcript = this.recordTo(options);
      // Before any other listener but the transcript's: its verdict on a closing socket must be known when onState runs.
      this.proto = new ProtocolSession(this.conn, codec, undefined, c.handshakeTimeoutMs);
    } else {
      this.conn = new Connection(options.connection);
      this.transcript = this.recordTo(options);
    }
    const isTerminal = (io.stdout as Partial<NodeJS.WriteStream>).isTTY === true;
    this.output = {
      binaryOut: options.binaryOut,
      delimiter: options.delimiter === 'null' ? NUL : NL,
      isTerminal,
    };
    this.jsonl = new JsonlWriter((line) => this.sink.write(line), isTerminal, options.secrets);
    this.sink = new StdoutSink(io.stdout, {
      onClosed: (err) => {
        if (err)
          void this.end({
            ended: 'local-error',
            message: `cannot write to stdout: ${err.code ?? err.message}`,
            error: err,
          });
        else void this.end({ ended: 'completed' });
      },
      onPause: () => this.conn.pauseIncoming(),
      onResume: () => this.conn.resumeIncoming(),
    });
  }

  /**
   * --record FILE: attached before the protocol session, whose answers (Socket.IO's CONNECT, the messages
   * it held until then) go out from inside its message listener: a later listener recorded a reply
   * before the frame that caused it, and a replay of that waited forever.
   */
  private recordTo(options: Options): TranscriptWriter | undefined {
    if (options.recordFile === undefined) return undefined;
    const transcript = new TranscriptWriter(options.recordFile, {
      displayUrl: options.displayUrl,
      secrets: options.secrets,
      onWriteError: (message) => this.diag.warn(message),
    });
    transcript.attach(this.conn);
    return transcript;
  }

  /** Starts connecting; resolves with how the run ended once everything is closed and stdout is flushed. */
  start(hooks: SessionHooks): Promise<Outcome> {
    this.hooks = hooks;
    const { conn, options } = this;
    const { proto } = this;
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
      if (options.isJsonl) this.event('drop', { why, ...this.frame(msg.data, msg.isBinary) });
      if (this.hasInputEnded) setImmediate(() => this.endIfNothingToSend());
    });
    if (options.isJsonl || this.contract) conn.on('sent', (msg) => this.onSent(msg));
    if (options.isJsonl) {
      conn.on('ping', () => this.event('ping', {}));
      conn.on('pong', ({ rttMs }) => this.event('pong', { rtt_ms: rttMs ?? null }));
    }
    conn.on('handshake', (info) => {
      if (options.showHandshake) this.diag.block(describeHandshake(info, options.secretHeaders));
      const offered = {
        protocols: options.connection.protocols ?? [],
        compress: options.connection.compress === true,
      };
      // A subprotocol that --proto offered (graphql-transport-ws) is no news; one the user offered with -s is.
      const isProtoChoice = this.proto !== undefined && offered.protocols.length === 0;
      for (const note of negotiationNotes(isProtoChoice ? { ...info, protocol: '' } : info, offered))
        this.diag.note(note);
    });
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
    if (!isOpen || this.isEnding) return;
    const isFlushed = await this.conn.flushed();
    if (!isFlushed || this.isEnding) return;
    this.isLingering = true;
    this.restartLinger();
  }

  /**
   * Ends the run (the first call decides how): stops input and timers, closes with 1000, flushes stdout,
   * then resolves `done` with `ending` and the run's counts. Prints no verdict: the caller does.
   */
  async end(ending: Ending): Promise<void> {
    if (this.isEnding) return;
    this.isEnding = true;
    this.isPrintingUntilClosed = true;
    // A signal still wins: the user asked to stop now.
    if (this.decidedEnding && ending.ended !== 'interrupted' && ending.ended !== 'terminated')
      ending = this.decidedEnding;
    this.cancelLinger?.();
    clearTimeout(this.timeoutHandle);
    this.hooks.stopInput?.();
    await this.conn.close(1000);
    this.transcript?.close();
    // The first failure wins over our close: ws had already failed the connection (1007, 1009...).
    const failure = this.closedChange?.error;
    if (ending.ended === 'completed' && failure && !this.isClosedAfterError)
      ending = { ended: 'failed', error: failure };
    // An error answer is a request that failed: a pipe that got one must not report success. (A script's
    // expectations decide for themselves: an error may be what they wait for.)
    if (ending.ended === 'completed' && this.errorAnswers > 0) {
      const requests = this.errorAnswers === 1 ? '1 request' : `${this.errorAnswers} requests`;
      ending = { ended: 'unmet', message: `the server answered ${requests} with an error` };
    }
    const snap = this.conn.snapshot();
    const { counters } = snap;
    await this.sink.flush();
    // stdout failed while closing (--count reached, expectations met): what was received is lost, so the
    // run did not succeed. It used to exit 0 with `-x hi --count 1 > /dev/full`.
    const stdoutFailure = this.sink.failure;
    if (stdoutFailure && (ending.ended === 'completed' || ending.ended === 'expectations-met'))
      ending = {
        ended: 'local-error',
        message: `cannot write to stdout: ${stdoutFailure.code ?? stdoutFailure.message}`,
        error: stdoutFailure,
      };
    // Messages that broke the --asyncapi contract fail a run that would otherwise succeed (exit 7).
    if (ending.ended === 'completed' || ending.ended === 'expectations-met')
      ending = this.contract?.ending() ?? ending;
    this.contract?.writeReport();
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
    // With --proto, opened means the protocol's opening finished; its refusals name the server themselves.
    const isProtoFailure = ending.ended === 'failed' && ending.error === this.proto?.failure;
    this.resolveDone({
      ...ending,
      ...(isProtoFailure ? {} : { url: this.options.displayUrl }),
      hasOpened: this.proto ? this.proto.hasBeenReady : snap.hasOpened,
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

  /**
   * Ends the run as `ending` once everything sent so far is written and its replies are in, exactly as at
   * the end of input (--wait; with --wait forever, once written). The connection closing first, --count or
   * --timeout end it sooner; `ending` still decides. For input refused midway: what came before it is
   * delivered, and the replies to it reach stdout (they were lost when the run closed right after writing).
   */
  async endAfterFlush(ending: Ending): Promise<void> {
    if (this.isEnding || this.decidedEnding) return;
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
    this.hasInputEnded = true;
    this.endIfNothingToSend();
  }

  private endIfNothingToSend(): void {
    if (!this.hasInputEnded || this.isEnding) return;
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
    if (!this.isLingering || this.isEnding) return;
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
        this.isPrintingUntilClosed = true;
        void this.end({ ended: 'completed' });
        return;
      }
      handle = setTimeout(check, stepMs);
    };
    let handle = setTimeout(check, waitMs === 0 ? 0 : stepMs);
    this.cancelLinger = () => clearTimeout(handle);
  }

  /**
   * A message decoded by the --proto codec: its JSON on one stdout line (--jsonl adds kind, id, rtt_ms).
   * A graphql-ws `complete` is a note on stderr, not data; JSON-RPC error responses also get one.
   */
  private onProtocolMessage(msg: ProtocolMessage): void {
    // The raw codec (--separator) hands binary frames through whole: printed as any binary frame is.
    if (msg.binary) return this.onMessage(msg.frame);
    if ((this.isEnding && !this.isPrintingUntilClosed) || this.hasCountBeenReached()) return;
    const { options } = this;
    const isData = msg.kind !== 'complete';
    const checked = isData ? this.checked('received', msg.text) : {};
    if (options.isJsonl) {
      this.event(isData ? 'recv' : 'complete', {
        ...(isData ? { type: 'text', data: msg.text, kind: msg.kind } : {}),
        ...(msg.id === undefined ? {} : { id: msg.id }),
        ...(msg.rttMs === undefined ? {} : { rtt_ms: msg.rttMs }),
        wire: this.frame(msg.frame.data, msg.frame.isBinary).data,
        ...checked,
      });
    } else if (isData) {
      for (const chunk of formatMessage(Buffer.from(msg.text), false, this.output)) this.sink.write(chunk);
    }
    this.isLatestAnError = msg.isError === true;
    if (msg.kind === 'complete') this.diag.info(`operation ${msg.id ?? '?'} complete`);
    else if (msg.isError) {
      this.errorAnswers++;
      this.diag.warn(`${msg.id === undefined ? 'error' : `${msg.id} failed`}: ${preview(msg.text, 200)}`);
    }
    if (!isData) return;
    this.received++;
    if (this.isEnding) return;
    this.hooks.onText?.(msg.text, msg.isError === true);
    if (this.isEnding) return;
    if (options.count !== undefined && this.received >= options.count) {
      void this.end(this.hooks.onCountReached?.() ?? { ended: 'completed' });
    }
  }

  private onMessage(msg: Incoming): void {
    if ((this.isEnding && !this.isPrintingUntilClosed) || this.hasCountBeenReached()) return;
    this.received++;
    const { options } = this;
    const checked = msg.isBinary ? {} : this.checked('received', msg.data.toString('utf8'));
    if (options.isJsonl) this.event('recv', { ...this.frame(msg.data, msg.isBinary), ...checked });
    else for (const chunk of formatMessage(msg.data, msg.isBinary, this.output)) this.sink.write(chunk);
    if (this.isEnding) return;
    if (!msg.isBinary) this.hooks.onText?.(msg.data.toString('utf8'), false);
    if (this.isEnding) return;
    if (options.count !== undefined && this.received >= options.count) {
      void this.end(this.hooks.onCountReached?.() ?? { ended: 'completed' });
      return;
    }
  }

  /** A frame written: checked against the contract, and a --jsonl send event. */
  private onSent(msg: Outgoing): void {
    const wire = this.frame(msg.data, msg.isBinary);
    if (!this.readSent) {
      const checked = msg.isBinary ? {} : this.checked('sent', wire.data);
      if (this.options.isJsonl) this.event('send', { ...wire, ...checked });
      return;
    }
    // Decoded like a received message, the frame beside it: sends used to be wire frames only.
    const user = this.readSent(msg.data);
    if (!user) return;
    const checked = this.checked('sent', user.text);
    if (this.options.isJsonl)
      this.event('send', {
        type: 'text',
        data: user.text,
        kind: user.kind,
        ...(user.id === undefined ? {} : { id: user.id }),
        wire: wire.data,
        ...checked,
      });
  }

  /** --asyncapi's verdict on a text message, as the --jsonl field; nothing without a contract. */
  private checked(direction: 'received' | 'sent', text: string): { contract?: ContractField } {
    return this.contract ? { contract: this.contract.check(direction, text) } : {};
  }

  /** --count messages were printed: the ones after them are not, even while closing. */
  private hasCountBeenReached(): boolean {
    return this.options.count !== undefined && this.received >= this.options.count;
  }

  private onState(change: StateChange): void {
    const { options } = this;
    if (change.to === 'open') {
      const snap = this.conn.snapshot();
      const isReconnect = snap.counters.reconnects > 0;
      if (isReconnect) this.diag.warn(`reconnected to ${options.displayUrl}`);
      else this.diag.info(`connected to ${options.displayUrl}`);
      // The endpoint actually opened (--proto socketio adds /socket.io/?EIO=4…), masked like the URL typed.
      if (options.isJsonl)
        this.event('open', {
          url: this.proto ? maskSecrets(this.conn.url, options.secrets) : options.displayUrl,
          protocol: snap.protocol,
          reconnect: isReconnect,
        });
      // With --proto, "open" for the hooks is the protocol's ready (see start).
      if (!this.proto) this.hooks.onOpen?.(isReconnect);
    } else if (change.to === 'waiting') {
      // The protocol refused us: the connection is closing for good, whatever the retry policy says.
      if (this.proto?.failure) return;
      this.retryCause = change.error;
      // After this listener returns, the connection arms its retry timer; decide once that is done.
      if (this.hasInputEnded) setImmediate(() => this.endIfNothingToSend());
      const why = change.error ? change.error.describe() : change.reason;
      this.diag.warn(
        `${why}; reconnecting in ${formatDuration(change.retryInMs ?? 0)} (attempt ${change.attempt + 1})`,
      );
      if (options.isJsonl) {
        if (change.closeCode !== undefined && change.closeCode !== 1006)
          this.event('close', { code: change.closeCode, reason: change.closeReason ?? '' });
        this.event('reconnect', { attempt: change.attempt + 1, retry_in_ms: change.retryInMs, reason: why });
      }
    } else if (change.to === 'closed') {
      this.closedChange = change;
      if (options.isJsonl) {
        if (change.error)
          this.event('error', { kind: change.error.kind, message: this.diag.clean(change.error.describe()) });
        this.event('close', { code: change.closeCode ?? null, reason: change.closeReason ?? '' });
      }
      if (this.isEnding) return;
      // The server or a failure ended the run; a protocol's refusal comes first (exit 3 before it was ready).
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
  }

  private signalled(ended: 'interrupted' | 'terminated'): void {
    if (this.isEnding) {
      // A second Ctrl+C while closing: the user wants out now.
      process.exit(verdictFor({ ended }).code);
    }
    void this.end({ ended });
  }

  /** A message's --jsonl fields: its type, and its data as text or in the --binary-out encoding. */
  private frame(data: string | Buffer, isBinary: boolean): { type: 'binary' | 'text'; data: string } {
    if (typeof data === 'string') return { type: isBinary ? 'binary' : 'text', data };
    return isBinary
      ? { type: 'binary', data: data.toString(this.options.binaryOut === 'hex' ? 'hex' : 'base64') }
      : { type: 'text', data: data.toString('utf8') };
  }

  private event(event: string, fields: Record<string, unknown>): void {
    this.jsonl.event(event, fields);
  }
}
