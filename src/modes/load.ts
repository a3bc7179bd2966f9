// `wsx load`: runs a LoadRun, shows progress on stderr, writes the reports and turns the thresholds into
// the run's outcome. stdout carries data only: the summary JSON when --summary-json is "-".

import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { intervalLogWriter, loadHistograms, percentiles } from '../load/histogram.js';
import type { LoadEngine } from '../load/measures.js';
import { LoadRun, type LoadPlan } from '../load/runner.js';
import { ScenarioLoad, type ScenarioLoadPlan } from '../load/scenario-load.js';
import {
  buildSummary,
  errorTotal,
  formatSummary,
  mergeSummaries,
  readSummary,
  type LoadSummary,
} from '../load/summary.js';
import type { Threshold } from '../load/thresholds.js';
import type { Outcome } from '../outcome.js';
import { xmlAttr, xmlText } from '../scenario/junit.js';
import { readFile } from 'node:fs/promises';
import { describeIoError } from '../text/io-error.js';

export interface LoadReports {
  /** --summary-json: a file, or "-" for stdout. */
  summaryJson?: string;
  /** --hdr-log: HdrHistogram's interval log of the round trips (tag rtt) and connect times (tag connect). */
  hdrLog?: string;
  junit?: string;
}

export interface LoadModeOptions {
  /** Plain connections (hold, send at a rate, fan-out), or each connection running a scenario file. */
  plan: { connections: LoadPlan } | { scenario: ScenarioLoadPlan };
  displayUrl: string;
  thresholds: Threshold[];
  shard: { index: number; count: number };
  /** --start-at: epoch ms to wait for, so shards start together. */
  startAtMs?: number;
  reports: LoadReports;
  isQuiet: boolean;
  /** stderr is a terminal: the progress line redraws every second instead of a line every 10 s. */
  isTty: boolean;
}

interface Io {
  stdout: Writable;
  stderr: Writable;
}

/** A line of progress: open/target, rates and the last interval's percentiles. */
function progressLine(run: LoadEngine, sentBefore: number, receivedBefore: number, seconds: number): string {
  const interval = run.takeInterval();
  const rtt = percentiles(interval.rtt);
  const c = run.counts;
  const rate = (n: number) => Math.round(n / seconds);
  const rttText = rtt.count > 0 ? `rtt p50 ${rtt.p50}ms p99 ${rtt.p99}ms` : 'rtt -';
  return (
    `${(run.elapsedMs() / 1000).toFixed(0)}s  conns ${run.openCount()}/${run.currentTarget()}  ` +
    `sent ${rate(c.sent - sentBefore)}/s  recv ${rate(c.received - receivedBefore)}/s  ${rttText}  errors ${errorTotal(c.errors)}`
  );
}

