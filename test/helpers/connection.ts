// Starting a Connection in a test and waiting on its events, with failures that say what was seen instead.

import { Connection, type ConnectionOptions } from '../../src/core/connection.js';
import type { State, StateChange } from '../../src/core/events.js';
import type { Defer } from './cleanup.js';

/**
 * A started Connection without heartbeat (unless `options` asks), closed by `defer` after the test. `error`
 * gets a listener of its own: an `error` event nobody listens to throws; tests add their own to read it.
 */
export function startConnection(
  defer: Defer,
  options: ConnectionOptions,
  deps?: ConstructorParameters<typeof Connection>[1],
): Connection {
  const conn = new Connection({ heartbeat: false, ...options }, deps);
  conn.on('error', () => {});
  defer(() => conn.close());
  conn.start();
  return conn;
}

/**
 * Connection options that retry at once (backoff 20 to 40 ms). A codec's reconnect goes through the
 * connection's retry policy (and --max-retries), so a test that wants one turns it on.
 */
export const reconnectFast = {
  reconnect: { enabled: true },
  backoff: { baseMs: 20, capMs: 40, floorMs: 10 },
} satisfies Partial<ConnectionOptions>;

/** Why each socket was given up, as it happens: the connection's own retry, not a note of the codec's. */
export function waitingReasons(conn: Connection): string[] {
  const waits: string[] = [];
  conn.on('state', (c) => {
    if (c.to === 'waiting') waits.push(c.error?.message ?? c.reason);
  });
  return waits;
}

/** Records every state change of `conn`. */
export function recordStates(conn: Connection): StateChange[] {
  const seen: StateChange[] = [];
  conn.on('state', (change) => seen.push(change));
  return seen;
}

/** Resolves with the change into `state` (the next one after the call); rejects after `timeoutMs` naming the states seen. */
export function stateReached(conn: Connection, state: State, timeoutMs = 2000): Promise<StateChange> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const onState = (change: StateChange) => {
      seen.push(`${change.to} (${change.reason})`);
      if (change.to === state) {
        clearTimeout(timer);
        conn.off('state', onState);
        resolve(change);
      }
    };
    const timer = setTimeout(() => {
      conn.off('state', onState);
      reject(
        new Error(
          `state "${state}" not reached within ${timeoutMs} ms; saw: ${seen.join(' → ') || 'nothing'} (now ${conn.currentState})`,
        ),
      );
    }, timeoutMs);
    conn.on('state', onState);
  });
}
