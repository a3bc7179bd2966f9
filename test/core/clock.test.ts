// The system clock's timers: a delay past what Node can wait never turns into a 1 ms one.

import { describe, expect, it } from 'vitest';
import { systemClock } from '../../src/core/clock.js';

describe('systemClock', () => {
  it('waits at most 2^31 - 1 ms instead of firing at once for a longer delay (a server sent 1e12)', async () => {
    let fired = 0;
    const cancels = [1e12, 2 ** 31, Infinity].map((ms) => systemClock.setTimer(ms, () => fired++));
    // Node fires an overflowing timer after 1 ms: 50 ms is plenty to see it.
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const cancel of cancels) cancel();
    expect(fired).toBe(0);
  });
});
