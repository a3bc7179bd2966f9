import { beforeAll, describe, expect, it } from 'vitest';
import { loadHistograms, newHistogram, percentiles, recordMs } from '../../src/load/histogram.js';
import {
  buildSummary,
  emptyCounts,
  mergeSummaries,
  readSummary,
  type LoadCounts,
} from '../../src/load/summary.js';
import { parseThreshold, type Threshold } from '../../src/load/thresholds.js';

function counts(over: Partial<LoadCounts> = {}): LoadCounts {
  return { ...emptyCounts(), target: 10, attempts: 10, opened: 10, peak: 10, ...over };
}

const rule = (e: string) => parseThreshold(e) as Threshold;

function shard(values: number[], index: number, thresholds: Threshold[]) {
  const rtt = newHistogram();
  for (const v of values) recordMs(rtt, v);
  return buildSummary({
    url: 'ws://127.0.0.1:1/',
    durationMs: 2000,
    counts: counts({
      sent: values.length,
      received: values.length,
      errors: index === 1 ? { refused: 2 } : {},
    }),
    rtt,
    connect: newHistogram(),
    thresholds,
    shard: { index, count: 2 },
    client: { eventLoopP99Ms: 1, cpuPercent: 5 },
    isFanout: false,
  });
}

beforeAll(loadHistograms);

describe('merging shards', () => {
  it('adds histograms, so merged percentiles equal those of one run over all values, not an average', () => {
    // Shard 0 is fast, shard 1 slow: the average of their p99s (50.5) is far from the true p99.
    const fast = Array.from({ length: 980 }, () => 1);
    const slow = Array.from({ length: 20 }, () => 100);
    const thresholds = [rule('rtt p99 < 50ms')];
    const merged = mergeSummaries([
      { file: 'a', summary: shard(fast, 0, thresholds) },
      { file: 'b', summary: shard(slow, 1, thresholds) },
    ]);
    if (typeof merged === 'string') throw new Error(merged);
    const all = newHistogram();
    for (const v of [...fast, ...slow]) recordMs(all, v);
    expect(merged.rtt_ms).toEqual(percentiles(all));
    expect(merged.rtt_ms.p99).toBeCloseTo(100, 0);
    expect(merged.messages.sent).toBe(1000);
    expect(merged.connections.target).toBe(20);
    expect(merged.errors).toEqual({ refused: 2 });
    expect(merged.thresholds).toEqual([{ expr: 'rtt p99 < 50ms', ok: false, value: merged.rtt_ms.p99 }]);
    expect(merged.shard).toEqual({ index: 0, count: 1 });
  });

  it('refuses shards with other thresholds, naming both', () => {
    const result = mergeSummaries([
      { file: 'a.json', summary: shard([1], 0, [rule('rtt p99 < 50ms')]) },
      { file: 'b.json', summary: shard([1], 1, [rule('rtt p99 < 10ms')]) },
    ]);
    expect(result).toMatch(/b.json has other thresholds \(rtt p99 < 10ms\) than a.json \(rtt p99 < 50ms\)/);
  });

  it('refuses shards recorded with other histogram settings', () => {
    const odd = shard([1], 1, []);
    const changed = {
      ...odd,
      histograms: {
        ...odd.histograms,
        settings: { ...odd.histograms.settings, numberOfSignificantValueDigits: 2 },
      },
    };
    const result = mergeSummaries([
      { file: 'a.json', summary: shard([1], 0, []) },
      { file: 'b.json', summary: changed as never },
    ]);
    expect(result).toMatch(/b.json was recorded with other histogram settings/);
  });

  it('reads only wsx load summaries', () => {
    expect(readSummary('{nope', 'x.json')).toMatch(/x.json is not JSON/);
    expect(readSummary('{"version":1}', 'x.json')).toMatch(/x.json is not a wsx load summary/);
    expect(typeof readSummary(JSON.stringify(shard([1], 0, [])), 'x.json')).toBe('object');
  });
});
