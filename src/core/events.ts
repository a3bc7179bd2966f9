// The event map a Connection emits and the snapshot consumers read: the core's whole outward surface.

import type { WsxError } from './errors.js';
import type { Outgoing } from './send-queue.js';

export type { Outgoing };

/**
 * idle: created, not started. connecting: a handshake is under way. open: messages flow.
 * waiting: between reconnect attempts (see retryAt). closing: our close frame is out. closed: final.
 */
export type State = 'idle' | 'connecting' | 'open' | 'waiting' | 'closing' | 'closed';

export interface StateChange {
  from: State;
  to: State;
  /** Why, in words: "closed by server 1001 \"restart\"", "connection refused", "closed by user". */
  reason: string;
  /** The connection attempt this change belongs to, from 1. */
  attempt: number;
  /** With `waiting`: ms until the next attempt. */
  retryInMs?: number;
  /** The close code that ended the socket, when one did. */
  closeCode?: number;
  closeReason?: string;
  /**
   * The failure behind this change, when there was one (also emitted once as `error`, except after the
   * user's close). The final change to 'closed' carries it even when the user closed, if the failure
   * came first: the first failure wins over a later close of ours.
   */
  error?: WsxError;
}

export interface Incoming {
  /** Bytes exactly as received; text frames are valid UTF-8 (ws checks). */
  data: Buffer;
  isBinary: boolean;
  /** Clock time of arrival, ms. */
  receivedAt: number;
  /** Position among messages received on this connection, from 1. */
  seq: number;
}

export type DropReason = 'deadline' | 'closed';

export interface Drop {
  msg: Outgoing;
  why: DropReason;
}

export interface HandshakeInfo {
  url: string;
  request: { method: string; path: string; headers: Record<string, string | string[]> };
  response: {
    statusCode: number;
    statusMessage: string;
    headers: Record<string, string | string[] | undefined>;
  };
  /** The subprotocol the server chose, '' if none. */
  protocol: string;
  /** Negotiated extensions, e.g. "permessage-deflate" ('' if none). */
  extensions: string;
}

export interface Counters {
  /** Messages handed to the socket. */
  sent: number;
  received: number;
  dropped: number;
  /** Messages waiting in the send queue now. */
  queued: number;
  /** Successful opens after the first. */
  reconnects: number;
  bytesSent: number;
  /** Payload bytes of complete messages received. */
  bytesReceived: number;
  /**
   * Bytes read from the socket(s), frames and headers included, complete messages or not: a sign of
   * life while a long message is still arriving. Stands still while incoming is paused.
   */
  wireBytesReceived: number;
  /**
   * wireBytesReceived without keep-alive: pings, pongs and the messages a protocol marked as its
   * keep-alive (Connection.markKeepAlive). Bytes of a data message still arriving count. What --wait's
   * silence is measured in: a server pinging every second is silent all the same.
   */
  dataBytesReceived: number;
  /**
   * Messages the kernel had accepted on a socket that was then lost without a closing handshake: they may
   * or may not have arrived (TCP does not say). Writes that never reached the kernel are not counted
   * here: they are written again on the next socket, or dropped (`dropped`) if there is none.
   */
  unconfirmed: number;
}

export interface ConnectionSnapshot {
  state: State;
  /** The URL for display: ConnectionOptions.displayUrl, secrets masked. */
  url: string;
  attempt: number;
  /** True once any socket has opened: a later failure is a lost connection, not a failed connect. */
  hasOpened: boolean;
  /** wsx stopped reading (pauseIncoming) because its consumer is slower than the network. */
  isIncomingPaused: boolean;
  /** Clock time the current socket opened, ms. */
  openedAt: number | undefined;
  /** Clock time of the next attempt while waiting, ms. */
  retryAt: number | undefined;
  /** Round-trip time of the last answered ping, ms. */
  rttMs: number | undefined;
  protocol: string;
  extensions: string;
  lastClose: { code: number; reason: string } | undefined;
  lastError: WsxError | undefined;
  counters: Counters;
}

export type ConnectionEvents = {
  state: [change: StateChange];
  message: [msg: Incoming];
  sent: [msg: Outgoing];
  dropped: [drop: Drop];
  /** The queue went from full back to half: a paused producer may resume. */
  drain: [];
  ping: [info: { at: number }];
  pong: [info: { rttMs: number | undefined }];
  handshake: [info: HandshakeInfo];
  /** A redirect was followed on the upgrade request. */
  redirect: [info: { from: string; to: string }];
  error: [err: WsxError];
};
