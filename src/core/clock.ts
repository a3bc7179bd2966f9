// Time as a dependency: the connection and heartbeat ask a Clock, so tests can drive time by hand.

import { maxDurationMs } from '../text/duration.js';

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
    // Node fires a delay past 2^31 - 1 ms after 1 ms. Users cannot type one (parseDuration refuses it),
    // but a server can send one (a Socket.IO pingInterval of 1e12): it waits the longest a timer can.
    const handle = setTimeout(fn, Math.min(ms, maxDurationMs));
    return () => clearTimeout(handle);
  },
};
