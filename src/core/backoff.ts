// Reconnect delays: exponential backoff with full jitter, pure (attempt number and random source in, ms out).

export interface BackoffPolicy {
  /** Ceiling of the first delay, ms. Default 1000. */
  baseMs: number;
  /** Largest delay, ms. Default 30000. */
  capMs: number;
  /** Smallest delay, ms, so a storm of failures never spins. Default 100. */
  floorMs: number;
}

export const defaultBackoff: BackoffPolicy = Object.freeze({ baseMs: 1000, capMs: 30_000, floorMs: 100 });

/**
 * Delay before reconnect attempt `retry` (1 for the first retry), ms.
 * Full jitter: uniform in [floor, min(cap, base * 2^(retry-1))]. The first delay is random too,
 * as RFC 6455 §7.2.3 asks, so clients dropped together do not return together.
 * `random` returns a number in [0, 1), like Math.random.
 */
export function reconnectDelayMs(
  retry: number,
  policy: BackoffPolicy = defaultBackoff,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, Math.min(retry - 1, 30));
  const ceilingMs = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  const floorMs = Math.min(policy.floorMs, ceilingMs);
  return Math.round(floorMs + random() * (ceilingMs - floorMs));
}

/** A seeded random source (mulberry32), for tests and reproducible schedules. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
