// Waiting on a Connection's events, with failures that say what was seen instead.

import type { Connection } from '../../src/core/connection.js';
import type { State, StateChange } from '../../src/core/events.js';

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
