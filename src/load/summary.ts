// The load report: one JSON shape (a documented, stable interface for CI jobs and dashboards), the table a
// person reads, and the merge of shards' reports into one.

import {
  decodeHistogram,
  encodeHistogram,
  histogramSettings,
  newHistogram,
  percentiles,
  type Histogram,
  type Percentiles,
} from './histogram.js';
import { evaluateThreshold, parseThreshold, type Threshold, type ThresholdResult } from './thresholds.js';

/** The figures a run (or a shard) counted; the histograms hold the latencies. */
export interface LoadCounts {
  target: number;
  attempts: number;
  opened: number;
  failed: number;
  peak: number;
  /** Connections that closed or broke during the run without wsx asking. */
  lost: number;
  sent: number;
  received: number;
  late: number;
  unmatched: number;
  /** --asyncapi: received messages that broke the document. */
  invalid: number;
  /** Sends still waiting for their reply when the run ended. */
  unanswered: number;
  /** Sends that were due and never left: the generator fell behind its schedule (also counted late). */
  unsent: number;
  /** Fan-out: receipts other connections should have had, and had. */
  reach: { expected: number; received: number };
  /** Scenario runs: files run to their end, and files a step failed (by step in `errors`). */
  iterations: { completed: number; failed: number };
  errors: Record<string, number>;
}

/** Counts before anything happened. */
export function emptyCounts(): LoadCounts {
  return {
    target: 0,
    attempts: 0,
    opened: 0,
    failed: 0,
    peak: 0,
    lost: 0,
    sent: 0,
    received: 0,
    late: 0,
    unmatched: 0,
    invalid: 0,
    unanswered: 0,
    unsent: 0,
    reach: { expected: 0, received: 0 },
    iterations: { completed: 0, failed: 0 },
    errors: {},
  };
}

/**
 * Adds `from` into `into`: what workers running side by side counted. Their peaks add up (an upper bound
 * when they peaked at different times, as for shards).
 */
export function addCounts(into: LoadCounts, from: LoadCounts): LoadCounts {
  for (const key of [
    'target',
    'attempts',
    'opened',
    'failed',
    'peak',
    'lost',
    'sent',
    'received',
    'late',
    'unmatched',
    'invalid',
    'unanswered',
    'unsent',
  ] as const)
    into[key] += from[key];
  into.reach.expected += from.reach.expected;
  into.reach.received += from.reach.received;
  into.iterations.completed += from.iterations.completed;
  into.iterations.failed += from.iterations.failed;
  for (const [kind, n] of Object.entries(from.errors)) into.errors[kind] = (into.errors[kind] ?? 0) + n;
  return into;
}

/** `wsx load --summary-json`: numbers are numbers, times in ms. Version 1; fields are only ever added. */
export interface LoadSummary {
  version: 1;
  url: string;
  duration_s: number;
  connections: { target: number; opened: number; failed: number; peak: number; lost: number };
  messages: {
    sent: number;
    received: number;
    late: number;
    unmatched: number;
    unanswered: number;
    unsent: number;
    /** --asyncapi runs only: received messages that broke the document. */
    invalid?: number;
  };
  rtt_ms: Percentiles;
  connect_ms: Percentiles;
  /** Fan-out runs only (--fanout): received ÷ expected; rtt_ms is then the time from a send to each receiver. */
  reach?: { expected: number; received: number; ratio: number };
  /**
   * Scenario runs only (`wsx load FILE.wsx`): runs of the file that passed and that failed; rtt_ms is then
   * the time of each passing expect step, and errors count failed steps as "line N verb".
   */
  iterations?: { completed: number; failed: number };
  errors: Record<string, number>;
  thresholds: ThresholdResult[];
  shard: { index: number; count: number };
  /** The load generator's own health: when it is the bottleneck, the figures describe it, not the server. */
  client: { event_loop_p99_ms: number; cpu_percent: number; workers: number };
  /** The histograms themselves (HdrHistogram compressed base64), so shards merge exactly. */
  histograms: { settings: typeof histogramSettings; rtt: string; connect: string };
}

export interface SummaryInput {
  url: string;
  durationMs: number;
  counts: LoadCounts;
  rtt: Histogram;
  connect: Histogram;
  thresholds: Threshold[];
  shard: { index: number; count: number };
  /** `workers`: the threads that ran connections (--workers), 1 unless told. */
  client: { eventLoopP99Ms: number; cpuPercent: number; workers?: number };
  isFanout: boolean;
  /** --asyncapi: received messages were checked (the summary then counts the invalid ones). */
  hasContract?: boolean;
  isScenario?: boolean;
}

