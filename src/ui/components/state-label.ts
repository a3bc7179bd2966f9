// Connection states in the words and colours a person reads at a glance.

import type { State, StateChange } from '../../core/events.js';
import { formatDuration } from '../../text/duration.js';

export type Tone = 'good' | 'warn' | 'bad' | 'idle';

export function stateTone(state: State): Tone {
  switch (state) {
    case 'open':
      return 'good';
    case 'connecting':
    case 'waiting':
    case 'closing':
      return 'warn';
    case 'closed':
      return 'bad';
    case 'idle':
      return 'idle';
  }
}

/**
 * The status line's state word: "open", "connecting…", "waiting — retry #3 in 4s", "closed 1006",
 * "refused: HTTP/1.1 401 Unauthorized" (an upgrade the server answered with an HTTP error never opened).
 */
export function stateLabel(
  state: State,
  opts: {
    attempt: number;
    retryInMs?: number;
    closeCode?: number;
    closeReason?: string;
    refusedStatus?: string;
  },
): string {
  switch (state) {
    case 'connecting':
      return opts.attempt > 1 ? `connecting… (attempt ${opts.attempt})` : 'connecting…';
    case 'waiting':
      return `waiting — retry #${opts.attempt} in ${formatDuration(Math.max(0, opts.retryInMs ?? 0))}`;
    case 'closed':
      if (opts.refusedStatus !== undefined) return `refused: ${opts.refusedStatus}`;
      return opts.closeCode === undefined
        ? 'closed'
        : `closed ${opts.closeCode}${opts.closeReason ? ` "${opts.closeReason}"` : ''}`;
    default:
      return state;
  }
}

/** A log line for a state change worth recording, or undefined for the routine ones. */
export function describeStateChange(
  change: StateChange,
): { text: string; tone: 'good' | 'warn' | 'bad' } | undefined {
  switch (change.to) {
    case 'open':
      return {
        text:
          change.attempt > 1
            ? `connected again (attempt ${change.attempt})${change.reason !== 'open' ? `: ${change.reason}` : ''}`
            : `connected${change.reason !== 'open' ? `: ${change.reason}` : ''}`,
        tone: 'good',
      };
    case 'waiting': {
      const why = change.error ? change.error.describe() : change.reason;
      return { text: `${why} — reconnecting in ${formatDuration(change.retryInMs ?? 0)}`, tone: 'warn' };
    }
    case 'closed':
      return {
        text: change.error ? change.error.describe() : change.reason,
        tone: change.error ? 'bad' : 'warn',
      };
    default:
      return undefined;
  }
}
