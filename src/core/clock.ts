// Time as a dependency: the connection and heartbeat ask a Clock, so tests can drive time by hand.

/** Cancels a timer; calling it twice is harmless. */
export type CancelTimer = () => void;

export interface Clock {
  /** Milliseconds, monotonic enough for deadlines. */
  now(): number;
  /** Calls `fn` once after `ms`; returns its cancel function. */
  setTimer(ms: number, fn: () => void): CancelTimer;
}

// A cancel function rather than sleep(ms, signal): the heartbeat re-arms its watchdog often, and a plain
// timer handle costs less than an AbortController and a promise per arming.
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(ms, fn) {
    const handle = setTimeout(fn, ms);
    return () => clearTimeout(handle);
  },
};
