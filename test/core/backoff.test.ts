import { describe, expect, it } from 'vitest';
import { reconnectDelayMs, seededRandom, type BackoffPolicy } from '../../src/core/backoff.js';

const policy: BackoffPolicy = { baseMs: 1000, capMs: 30_000, floorMs: 100 };

describe('reconnectDelayMs', () => {
  it('uses the floor when the random source gives 0 and the ceiling when it gives almost 1', () => {
    expect(reconnectDelayMs(1, policy, () => 0)).toBe(100);
    expect(reconnectDelayMs(1, policy, () => 0.999999)).toBe(1000);
  });

  it('doubles the ceiling with each retry until the cap', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7, 20].map((n) => reconnectDelayMs(n, policy, () => 0.9999999));
    expect(ceilings).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
  });

  it('keeps every jittered delay within [floor, ceiling] and spreads them out', () => {
    const random = seededRandom(42);
    for (let retry = 1; retry <= 12; retry++) {
      const ceiling = Math.min(30_000, 1000 * 2 ** (retry - 1));
      const delays = Array.from({ length: 200 }, () => reconnectDelayMs(retry, policy, random));
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(100);
      expect(Math.max(...delays)).toBeLessThanOrEqual(ceiling);
      // Full jitter: the spread covers most of the range, so clients dropped together do not return together.
      expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan((ceiling - 100) * 0.8);
    }
  });

  it('randomises even the first delay (RFC 6455 §7.2.3)', () => {
    const random = seededRandom(7);
    const firsts = new Set(Array.from({ length: 20 }, () => reconnectDelayMs(1, policy, random)));
    expect(firsts.size).toBeGreaterThan(10);
  });

  it('never overflows for huge retry numbers', () => {
    expect(reconnectDelayMs(10_000, policy, () => 0.5)).toBe(15050);
  });
});

describe('seededRandom', () => {
  it('repeats the same sequence for the same seed and stays in [0, 1)', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});