export function errorTotal(errors: Record<string, number>): number {
  return Object.values(errors).reduce((sum, n) => sum + n, 0);
}

export function buildSummary(x: SummaryInput): LoadSummary {
  const rtt = percentiles(x.rtt);
  const connect = percentiles(x.connect);
  const c = x.counts;
  return {
    version: 1,
    url: x.url,
    duration_s: Math.round(x.durationMs) / 1000,
    connections: { target: c.target, opened: c.opened, failed: c.failed, peak: c.peak, lost: c.lost },
    messages: {
      sent: c.sent,
      received: c.received,
      late: c.late,
      unmatched: c.unmatched,
      unanswered: c.unanswered,
      unsent: c.unsent,
      ...(x.hasContract ? { invalid: c.invalid } : {}),
    },
    rtt_ms: rtt,
    connect_ms: connect,
    ...(x.isFanout
      ? {
          reach: {
            ...c.reach,
            ratio: c.reach.expected === 0 ? 0 : Math.round((c.reach.received / c.reach.expected) * 1e6) / 1e6,
          },
        }
      : {}),
    ...(x.isScenario ? { iterations: { ...c.iterations } } : {}),
    errors: { ...c.errors },
    thresholds: x.thresholds.map((t) =>
      evaluateThreshold(t, {
        rtt,
        connect,
        errors: errorTotal(c.errors),
        attempts: c.attempts,
        sent: c.sent,
        late: c.late,
        unmatched: c.unmatched,
        received: c.received,
        ...(x.hasContract ? { invalid: c.invalid } : {}),
        opened: c.opened,
        target: c.target,
        ...(x.isFanout ? { reach: c.reach } : {}),
      }),
    ),
    shard: x.shard,
    client: {
      event_loop_p99_ms: Math.round(x.client.eventLoopP99Ms * 10) / 10,
      cpu_percent: Math.round(x.client.cpuPercent),
      workers: x.client.workers ?? 1,
    },
    histograms: {
      settings: histogramSettings,
      rtt: encodeHistogram(x.rtt),
      connect: encodeHistogram(x.connect),
    },
  };
}

/** Why a file cannot be merged, or its summary. */
export function readSummary(text: string, file: string): LoadSummary | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return `${file} is not JSON (expected a --summary-json file of wsx load)`;
  }
  const s = value as Partial<LoadSummary> | null;
  if (
    typeof s !== 'object' ||
    s === null ||
    s.version !== 1 ||
    typeof s.histograms?.rtt !== 'string' ||
    typeof s.histograms.connect !== 'string' ||
    typeof s.connections?.target !== 'number' ||
    typeof s.messages?.sent !== 'number'
  )
    return `${file} is not a wsx load summary (version 1, with histograms)`;
  return s as LoadSummary;
}

const sameSettings = (s: LoadSummary) =>
  JSON.stringify(s.histograms.settings) === JSON.stringify(histogramSettings);

/**
 * Adds shards' summaries up: counts summed, histograms added (so percentiles are exact, not averaged), the
 * thresholds applied again to the merged figures. Refuses, with the reason, summaries whose histogram
 * settings or thresholds differ: their sum would mean nothing.
 */
