// What pipe and script mode share: a Connection wired to stdout and stderr, and the rules for when a run ends.

import type { Writable } from 'node:stream';
import { Connection } from '../core/connection.js';
import { WsxError } from '../core/errors.js';
import type { Incoming, StateChange } from '../core/events.js';
import { ExitCode, exitCodeFor } from '../outcome.js';
import type { Options } from '../options.js';
import { formatDuration } from '../text/duration.js';
import { Diagnostics } from './diagnostics.js';
import { describeHandshake, negotiationNotes } from './handshake-view.js';
import { StdoutSink } from './stdout-sink.js';

export interface Io {
  stdin: NodeJS.ReadStream;
  stdout: Writable;
  stderr: Writable;
}

export interface SessionHooks {
  /** Each text message, decoded. */
  onText?(text: string): void;
  /** Each time a socket opens (the first time and after every reconnect). */
  onOpen?(isReconnect: boolean): void;
  /** The exit code and message for a run the server ended cleanly (default: 0, no message). */
  onPeerClosed?(change: StateChange): { code: number; message?: string } | undefined;
  /** The verdict when --count messages have arrived (default: 0). */
  onCountReached?(): { code: number; message?: string };
  /** The message for --timeout (default "timed out after …"). */
  describeTimeout?(): string;
  /** Stop reading input: called once when the run ends. */
  stopInput?(): void;
}

const NL = Buffer.from('\n');
const NUL = Buffer.from('\0');

export class LineSession {
  readonly conn: Connection;
  readonly diag: Diagnostics;
  private readonly sink: StdoutSink;
  private readonly delimiter: Buffer;
  private hooks: SessionHooks = {};
  private received = 0;
  private isEnding = false;
  private cancelLinger: (() => void) | undefined;
  /** Input has ended and everything was written: replies are awaited until --wait passes in silence. */
  private isLingering = false;
  /**
   * Ended by --wait after input ended: replies the server sent before its Close frame still reach stdout
   * while the closing handshake runs (issue 14: with --wait 0, most replies of a fast pipe came after ours).
   */
  private isPrintingUntilClosed = false;
  /** The connection's final state change, once it came: it carries the failure that ended it, if any. */
  private closedChange: StateChange | undefined;
  private timeoutHandle: NodeJS.Timeout | undefined;
  private resolveDone!: (code: number) => void;
  readonly done: Promise<number> = new Promise((resolve) => (this.resolveDone = resolve));
  private readonly onSigint = () => this.signalled(ExitCode.interrupted);
  private readonly onSigterm = () => this.signalled(ExitCode.terminated);

  constructor(
    readonly options: Options,
    readonly io: Io,
  ) {
    this.diag = new Diagnostics(io.stderr, {
      isQuiet: options.isQuiet,
      isVerbose: options.isVerbose,
      secrets: options.secrets,
    });
    this.conn = new Connection(options.connection);
    this.delimiter = options.delimiter === 'null' ? NUL : NL;
    this.sink = new StdoutSink(io.stdout, {
      onClosed: (err) => {
        if (err) void this.end(ExitCode.runtime, `cannot write to stdout: ${err.code ?? err.message}`);
        else void this.end(ExitCode.ok);
      },
      onPause: () => this.conn.pauseIncoming(),
      onResume: () => this.conn.resumeIncoming(),
    });
  }

