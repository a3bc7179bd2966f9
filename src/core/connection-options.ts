// What a Connection is created with: where to connect, how, and the policies for retry, liveness and queueing.

import type { Agent, ClientRequest, IncomingHttpHeaders } from 'node:http';
import type WebSocket from 'ws';
import { defaultBackoff, type BackoffPolicy } from './backoff.js';
import type { Clock } from './clock.js';
import { defaultHeartbeat, type HeartbeatOptions } from './heartbeat.js';
import { defaultRetry, type RetryPolicy } from './retry-policy.js';
import { defaultQueueLimits, type SendQueueLimits } from './send-queue.js';

export interface TlsOptions {
  ca?: string | Buffer;
  cert?: string | Buffer;
  key?: string | Buffer;
  passphrase?: string;
  /** false skips certificate verification (-k). Default true. */
  rejectUnauthorized?: boolean;
  servername?: string;
}

export interface ConnectionOptions {
  /** ws://, wss:// or ws+unix:// URL (already normalised by the caller). */
  url: string;
  /** The URL as messages show it (secrets masked); snapshot().url reports it. Default: `url`. */
  displayUrl?: string;
  protocols?: string[];
  headers?: Record<string, string>;
  origin?: string;
  tls?: TlsOptions;
  /** An http.Agent for proxies. */
  agent?: Agent;
  /**
   * Makes an http.Agent for one attempt (a proxy's, typically); its sockets must die with `signal`,
   * aborted when the attempt ends. Preferred over `agent`: a proxy that never answers CONNECT otherwise
   * leaves its socket open after the attempt gave up, and the process cannot exit.
   */
  agentFor?: (signal: AbortSignal) => Agent;
  /** Follow 3xx on the upgrade request. Default false. */
  followRedirects?: boolean;
  /** Default 10. */
  maxRedirects?: number;
  /**
   * Called before a redirect is followed, with the previous and next URL, the request (headers may still
   * be removed) and the URL first asked for. Throw a WsxError to refuse the redirect.
   */
  onRedirect?: (from: URL, to: URL, req: ClientRequest, original: URL) => void;
  /** Called with each upgrade response's headers and the URL that answered (cookies are read from it). */
  onUpgrade?: (url: string, headers: IncomingHttpHeaders) => void;
  /** The proxy in use, without secrets, for messages: a refused connection then names the proxy. */
  proxyLabel?: string;
  /**
   * Deadline for the whole opening handshake (TCP, TLS, proxy CONNECT, HTTP upgrade), ms. Default 10000:
   * ws has none, and a silent (or byte-dripping) server would hang us forever.
   */
  handshakeTimeoutMs?: number;
  /** Closing handshake limit, ms. Default 2000 (ws: 30000), so quitting never hangs. */
  closeTimeoutMs?: number;
  /** Largest incoming message, bytes. Default 64 MiB; larger ones close the socket with 1009. */
  maxPayloadBytes?: number;
  /** Offer permessage-deflate. Default false: it costs memory per connection and CPU per message. */
  compress?: boolean;
  reconnect?: Partial<RetryPolicy>;
  backoff?: Partial<BackoffPolicy>;
  /** false turns the heartbeat off. */
  heartbeat?: (Partial<HeartbeatOptions> & { appMessage?: string }) | false;
  queue?: Partial<SendQueueLimits>;
  /** Bytes in the socket's buffer above which the queue stops feeding it. Default 1 MiB. */
  highWaterBytes?: number;
}

export interface ConnectionDeps {
  clock?: Clock;
  /** Aborting it closes the connection (code 1000) and stops everything. */
  signal?: AbortSignal;
  /** Random source for backoff jitter, [0, 1). */
  random?: () => number;
}

export interface SendOptions {
  /** Drop the message if it cannot be written within this many ms. Omit for guaranteed delivery. */
  deadlineMs?: number;
  /** Send as a binary frame (default: text for strings, binary for Buffers). */
  binary?: boolean;
  /**
   * A frame a protocol sends of its own accord (its opening, keep-alives, subscribing again): written like
   * any other, but never counted as one of the user's messages, dropped or unconfirmed.
   */
  isProtocolFrame?: boolean;
}

const MiB = 1024 * 1024;

/** Defaults for every option of the core, in one frozen place. */
export const connectionDefaults = Object.freeze({
  reconnect: defaultRetry,
  backoff: defaultBackoff,
  heartbeat: defaultHeartbeat,
  queue: defaultQueueLimits,
  handshakeTimeoutMs: 10_000,
  closeTimeoutMs: 2_000,
  maxPayloadBytes: 64 * MiB,
  compress: false,
  followRedirects: false,
  maxRedirects: 10,
  highWaterBytes: MiB,
} as const);

/**
 * What ws is handed for one socket of these options: the core's Connection and wsx load's cheap sockets
 * open their sockets with the same headers, TLS, limits and compression.
 */
export function wsClientOptions(options: ConnectionOptions): WebSocket.ClientOptions {
  const d = connectionDefaults;
  return {
    headers: options.headers,
    origin: options.origin,
    agent: options.agent,
    handshakeTimeout: options.handshakeTimeoutMs ?? d.handshakeTimeoutMs,
    closeTimeout: options.closeTimeoutMs ?? d.closeTimeoutMs,
    maxPayload: options.maxPayloadBytes ?? d.maxPayloadBytes,
    perMessageDeflate: options.compress ?? d.compress,
    followRedirects: options.followRedirects ?? d.followRedirects,
    maxRedirects: options.maxRedirects ?? d.maxRedirects,
    ...options.tls,
  } as WebSocket.ClientOptions;
}
