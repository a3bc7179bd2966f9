// The one interface every protocol on top of WebSocket implements; raw WebSocket is the codec that does nothing.

import type { PrepareSocket } from '../core/attempt.js';
import type { CancelTimer } from '../core/clock.js';
import type { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';

export type ProtocolName =
  | 'raw'
  | 'socketio'
  | 'jsonrpc'
  | 'cdp'
  | 'graphql-ws'
  | 'phoenix'
  | 'signalr'
  | 'actioncable'
  | 'stomp'
  | 'mqtt';

/** What kind of thing a decoded message is, so modes can print, colour and count it. */
export type MessageKind =
  /** raw: the frame itself */
  | 'frame'
  /** socketio: an event the server emitted */
  | 'event'
  /** socketio: the answer to an emit with an ack */
  | 'ack'
  /** jsonrpc, cdp: a response (result or error) */
  | 'response'
  /** jsonrpc, cdp: a notification or a request from the server (a CDP event) */
  | 'notification'
  /** graphql-ws: one result of an operation */
  | 'next'
  /** graphql-ws: an operation ended */
  | 'complete'
  /** a protocol-level error for one operation or request (graphql `error`, a JSON-RPC error response, id or not) */
  | 'error'
  /** stomp: a MESSAGE (destination, headers, body) */
  | 'message'
  /** stomp: a RECEIPT for a frame sent with `receipt:` */
  | 'receipt'
  /** a frame the codec could not read: shown as it came */
  | 'invalid';

/** One message for the user, decoded from one or more frames. */
export interface ProtocolMessage {
  kind: MessageKind;
  /** One line of text for stdout (JSON for every protocol but raw text frames). */
  text: string;
  /** The raw codec hands binary frames through as bytes; `text` is then empty. */
  binary?: Buffer;
  /** The parsed JSON value, for `expect json …` and --jsonl. */
  json?: unknown;
  /** True for error responses and operation errors. */
  isError?: boolean;
  /** The request, ack or operation this answers. */
  id?: string | number;
  /** jsonrpc, cdp: the method of the request this response answers (when it answers one of ours). */
  answers?: string;
  /** Round trip from our request to this answer, ms. */
  rttMs?: number;
  /** The lens's one-line summary, when the codec words it itself (Phoenix: `room:lobby new_msg {…}`). */
  summary?: string;
  /** The frame this message ends with. */
  frame: Incoming;
}

/** What a codec may do: the ProtocolSession implements it over a Connection. */
export interface CodecContext {
  /**
   * Hands a frame to the connection now (on the current socket). `onWritten` is called with the clock time
   * the socket took it, so round trips start then, not while the frame waited for the socket to open.
   */
  send(frame: string | Buffer, onWritten?: (at: number) => void): void;
  /**
   * Hands the connection a frame of the protocol's own (its opening, a pong, subscribing again after a
   * reconnect): it is never counted as one of the user's messages, dropped or unconfirmed.
   */
  sendOwn(frame: string | Buffer): void;
  /** A decoded message for the user. */
  deliver(msg: ProtocolMessage): void;
  /** The protocol's opening is done on this socket: user frames flow. `detail` is for a diagnostic line. */
  ready(detail: string): void;
  /**
   * The frame being received (inside `received`) is the protocol's keep-alive, a ping or its answer:
   * it is no sign of data, so it does not break the silence --wait waits for.
   */
  keepAlive(): void;
  /** A diagnostic for stderr (not an error): "subscribed again to 2 operations". */
  note(text: string): void;
  /** Detail for --verbose only: something the codec ignored on purpose. */
  detail(text: string): void;
  /**
   * The server looks dead or asked us to go: this socket ends as failed by `why`, and the connection's
   * retry policy (its backoff, --reconnect and --max-retries) decides whether a fresh one opens.
   */
  reconnect(why: WsxError): void;
  /** The protocol refused us for good (auth, unknown namespace): end the run with this failure. */
  fail(err: WsxError): void;
  /** The subprotocol the server chose for the current socket ('' if none). */
  protocol(): string;
  now(): number;
  setTimer(ms: number, fn: () => void): CancelTimer;
}

/** Where to connect and which subprotocols to offer, derived from the URL the user gave. */
export interface Target {
  url: string;
  protocols: string[];
}

/** A line the user typed that this protocol cannot send; the line is skipped. */
export class InputError extends Error {
  override readonly name = 'InputError';
}

/**
 * Whether `err` is an InputError, by name: the screen is a bundle of its own (dist/ui/screen.cjs) with its
 * own copy of this module, so an InputError thrown by a codec in dist/cli/main.js is not `instanceof` the
 * screen's class. A mistyped --proto line then crashed the session instead of being skipped.
 */
export function isInputError(err: unknown): err is InputError {
  return err instanceof Error && err.name === 'InputError';
}

/**
 * A typed line as a command: its first word and the rest after the white space that follows it, for the
 * codecs whose lines read `VERB ARGUMENTS…`. Undefined for a blank line, which sends nothing.
 */
export function commandOf(line: string): { verb: string; rest: string } | undefined {
  const m = /^(\S+)\s*(.*)$/s.exec(line.trim());
  return m ? { verb: m[1]!, rest: m[2]! } : undefined;
}

export interface Codec {
  readonly name: ProtocolName;
  /** The URL and subprotocols to open (called once, before the Connection is built). */
  target(url: string, protocols: string[]): Target;
  /**
   * An HTTP step before each socket (SignalR's /negotiate) that decides the socket's URL and headers; it
   * runs within the handshake deadline and its failure fails the attempt.
   */
  prepareSocket?: PrepareSocket;
  /** A socket opened (the first one and every one after a reconnect): begin the protocol's opening. */
  opened(ctx: CodecContext): void;
  /** One frame arrived. */
  received(frame: Incoming, ctx: CodecContext): void;
  /**
   * The socket ended with `code`. Returns a failure when the code means the protocol refused us
   * (graphql-ws 4401/4403), so the run ends instead of retrying.
   */
  closed(code: number, reason: string, ctx: CodecContext): WsxError | undefined;
  /**
   * Turns one input line into frames, sending them through `ctx` now or once the protocol is ready.
   * Throws InputError for a line this protocol cannot send.
   */
  input(line: string, ctx: CodecContext): void;
  /**
   * Input lines taken by input() and not handed to the connection yet, because the protocol's opening has
   * not finished (a Socket.IO CONNECT not answered, no graphql-ws connection_ack yet). Asked once the
   * connection has ended for good: they are reported as dropped.
   */
  heldInputs?(): number;
  /**
   * For --jsonl: a reader of the frames this protocol sends, in order, that gives the user's message each
   * one carries (`text` as a received one is shown, its id) or undefined for the protocol's own frames.
   * Codecs whose frames are the user's messages as they are (JSON-RPC, graphql-ws) have none.
   */
  sentReader?(): (frame: string | Buffer) => { text: string; id?: number } | undefined;
  /** Stops the codec's timers. */
  dispose(): void;
}
