// Opening a connection that speaks a protocol: the Connection, its codec and the protocol session, built in
// the one order every mode (pipe, script, interactive) and the scenario runner depend on.

import { Connection, type ConnectionDeps } from '../core/connection.js';
import type { ConnectionOptions } from '../core/connection-options.js';
import type { ProtocolName } from './codec.js';
import { loadCodec, type ProtocolOptions } from './index.js';
import { ProtocolSession } from './session.js';

/** A connection (not started) and, with a protocol, the session that speaks it over that connection. */
export interface OpenedSession {
  conn: Connection;
  /** Undefined for raw WebSocket: frames pass through untouched. */
  proto: ProtocolSession | undefined;
}

export interface OpenSessionOptions {
  /** The protocol spoken over WebSocket (--proto, a scenario's `proto` line); undefined: raw WebSocket. */
  proto?: ({ name: ProtocolName } & ProtocolOptions) | undefined;
  deps?: ConnectionDeps;
  /**
   * Called with the connection before the protocol session listens to it: a --record transcript attaches
   * here. The session answers (Socket.IO's CONNECT, the messages it held until then) from inside its own
   * message listener, so a listener added after it recorded a reply before the frame that caused it, and a
   * replay of that transcript waited forever.
   */
  observe?: (conn: Connection) => void;
}

/**
 * Builds the connection for `connection` (not started: the caller adds its listeners, then calls start()).
 * With a protocol, its codec decides the URL and subprotocols (the display URL stays the one the user gave)
 * and the protocol session is the first listener after `observe`: its verdict on a closing socket (a refusal,
 * an error answer) must be known when every later listener hears of the close. Throws WsxError for bad
 * connection options, before anything opens.
 */
export async function openSession(
  connection: ConnectionOptions,
  { proto, deps = {}, observe }: OpenSessionOptions = {},
): Promise<OpenedSession> {
  if (!proto) {
    const conn = new Connection(connection, deps);
    observe?.(conn);
    return { conn, proto: undefined };
  }
  const codec = await loadCodec(proto.name, proto);
  const target = codec.target(connection.url, connection.protocols ?? []);
  const conn = new Connection(
    {
      ...connection,
      url: target.url,
      protocols: target.protocols,
      displayUrl: connection.displayUrl ?? connection.url,
    },
    deps,
  );
  observe?.(conn);
  return { conn, proto: new ProtocolSession(conn, codec, undefined, connection.handshakeTimeoutMs) };
}
