import { describe, expect, it } from 'vitest';
import { SendSchedule } from '../../src/load/schedule.js';
import { parseStages, shardOffset, shardSlice, stagesDurationMs, targetAt } from '../../src/load/stages.js';

describe('stages', () => {
  it('ramps linearly within each stage, from 0, like k6', () => {
    const stages = parseStages('10s:100,20s:100,10s:0');
    if (typeof stages === 'string') throw new Error(stages);
    expect(stagesDurationMs(stages)).toBe(40_000);
    expect(targetAt(stages, 0)).toBe(0);
    expect(targetAt(stages, 5_000)).toBe(50);
    expect(targetAt(stages, 15_000)).toBe(100);
    expect(targetAt(stages, 35_000)).toBe(50);
    expect(targetAt(stages, 60_000)).toBe(0);
  });

  it('names a stage it cannot read', () => {
    expect(parseStages('30s:1000,2x:5')).toMatch(/"2x:5" is not DURATION:CONNECTIONS/);
  });

  it('splits connections over shards without losing or doubling one, and numbers them apart', () => {
    const slices = [0, 1, 2].map((i) => shardSlice(10, i, 3));
    expect(slices).toEqual([4, 3, 3]);
    expect([0, 1, 2].map((i) => shardOffset(10, i, 3))).toEqual([0, 4, 7]);
  });
});

describe('the open-model send schedule', () => {
  it('keeps its schedule when the caller is late: every missed send is due, with its own time', () => {
    const s = new SendSchedule(0);
    expect(s.takeDue(0, 100, 1000)).toEqual([0]);
    // 50 ms late: the sends due at 10, 20, 30, 40 and 50 ms all leave now, each keeping its scheduled time.
    expect(s.takeDue(50, 100, 1000)).toEqual([10, 20, 30, 40, 50]);
    expect(s.takeDue(55, 100, 1000)).toEqual([]);
  });

  it('hands out at most `max` at once and keeps the rest due', () => {
    const s = new SendSchedule(0);
    expect(s.takeDue(99, 1000, 40)).toHaveLength(40);
    expect(s.takeDue(99, 1000, 1000)).toHaveLength(60);
  });

  it('counts the sends it skips when the run is over, without making a list of them', () => {
    const s = new SendSchedule(0);
    expect(s.takeDue(10, 100, 1000)).toEqual([0, 10]);
    // Due at 20, 30, …, 1000 ms: 99 sends that never left.
    expect(s.skipDue(1000, 100)).toBe(99);
    expect(s.skipDue(1000, 100)).toBe(0);
  });

  it('sends nothing at rate zero and does not build a backlog while it is zero', () => {
    const s = new SendSchedule(0);
    expect(s.takeDue(1000, 0, 1000)).toEqual([]);
    expect(s.takeDue(1000, 10, 1000)).toEqual([1000]);
  });
});
