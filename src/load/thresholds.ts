// --threshold: pass/fail rules over a load run's figures, e.g. 'rtt p99 < 50ms', 'errors < 0.1%'.
// A rule that does not parse is a usage error naming the part; a rule that fails sets the exit code.

import { parseDuration } from '../text/duration.js';
import type { Percentiles } from './histogram.js';

type Op = '<' | '<=' | '>' | '>=' | '==';
type Stat = Exclude<keyof Percentiles, 'count'>;

/** What a rule measures. Latencies compare in ms; a `%` value compares a ratio; otherwise a count. */
export type Threshold =
  | { expr: string; metric: 'rtt' | 'connect'; stat: Stat; op: Op; value: number }
  | { expr: string; metric: CountMetric; op: Op; value: number; isPercent: boolean };

/**
 * Count metrics and what their percentage is of: errors per connection attempt and message sent; late and
 * unmatched per message sent; connections opened per target; reach, messages received per expected.
 */
const countMetrics = ['errors', 'late', 'unmatched', 'connections', 'reach', 'invalid'] as const;
type CountMetric = (typeof countMetrics)[number];

const stats: Record<string, Stat> = {
  p50: 'p50',
  median: 'p50',
  p90: 'p90',
  p95: 'p95',
  p99: 'p99',
  'p99.9': 'p999',
  p999: 'p999',
  max: 'max',
  mean: 'mean',
  avg: 'mean',
};

const ops = new Set(['<', '<=', '>', '>=', '==']);

/** Parses one rule. Returns a message naming the part it could not read instead of throwing. */
export function parseThreshold(expr: string): Threshold | string {
  // Spaces around the comparison are optional: 'rtt p99<50ms' reads like 'rtt p99 < 50ms'.
  const words = expr
    .replace(/(<=|>=|==|<|>)/, ' $1 ')
    .trim()
    .split(/\s+/);
  const metric = words[0]?.toLowerCase() ?? '';
  if (metric === 'rtt' || metric === 'connect') {
    const [, statWord = '', op = '', valueWord = '', ...rest] = words;
    const stat = stats[statWord.toLowerCase()];
    if (!stat) return `"${statWord}" is not a statistic (use p50, p90, p95, p99, p99.9, max or mean)`;
    if (!ops.has(op)) return `"${op}" is not a comparison (use <, <=, >, >= or ==)`;
    if (rest.length > 0) return `unexpected "${rest.join(' ')}" after the value`;
    const value = /^\d+(\.\d+)?us$/i.test(valueWord)
      ? Number(valueWord.slice(0, -2)) / 1000
      : parseDuration(valueWord);
    if (value === undefined || !/[a-z]$/i.test(valueWord))
      return `"${valueWord}" is not a duration with a unit (e.g. 50ms, 1.5s)`;
    return { expr, metric, stat, op: op as Op, value };
  }
  if ((countMetrics as readonly string[]).includes(metric)) {
    const [, op = '', valueWord = '', ...rest] = words;
    if (!ops.has(op)) return `"${op}" is not a comparison (use <, <=, >, >= or ==)`;
    if (rest.length > 0) return `unexpected "${rest.join(' ')}" after the value`;
    const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(valueWord);
    if (!match) return `"${valueWord}" is not a number or a percentage (e.g. 0, 0.1%)`;
    const isPercent = match[2] === '%';
    if ((metric === 'reach' || metric === 'connections') && !isPercent)
      return `${metric} takes a percentage (e.g. ${metric} > 99.9%)`;
    return { expr, metric: metric as CountMetric, op: op as Op, value: Number(match[1]), isPercent };
  }
  return `"${words[0] ?? ''}" is not a metric (use rtt, connect, errors, late, unmatched, connections, reach or invalid)`;
}

/** The figures a rule reads. */
export interface ThresholdInputs {
  rtt: Percentiles;
  connect: Percentiles;
  errors: number;
  attempts: number;
  sent: number;
  late: number;
  unmatched: number;
  /** Messages received (what `invalid %` is a share of); 0 when not given. */
  received?: number;
  /** --asyncapi runs only: received messages that broke the document. */
  invalid?: number;
  opened: number;
  target: number;
  reach?: { expected: number; received: number };
}

export interface ThresholdResult {
  expr: string;
  ok: boolean;
  /** The measured value in the rule's unit: ms, percent, or a count. null when there is nothing to measure. */
  value: number | null;
}

function compare(a: number, op: Op, b: number): boolean {
  switch (op) {
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
    case '==':
      return a === b;
  }
}

const percent = (part: number, whole: number) => (whole === 0 ? 0 : (part / whole) * 100);

/**
 * Applies one rule. A latency rule over no samples fails (value null): "p99 < 50ms" with no round trip at
 * all is no evidence that replies are fast.
 */
export function evaluateThreshold(t: Threshold, x: ThresholdInputs): ThresholdResult {
  if (t.metric === 'rtt' || t.metric === 'connect') {
    const p = x[t.metric];
    if (p.count === 0) return { expr: t.expr, ok: false, value: null };
    return { expr: t.expr, ok: compare(p[t.stat], t.op, t.value), value: p[t.stat] };
  }
  let value: number;
  switch (t.metric) {
    case 'errors':
      value = t.isPercent ? percent(x.errors, x.attempts + x.sent) : x.errors;
      break;
    case 'late':
      value = t.isPercent ? percent(x.late, x.sent) : x.late;
      break;
    case 'unmatched':
      value = t.isPercent ? percent(x.unmatched, x.sent) : x.unmatched;
      break;
    case 'connections':
      value = percent(x.opened, x.target);
      break;
    case 'invalid':
      // Without --asyncapi nothing was checked: no evidence either way, as a latency rule over no samples.
      if (x.invalid === undefined) return { expr: t.expr, ok: false, value: null };
      value = t.isPercent ? percent(x.invalid, x.received ?? 0) : x.invalid;
      break;
    case 'reach':
      if (!x.reach || x.reach.expected === 0) return { expr: t.expr, ok: false, value: null };
      value = percent(x.reach.received, x.reach.expected);
      break;
  }
  return { expr: t.expr, ok: compare(value, t.op, t.value), value: Math.round(value * 1000) / 1000 };
}
