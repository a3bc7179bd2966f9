import { describe, expect, it } from 'vitest';
import {
  evaluateThreshold,
  parseThreshold,
  type Threshold,
  type ThresholdInputs,
} from '../../src/load/thresholds.js';

const p = (over: Partial<ThresholdInputs['rtt']> = {}) => ({
  count: 100,
  p50: 1,
  p90: 2,
  p95: 3,
  p99: 40,
  p999: 60,
  max: 70,
  mean: 2,
  ...over,
});

const inputs = (over: Partial<ThresholdInputs> = {}): ThresholdInputs => ({
  rtt: p(),
  connect: p(),
  errors: 0,
  attempts: 100,
  sent: 900,
  late: 0,
  unmatched: 0,
  opened: 100,
  target: 100,
  ...over,
});

function parsed(expr: string): Threshold {
  const t = parseThreshold(expr);
  if (typeof t === 'string') throw new Error(t);
  return t;
}

describe('thresholds', () => {
  it('reads latency rules with or without spaces around the comparison, in ms, s and µs', () => {
    expect(parsed('rtt p99 < 50ms')).toMatchObject({ metric: 'rtt', stat: 'p99', op: '<', value: 50 });
    expect(parsed('connect p95<=1.5s')).toMatchObject({
      metric: 'connect',
      stat: 'p95',
      op: '<=',
      value: 1500,
    });
    expect(parsed('rtt p99.9 < 800us')).toMatchObject({ stat: 'p999', value: 0.8 });
  });

  it('names the part it could not read', () => {
    expect(parseThreshold('rtt p42 < 5ms')).toMatch(/"p42" is not a statistic/);
    expect(parseThreshold('rtt p99 ~ 5ms')).toMatch(/"~" is not a comparison/);
    expect(parseThreshold('rtt p99 < 5')).toMatch(/"5" is not a duration with a unit/);
    expect(parseThreshold('latency p99 < 5ms')).toMatch(/"latency" is not a metric/);
    expect(parseThreshold('errors < lots')).toMatch(/"lots" is not a number or a percentage/);
    expect(parseThreshold('reach > 99')).toMatch(/reach takes a percentage/);
    expect(parseThreshold('rtt p99 < 5ms please')).toMatch(/unexpected "please"/);
  });

  it('passes and fails latency rules on the measured statistic', () => {
    expect(evaluateThreshold(parsed('rtt p99 < 50ms'), inputs())).toEqual({
      expr: 'rtt p99 < 50ms',
      ok: true,
      value: 40,
    });
    expect(evaluateThreshold(parsed('rtt p99 < 30ms'), inputs()).ok).toBe(false);
  });

  it('fails a latency rule that has no samples at all: no round trip is no evidence of speed', () => {
    expect(evaluateThreshold(parsed('rtt p99 < 50ms'), inputs({ rtt: p({ count: 0 }) }))).toEqual({
      expr: 'rtt p99 < 50ms',
      ok: false,
      value: null,
    });
  });

  it('takes error percentages over connection attempts and sends, and counts as counts', () => {
    // 1 error in 100 attempts + 900 sends = 0.1%
    const one = inputs({ errors: 1 });
    expect(evaluateThreshold(parsed('errors < 0.1%'), one).ok).toBe(false);
    expect(evaluateThreshold(parsed('errors <= 0.1%'), one)).toMatchObject({ ok: true, value: 0.1 });
    expect(evaluateThreshold(parsed('errors == 0'), one).ok).toBe(false);
    expect(evaluateThreshold(parsed('connections >= 99%'), inputs({ opened: 98 })).ok).toBe(false);
  });
});