function junitFor(summary: LoadSummary, suite: string): string {
  const failures = summary.thresholds.filter((t) => !t.ok).length;
  const counts = `tests="${summary.thresholds.length}" failures="${failures}" errors="0" skipped="0" time="${summary.duration_s}"`;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="${xmlAttr(suite)}" ${counts}>`,
    `  <testsuite name="${xmlAttr(suite)}" ${counts}>`,
  ];
  for (const t of summary.thresholds) {
    out.push(`    <testcase name="${xmlAttr(t.expr)}" classname="wsx.load">`);
    if (!t.ok)
      out.push(
        `      <failure message="${xmlAttr(`${t.expr}: measured ${t.value ?? 'nothing'}`)}">${xmlText(formatSummary(summary).join('\n'))}</failure>`,
      );
    out.push('    </testcase>');
  }
  out.push('  </testsuite>', '</testsuites>', '');
  return out.join('\n');
}

/** Writes the reports and turns the thresholds into the outcome. */
function finish(
  summary: LoadSummary,
  reports: LoadReports,
  io: Io,
  isQuiet: boolean,
  suite: string,
): Outcome {
  if (!isQuiet) io.stderr.write(formatSummary(summary).join('\n') + '\n');
  const json = JSON.stringify(summary) + '\n';
  if (reports.summaryJson === '-') io.stdout.write(json);
  const files: (readonly [path: string, text: () => string])[] = [
    ...(reports.summaryJson && reports.summaryJson !== '-'
      ? [[reports.summaryJson, () => json] as const]
      : []),
    ...(reports.junit ? [[reports.junit, () => junitFor(summary, suite)] as const] : []),
  ];
  for (const [path, text] of files) {
    try {
      writeFileSync(path, text());
    } catch (err) {
      return { ended: 'local-error', message: describeIoError(err, path, 'write'), error: err as Error };
    }
  }
  const failed = summary.thresholds.filter((t) => !t.ok);
  if (failed.length > 0)
    return {
      ended: 'thresholds-failed',
      message: `${failed.length} of ${summary.thresholds.length} thresholds failed: ${failed.map((t) => `${t.expr} (measured ${t.value ?? 'nothing'})`).join('; ')}`,
    };
  return { ended: 'completed' };
}

/** Runs the load; resolves with how it ended. */
export async function runLoad(o: LoadModeOptions, io: Io): Promise<Outcome> {
  await loadHistograms();
  let interrupted: 'interrupted' | 'terminated' | undefined;
  const hooks = { warning: (w: { message: string }) => io.stderr.write(`wsx: ${w.message}\n`) };
  const run: LoadEngine =
    'scenario' in o.plan ? new ScenarioLoad(o.plan.scenario, hooks) : new LoadRun(o.plan.connections, hooks);
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal === 'SIGINT' ? 'interrupted' : 'terminated';
    run.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timers: NodeJS.Timeout[] = [];
  try {
    if (o.startAtMs !== undefined && o.startAtMs > Date.now()) {
      if (!o.isQuiet)
        io.stderr.write(`wsx: waiting until ${new Date(o.startAtMs).toISOString()} (--start-at)\n`);
      await new Promise<void>((resolve) => {
        const wait = setTimeout(resolve, o.startAtMs! - Date.now());
        process.once('SIGINT', () => (clearTimeout(wait), resolve()));
        process.once('SIGTERM', () => (clearTimeout(wait), resolve()));
      });
      if (interrupted) return { ended: interrupted };
    }
    const failure = await run.probe();
    if (failure) {
      run.stop();
      return { ended: 'failed', error: failure, url: o.displayUrl, hasOpened: false };
    }
    let hdrLog: string[] | undefined;
    if (o.reports.hdrLog) {
      hdrLog = [];
      const writer = intervalLogWriter((text) => hdrLog!.push(text));
      writer.outputComment(`wsx load ${o.displayUrl}, values in microseconds`);
      writer.outputLogFormatVersion();
      writer.outputStartTime(Date.now());
      writer.outputLegend();
      let last = 0;
      timers.push(
        setInterval(() => {
          const now = run.elapsedMs() / 1000;
          const { rtt, connect } = run.takeInterval();
          rtt.tag = 'rtt';
          connect.tag = 'connect';
          writer.outputIntervalHistogram(rtt, last, now, 1000);
          writer.outputIntervalHistogram(connect, last, now, 1000);
          last = now;
        }, 1000),
      );
    }
    if (!o.isQuiet && !hdrLog) {
      // The interval log and the live view read the same interval histograms; the log wins.
      const everyMs = o.isTty ? 1000 : 10_000;
      let sent = 0;
      let received = 0;
      timers.push(
        setInterval(() => {
          const line = progressLine(run, sent, received, everyMs / 1000);
          sent = run.counts.sent;
          received = run.counts.received;
          io.stderr.write(o.isTty ? `\r\x1b[K${line}` : `${line}\n`);
        }, everyMs),
      );
    }
    await run.run();
    for (const t of timers) clearInterval(t);
    if (o.isTty && !o.isQuiet) io.stderr.write('\r\x1b[K');
    if (hdrLog && o.reports.hdrLog) writeFileSync(o.reports.hdrLog, hdrLog.join(''));
    const health = run.clientHealth();
    const summary = buildSummary({
      url: o.displayUrl,
      durationMs: run.elapsedMs(),
      counts: run.counts,
      rtt: run.rtt,
      connect: run.connect,
      thresholds: o.thresholds,
      shard: o.shard,
      client: health,
      isFanout: 'connections' in o.plan && o.plan.connections.isFanout === true,
      isScenario: 'scenario' in o.plan,
      hasContract: 'connections' in o.plan && o.plan.connections.isValid !== undefined,
    });
    if (!o.isQuiet && (health.eventLoopP99Ms > 50 || health.cpuPercent > 90))
      io.stderr.write(
        `wsx: the load generator itself was busy (event loop p99 ${health.eventLoopP99Ms.toFixed(0)} ms, CPU ${health.cpuPercent.toFixed(0)}%): the latencies may be wsx's, not the server's; split the load into shards (--shard)\n`,
      );
    const outcome = finish(summary, o.reports, io, o.isQuiet, 'wsx load');
    return interrupted ? { ended: interrupted } : outcome;
  } finally {
    for (const t of timers) clearInterval(t);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `wsx load merge FILE…`: one report from shards' summaries, thresholds applied to the merged figures. */
export async function runLoadMerge(
  files: string[],
  reports: LoadReports,
  isQuiet: boolean,
  io: Io,
): Promise<Outcome> {
  await loadHistograms();
  const read: { file: string; summary: LoadSummary }[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      return {
        ended: 'usage',
        message: describeIoError(err, file),
      };
    }
    const summary = readSummary(text, file);
    if (typeof summary === 'string') return { ended: 'usage', message: summary };
    read.push({ file, summary });
  }
  const merged = mergeSummaries(read);
  if (typeof merged === 'string') return { ended: 'usage', message: `cannot merge: ${merged}` };
  return finish(merged, reports, io, isQuiet, 'wsx load merge');
}
