// Where a pipe or script run is on its way to the end: one phase, its allowed moves in one table.

/**
 * - `running`: input may still come (stdin, the -x messages, a reconnect's --resend).
 * - `draining`: no more input; what is queued still goes out once a socket is open. A connection waiting to
 *   reconnect with nothing queued has nothing left to do here, so the run ends.
 * - `lingering`: everything was written; replies are awaited until --wait passes in silence.
 * - `ending`: the run's end is decided (the first decision wins); the socket closes and stdout is flushed.
 *   Messages that arrive meanwhile still reach stdout: the server's replies sent before its Close frame were
 *   lost otherwise (with --wait 0 most replies of a fast pipe came after our Close; on SIGTERM during a
 *   flood, 10% of the messages counted as received were missing from stdout).
 * - `ended`: the outcome is out; nothing more happens.
 */
export type Phase = 'running' | 'draining' | 'lingering' | 'ending' | 'ended';

/** Every move a run may make. Anything else is a no-op: a later decision never overrides an earlier one. */
const moves: Readonly<Record<Phase, readonly Phase[]>> = {
  running: ['draining', 'ending'],
  draining: ['lingering', 'ending'],
  lingering: ['ending'],
  ending: ['ended'],
  ended: [],
};

/** Whether a run in `from` may move to `to`. */
export function canMove(from: Phase, to: Phase): boolean {
  return moves[from].includes(to);
}

/** A run's phase; moveTo() refuses the moves the table does not allow. */
export class SessionPhase {
  private phase: Phase = 'running';

  get current(): Phase {
    return this.phase;
  }

  /** Moves to `to` and returns true, or returns false (staying put) when the table does not allow it. */
  moveTo(to: Phase): boolean {
    if (!canMove(this.phase, to)) return false;
    this.phase = to;
    return true;
  }

  /** Input has ended (draining or lingering) and the run is not ending yet. */
  get isAfterInput(): boolean {
    return this.phase === 'draining' || this.phase === 'lingering';
  }

  /** The end is decided: `ending` or `ended`. */
  get isEnding(): boolean {
    return this.phase === 'ending' || this.phase === 'ended';
  }
}
