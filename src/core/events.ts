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
  /** The failure behind this change, when there was one (also emitted once as `error`). */
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
  bytesReceived: number;
  /** Messages handed to a socket whose write never completed because the socket died. */
  unconfirmed: number;
}

export interface ConnectionSnapshot {
  state: State;
  /** The URL for display: ConnectionOptions.displayUrl, secrets masked. */
  url: string;
  attempt: number;
  /** True once any socket has opened: a later failure is a lost connection, not a failed connect. */
  hasOpened: boolean;
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