export function mergeSummaries(files: { file: string; summary: LoadSummary }[]): LoadSummary | string {
  const first = files[0];
  if (!first) return 'nothing to merge';
  const exprs = first.summary.thresholds.map((t) => t.expr);
  for (const { file, summary } of files) {
    if (!sameSettings(summary))
      return `${file} was recorded with other histogram settings than this wsx uses; merge it with the same version`;
    const these = summary.thresholds.map((t) => t.expr);
    if (JSON.stringify(these) !== JSON.stringify(exprs))
      return `${file} has other thresholds (${these.join('; ') || 'none'}) than ${first.file} (${exprs.join('; ') || 'none'})`;
  }
  const rtt = newHistogram();
  const connect = newHistogram();
  const counts = emptyCounts();
  let durationMs = 0;
  let eventLoopP99Ms = 0;
  let cpuPercent = 0;
  let workers = 0;
  for (const { summary: s } of files) {
    rtt.add(decodeHistogram(s.histograms.rtt));
    connect.add(decodeHistogram(s.histograms.connect));
    counts.target += s.connections.target;
    counts.opened += s.connections.opened;
    counts.failed += s.connections.failed;
    // Shards run side by side: their peaks add up (an upper bound when they peaked at different times).
    counts.peak += s.connections.peak;
    counts.lost += s.connections.lost ?? 0;
    counts.attempts += s.connections.opened + s.connections.failed;
    counts.sent += s.messages.sent;
    counts.received += s.messages.received;
    counts.late += s.messages.late;
    counts.unmatched += s.messages.unmatched;
    counts.unanswered += s.messages.unanswered ?? 0;
    counts.unsent += s.messages.unsent ?? 0;
    counts.invalid += s.messages.invalid ?? 0;
    counts.reach.expected += s.reach?.expected ?? 0;
    counts.reach.received += s.reach?.received ?? 0;
    counts.iterations.completed += s.iterations?.completed ?? 0;
    counts.iterations.failed += s.iterations?.failed ?? 0;
    for (const [kind, n] of Object.entries(s.errors)) counts.errors[kind] = (counts.errors[kind] ?? 0) + n;
    durationMs = Math.max(durationMs, s.duration_s * 1000);
    eventLoopP99Ms = Math.max(eventLoopP99Ms, s.client?.event_loop_p99_ms ?? 0);
    cpuPercent = Math.max(cpuPercent, s.client?.cpu_percent ?? 0);
    workers += s.client?.workers ?? 1;
  }
  const thresholds = exprs.map((e) => parseThreshold(e)).filter((t): t is Threshold => typeof t !== 'string');
  return buildSummary({
    url: first.summary.url,
    durationMs,
    counts,
    rtt,
    connect,
    thresholds,
    shard: { index: 0, count: 1 },
    client: { eventLoopP99Ms, cpuPercent, workers },
    isFanout: files.some((f) => f.summary.reach !== undefined),
    hasContract: files.some((f) => f.summary.messages.invalid !== undefined),
    isScenario: files.some((f) => f.summary.iterations !== undefined),
  });
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(ms < 10 ? 2 : 1)}ms`);

function latencyRow(name: string, p: Percentiles): string {
  if (p.count === 0) return `  ${name.padEnd(9)}no samples`;
  const cells = [p.p50, p.p90, p.p99, p.p999, p.max].map((v) => fmt(v).padStart(9));
  return `  ${name.padEnd(9)}${cells.join('')}   (${p.count} samples, mean ${fmt(p.mean)})`;
}

/** The table a person reads at the end of a run, one line each. */
export function formatSummary(s: LoadSummary): string[] {
  const rate = (n: number) => (s.duration_s > 0 ? Math.round(n / s.duration_s) : 0);
  const lines = [
    `load ${s.url}: ${s.duration_s}s${s.shard.count > 1 ? `, shard ${s.shard.index + 1}/${s.shard.count}` : ''}`,
    `  connections  ${s.connections.opened} opened of ${s.connections.target} targeted, peak ${s.connections.peak}, ${s.connections.failed} failed, ${s.connections.lost} lost`,
    `  messages     ${s.messages.sent} sent (${rate(s.messages.sent)}/s), ${s.messages.received} received (${rate(s.messages.received)}/s), ${s.messages.late} late, ${s.messages.unmatched} unmatched, ${s.messages.unanswered} unanswered${s.messages.invalid !== undefined ? `, ${s.messages.invalid} invalid (--asyncapi)` : ''}${s.messages.unsent > 0 ? `, ${s.messages.unsent} never sent (wsx fell behind)` : ''}`,
    `  latency         p50      p90      p99    p99.9      max`,
    latencyRow('connect', s.connect_ms),
    latencyRow('rtt', s.rtt_ms),
  ];
  if (s.reach)
    lines.push(
      `  reach        ${s.reach.received} of ${s.reach.expected} expected receipts (${(s.reach.ratio * 100).toFixed(2)}%)`,
    );
  if (s.iterations)
    lines.push(
      `  iterations   ${s.iterations.completed} passed, ${s.iterations.failed} failed (rtt: the expect steps)`,
    );
  const errors = Object.entries(s.errors);
  if (errors.length > 0) lines.push(`  errors       ${errors.map(([k, n]) => `${k} ${n}`).join(', ')}`);
  for (const t of s.thresholds)
    lines.push(
      `  ${t.ok ? 'ok  ' : 'FAIL'} ${t.expr}${t.value === null ? ' (no samples)' : ` (${t.value})`}`,
    );
  return lines;
}
