import { describe, expect, it } from 'vitest';
import { roundTripStart, SendSchedule } from '../../src/load/schedule.js';

describe('the send schedule on a millisecond ticker', () => {
  it('with a lead, hands out a send due within the lead at this tick, and no further', () => {
    const s = new SendSchedule(0, 0.5);
    expect(s.takeDue(0, 200, 1000)).toEqual([0]);
    // Due at 5 ms, the tick at 4.6 ms is the closest one: it leaves 0.4 ms early instead of ~0.6 ms late.
    expect(s.takeDue(4.6, 200, 1000)).toEqual([5]);
    expect(s.takeDue(5.2, 200, 1000)).toEqual([]);
    // 10 ms is more than the lead after 9.4 ms: it waits for a later tick.
    expect(s.takeDue(9.4, 200, 1000)).toEqual([]);
    expect(s.takeDue(9.6, 200, 1000)).toEqual([10]);
  });

  it('without a lead, hands out only what is due by now', () => {
    const s = new SendSchedule(0);
    expect(s.takeDue(4.6, 200, 1000)).toEqual([0]);
    expect(s.takeDue(5, 200, 1000)).toEqual([5]);
  });

  it('times a round trip from the send when it left early, from the schedule when it left late', () => {
    // Early: the reply cannot have been waited on before the send left.
    expect(roundTripStart(5, 4.6)).toBe(4.6);
    // Late: the lateness is the client's or the server's, and it counts (coordinated omission).
    expect(roundTripStart(5, 5.7)).toBe(5);
    expect(roundTripStart(5, 5)).toBe(5);
  });
});
