// What a pipe or script run shows: messages on stdout (as lines or --jsonl events), what happened on stderr.
// It decides nothing about when the run ends: LineSession does, and tells it what happened.

import type { Writable } from 'node:stream';
import type { WsxError } from '../core/errors.js';
import type { HandshakeInfo, Incoming, Outgoing, StateChange } from '../core/events.js';
import type { ProtocolMessage } from '../protocols/codec.js';
import type { SentFrameReader } from '../protocols/sent-frames.js';
import type { Options } from '../options.js';
import { formatDuration } from '../text/duration.js';
import { preview } from '../text/sanitize.js';
import type { ContractCheck, ContractField } from './contract-check.js';
import type { Diagnostics } from './diagnostics.js';
import { describeHandshake, negotiationNotes } from './handshake-view.js';
import { JsonlWriter } from './jsonl.js';
import { formatMessage, type MessageOutputFormat } from './message-output.js';
import { StdoutSink } from './stdout-sink.js';

const NL = Buffer.from('\n');
const NUL = Buffer.from('\0');

export interface LineReporterParts {
  diag: Diagnostics;
  /** --asyncapi: every text message sent and received is checked, its verdict a --jsonl field. */
  contract: ContractCheck | undefined;
  /** --jsonl with --proto: what each sent frame is to the user (the protocol's own frames are not shown). */
  readSent: SentFrameReader | undefined;
  /** stdout is gone: `err` undefined when the reader left (EPIPE), else the write failure. */
  onStdoutClosed: (err: NodeJS.ErrnoException | undefined) => void;
  /** stdout is slow: stop reading the socket until onResume. */
  onPause: () => void;
  onResume: () => void;
}

export class LineReporter {
  readonly diag: Diagnostics;
  private readonly sink: StdoutSink;
  private readonly jsonl: JsonlWriter;
  private readonly output: MessageOutputFormat;
  private readonly contract: ContractCheck | undefined;
  private readonly readSent: SentFrameReader | undefined;

  constructor(
    private readonly options: Options,
    stdout: Writable,
    parts: LineReporterParts,
  ) {
    this.diag = parts.diag;
    this.contract = parts.contract;
    this.readSent = parts.readSent;
    const isTerminal = (stdout as Partial<NodeJS.WriteStream>).isTTY === true;
    this.output = {
      binaryOut: options.binaryOut,
      delimiter: options.delimiter === 'null' ? NUL : NL,
      isTerminal,
    };
    this.jsonl = new JsonlWriter((line) => this.sink.write(line), isTerminal, options.secrets);
    this.sink = new StdoutSink(stdout, {
      onClosed: parts.onStdoutClosed,
      onPause: parts.onPause,
      onResume: parts.onResume,
    });
  }

  /** The write failure that closed stdout (never EPIPE), once there was one. */
  get stdoutFailure(): NodeJS.ErrnoException | undefined {
    return this.sink.failure;
  }

  /** Resolves once everything written so far has left (or stdout is gone). */
  flush(): Promise<void> {
    return this.sink.flush();
  }

  /** A raw WebSocket message: one stdout line, or a --jsonl recv event. */
  received(msg: Incoming): void {
    const checked = msg.isBinary ? {} : this.checked('received', msg.data.toString('utf8'));
    if (this.options.isJsonl) this.event('recv', { ...this.frame(msg.data, msg.isBinary), ...checked });
    else for (const chunk of formatMessage(msg.data, msg.isBinary, this.output)) this.sink.write(chunk);
  }

  /**
   * A message decoded by the --proto codec: its JSON on one stdout line (--jsonl adds kind, id, rtt_ms).
   * A graphql-ws `complete` is a note on stderr, not data; JSON-RPC error responses also get one.
   */
  receivedProtocol(msg: ProtocolMessage): void {
    const isData = msg.kind !== 'complete';
    const checked = isData ? this.checked('received', msg.text, msg.answers) : {};
    if (this.options.isJsonl) {
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
    if (msg.kind === 'complete') this.diag.info(`operation ${msg.id ?? '?'} complete`);
    else if (msg.isError)
      this.diag.warn(`${msg.id === undefined ? 'error' : `${msg.id} failed`}: ${preview(msg.text, 200)}`);
  }

  /** A frame written: checked against the contract, and a --jsonl send event. */
  sent(msg: Outgoing): void {
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

  /** A message that missed its deadline or its connection: a --jsonl drop event (the count is the core's). */
  dropped(msg: Outgoing, why: string): void {
    if (this.options.isJsonl) this.event('drop', { why, ...this.frame(msg.data, msg.isBinary) });
  }

  ping(): void {
    this.event('ping', {});
  }

  pong(rttMs: number | undefined): void {
    this.event('pong', { rtt_ms: rttMs ?? null });
  }

  /** --show-handshake's block, and what the server did with what was offered (a subprotocol, compression). */
  handshake(info: HandshakeInfo, hasProto: boolean): void {
    const { options } = this;
    if (options.showHandshake) this.diag.block(describeHandshake(info, options.secretHeaders));
    const offered = {
      protocols: options.connection.protocols ?? [],
      compress: options.connection.compress === true,
    };
    // A subprotocol that --proto offered (graphql-transport-ws) is no news; one the user offered with -s is.
    const isProtoChoice = hasProto && offered.protocols.length === 0;
    for (const note of negotiationNotes(isProtoChoice ? { ...info, protocol: '' } : info, offered))
      this.diag.note(note);
  }

  /** A socket opened: `url` is the endpoint actually opened, masked like the URL typed. */
  opened(url: string, protocol: string, isReconnect: boolean): void {
    const { options } = this;
    if (isReconnect) this.diag.warn(`reconnected to ${options.displayUrl}`);
    else this.diag.info(`connected to ${options.displayUrl}`);
    if (options.isJsonl) this.event('open', { url, protocol, reconnect: isReconnect });
  }

  /** A socket ended and the connection waits to reconnect. */
  waiting(change: StateChange): void {
    const why = change.error ? change.error.describe() : change.reason;
    this.diag.warn(
      `${why}; reconnecting in ${formatDuration(change.retryInMs ?? 0)} (attempt ${change.attempt + 1})`,
    );
    if (this.options.isJsonl) {
      if (change.closeCode !== undefined && change.closeCode !== 1006)
        this.event('close', { code: change.closeCode, reason: change.closeReason ?? '' });
      this.event('reconnect', { attempt: change.attempt + 1, retry_in_ms: change.retryInMs, reason: why });
    }
  }

  /** The connection closed for good: --jsonl error and close events. */
  closed(change: StateChange): void {
    if (!this.options.isJsonl) return;
    const error: WsxError | undefined = change.error;
    if (error) this.event('error', { kind: error.kind, message: this.diag.clean(error.describe()) });
    this.event('close', { code: change.closeCode ?? null, reason: change.closeReason ?? '' });
  }

  /** --asyncapi's verdict on a text message, as the --jsonl field; nothing without a contract. */
  private checked(
    direction: 'received' | 'sent',
    text: string,
    answers?: string,
  ): { contract?: ContractField } {
    return this.contract ? { contract: this.contract.check(direction, text, answers) } : {};
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