  /** Starts connecting; resolves with the exit code once everything is closed and stdout is flushed. */
  start(hooks: SessionHooks): Promise<number> {
    this.hooks = hooks;
    const { conn, options } = this;
    conn.on('message', (msg) => this.onMessage(msg));
    conn.on('state', (change) => this.onState(change));
    conn.on('error', () => {}); // carried by the state change that follows; see onState
    conn.on('dropped', ({ msg, why }) => {
      if (options.isJsonl) this.event('drop', { why, ...this.frame(msg.data, msg.isBinary) });
    });
    if (options.isJsonl) {
      conn.on('sent', (msg) => this.event('send', this.frame(msg.data, msg.isBinary)));
      conn.on('ping', () => this.event('ping', {}));
      conn.on('pong', ({ rttMs }) => this.event('pong', { rtt_ms: rttMs ?? null }));
    }
    conn.on('handshake', (info) => {
      if (options.showHandshake) this.diag.block(describeHandshake(info, options.secretHeaders));
      const offered = {
        protocols: options.connection.protocols ?? [],
        compress: options.connection.compress === true,
      };
      for (const note of negotiationNotes(info, offered)) this.diag.note(note);
    });
    conn.on('redirect', ({ from, to }) => this.diag.info(`redirected from ${from} to ${to}`));
    process.on('SIGINT', this.onSigint);
    process.on('SIGTERM', this.onSigterm);
    if (options.timeoutMs !== undefined) {
      this.timeoutHandle = setTimeout(() => {
        void this.end(
          ExitCode.expectation,
          this.hooks.describeTimeout?.() ?? `timed out after ${formatDuration(options.timeoutMs!)}`,
        );
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
    const isOpen = await this.opened();
    if (!isOpen || this.isEnding) return;
    const isFlushed = await this.conn.flushed();
    if (!isFlushed || this.isEnding) return;
    this.isLingering = true;
    this.restartLinger();
  }

  /** Ends the run: stops input and timers, closes with 1000, flushes stdout, then resolves `done`. */
  async end(code: number, message?: string, err?: WsxError): Promise<void> {
    if (this.isEnding) return;
    this.isEnding = true;
    if (message) this.diag.error(message, err);
    this.cancelLinger?.();
    clearTimeout(this.timeoutHandle);
    this.hooks.stopInput?.();
    await this.conn.close(1000);
    // The first failure wins over our close: ws had already failed the connection (1007, 1009...).
    const failure = this.closedChange?.error;
    if (code === ExitCode.ok && failure) {
      const outcome = this.failureOutcome(failure);
      code = outcome.code;
      this.diag.error(outcome.what, failure);
    }
    this.summarise();
    await this.sink.flush();
    process.off('SIGINT', this.onSigint);
    process.off('SIGTERM', this.onSigterm);
    this.resolveDone(code);
  }

  /** Resolves true when a socket is open (now or later), false if the connection closes first. */
  private opened(): Promise<boolean> {
    const state = this.conn.currentState;
    if (state === 'open') return Promise.resolve(true);
    if (state === 'closed') return Promise.resolve(false);
    return new Promise((resolve) => {
      const onState = (change: StateChange) => {
        if (change.to !== 'open' && change.to !== 'closed') return;
        this.conn.off('state', onState);
        resolve(change.to === 'open');
      };
      this.conn.on('state', onState);
    });
  }

  /**
   * Ends the run once --wait passes in silence. Silence is measured in bytes on the wire, not messages (a
   * long message still arriving is not silence), and not while wsx itself stopped reading because stdout
   * is slow (issue 15): each check that sees bytes or a pause waits another --wait.
   */
  private restartLinger(): void {
    if (!this.isLingering || this.isEnding) return;
    this.cancelLinger?.();
    const before = this.conn.snapshot();
    const handle = setTimeout(() => {
      const now = this.conn.snapshot();
      const isSilent =
        now.counters.wireBytesReceived === before.counters.wireBytesReceived &&
        !before.isIncomingPaused &&
        !now.isIncomingPaused;
      if (isSilent) {
        this.isPrintingUntilClosed = true;
        void this.end(ExitCode.ok);
      } else this.restartLinger();
    }, this.options.waitMs);
    this.cancelLinger = () => clearTimeout(handle);
  }

  private onMessage(msg: Incoming): void {
    if (this.isEnding && !this.isPrintingUntilClosed) return;
    this.received++;
    const { options } = this;
    if (options.isJsonl) {
      this.event('recv', this.frame(msg.data, msg.isBinary));
    } else if (!msg.isBinary) {
      this.sink.write(msg.data);
      this.sink.write(this.delimiter);
    } else if (options.binaryOut === 'raw') {
      this.sink.write(msg.data);
    } else {
      this.sink.write(msg.data.toString(options.binaryOut === 'hex' ? 'hex' : 'base64'));
      this.sink.write(this.delimiter);
    }
    if (this.isEnding) return;
    if (!msg.isBinary) this.hooks.onText?.(msg.data.toString('utf8'));
    if (this.isEnding) return;
    if (options.count !== undefined && this.received >= options.count) {
      const verdict = this.hooks.onCountReached?.() ?? { code: ExitCode.ok };
      void this.end(verdict.code, verdict.message);
    }
  }

  private onState(change: StateChange): void {
    const { options } = this;
    if (change.to === 'open') {
      const snap = this.conn.snapshot();
      const isReconnect = snap.counters.reconnects > 0;
      if (isReconnect) this.diag.warn(`reconnected to ${this.conn.url}`);
      else this.diag.info(`connected to ${this.conn.url}`);
      if (options.isJsonl)
        this.event('open', { url: this.conn.url, protocol: snap.protocol, reconnect: isReconnect });
      this.hooks.onOpen?.(isReconnect);
    } else if (change.to === 'waiting') {
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
      // The server or a failure ended the run.
      const err = change.error;
      if (err) {
        const { code, what } = this.failureOutcome(err);
        void this.end(code, what, err);
        return;
      }
      const verdict = this.hooks.onPeerClosed?.(change);
      this.diag.info(change.reason);
      void this.end(verdict?.code ?? ExitCode.ok, verdict?.message);
    }
  }

  /** The exit code and the stderr line for a failure that ended the connection. */
  private failureOutcome(err: WsxError): { code: number; what: string } {
    const hasOpened = this.conn.snapshot().hasOpened;
    const what =
      err.kind === 'closed-by-peer'
        ? err.describe()
        : hasOpened
          ? `connection to ${this.conn.url} lost: ${err.describe()}`
          : `cannot connect to ${this.conn.url}: ${err.describe()}`;
    return { code: exitCodeFor(err, hasOpened), what };
  }

  private signalled(code: number): void {
    if (this.isEnding) {
      // A second Ctrl+C while closing: the user wants out now.
      process.exit(code);
    }
    void this.end(code);
  }

  private summarise(): void {
    const { counters } = this.conn.snapshot();
    if (counters.dropped > 0) {
      const why =
        this.options.dropAfterMs !== undefined
          ? `not sent within ${formatDuration(this.options.dropAfterMs)} or still queued at close`
          : 'still queued when the connection closed';
      this.diag.error(`${counters.dropped} message${counters.dropped === 1 ? '' : 's'} dropped (${why})`);
    }
    if (counters.unconfirmed > 0) {
      this.diag.error(
        `${counters.unconfirmed} message${counters.unconfirmed === 1 ? ' was' : 's were'} being written when the connection dropped; delivery unconfirmed`,
      );
    }
    this.diag.info(
      `sent ${counters.sent}, received ${counters.received}, dropped ${counters.dropped}, reconnects ${counters.reconnects}`,
    );
  }

  /** A message's --jsonl fields: its type, and its data as text or in the --binary-out encoding. */
  private frame(data: string | Buffer, isBinary: boolean): { type: 'binary' | 'text'; data: string } {
    if (typeof data === 'string') return { type: isBinary ? 'binary' : 'text', data };
    return isBinary
      ? { type: 'binary', data: data.toString(this.options.binaryOut === 'hex' ? 'hex' : 'base64') }
      : { type: 'text', data: data.toString('utf8') };
  }

  private event(event: string, fields: Record<string, unknown>): void {
    this.sink.write(`${JSON.stringify({ t: new Date().toISOString(), event, ...fields })}\n`);
  }
}
