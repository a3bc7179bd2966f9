// `wsx load`: runs a LoadRun, shows progress on stderr, writes the reports and turns the thresholds into
// the run's outcome. stdout carries data only: the summary JSON when --summary-json is "-".

import { writeFileSync } from 'node:fs';
import type { Writable } from 'node:stream';
import {
  intervalLogWriter,
  loadHistograms,
  newHistogram,
  percentiles,
  type Histogram,
} from '../load/histogram.js';
import { LoadRun, type LoadHooks, type LoadPlan } from '../load/runner.js';
import { ScenarioLoad, type ScenarioLoadPlan } from '../load/scenario-load.js';
import type { LoadDriver } from '../load/measures.js';
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
import { openLiveView, viewLines, type ViewFrame } from './load-view.js';
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
  /** --workers: the run spread over threads; by default one run of `plan` on this thread. */
  makeDriver?: (hooks: LoadHooks) => Promise<LoadDriver>;
  /** Threads running connections (--workers): the CPU a busy client may use is this many cores. */
  threads?: number;
  displayUrl: string;
  thresholds: Threshold[];
  shard: { index: number; count: number };
  /** --start-at: epoch ms to wait for, so shards start together. */
  startAtMs?: number;
  reports: LoadReports;
  isQuiet: boolean;
  /** stderr is a terminal: a full-screen live view every second instead of a progress line every 10 s. */
  isTty: boolean;
}

interface Io {
  stdout: Writable;
  stderr: Writable;
}

/** Seconds between progress lines when stderr is not a terminal: a CI log gets a line, not a flood. */
const progressEverySeconds = 10;

/** A line of progress: open/target, rates and the interval's percentiles. */
function progressLine(
  run: LoadDriver,
  rtt: Histogram,
  sent: number,
  received: number,
  seconds: number,
): string {
  const p = percentiles(rtt);
  const rate = (n: number) => Math.round(n / seconds);
  const rttText = p.count > 0 ? `rtt p50 ${p.p50}ms p99 ${p.p99}ms` : 'rtt -';
  return (
    `${(run.elapsedMs() / 1000).toFixed(0)}s  conns ${run.openCount()}/${run.currentTarget()}  ` +
    `sent ${rate(sent)}/s  recv ${rate(received)}/s  ${rttText}  errors ${errorTotal(run.counts.errors)}`
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
  const hooks: LoadHooks = { warning: (w) => io.stderr.write(`wsx: ${w.message}\n`) };
  // Wait for --start-at before the run exists: its clock starts when it is made, and a wait inside it
  // was counted in --duration (a 1 s run after a 1.5 s wait ended at once, having opened only its probe).
  if (o.startAtMs !== undefined && o.startAtMs > Date.now()) {
    if (!o.isQuiet)
      io.stderr.write(`wsx: waiting until ${new Date(o.startAtMs).toISOString()} (--start-at)\n`);
    const signal = await new Promise<NodeJS.Signals | undefined>((resolve) => {
      const wait = setTimeout(() => {
        process.off('SIGINT', onWaitSignal);
        process.off('SIGTERM', onWaitSignal);
        resolve(undefined);
      }, o.startAtMs! - Date.now());
      const onWaitSignal = (sig: NodeJS.Signals) => {
        clearTimeout(wait);
        process.off('SIGINT', onWaitSignal);
        process.off('SIGTERM', onWaitSignal);
        resolve(sig);
      };
      process.on('SIGINT', onWaitSignal);
      process.on('SIGTERM', onWaitSignal);
    });
    if (signal) return { ended: signal === 'SIGINT' ? 'interrupted' : 'terminated' };
  }
  const run: LoadDriver = o.makeDriver
    ? await o.makeDriver(hooks)
    : 'scenario' in o.plan
      ? new ScenarioLoad(o.plan.scenario, hooks)
      : new LoadRun(o.plan.connections, hooks);
  const onSignal = (signal: NodeJS.Signals) => {
    interrupted = signal === 'SIGINT' ? 'interrupted' : 'terminated';
    run.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timers: NodeJS.Timeout[] = [];
  let closeView: (() => void) | undefined;
  try {
    const failure = await run.probe();
    if (failure) {
      run.stop();
      await run.terminate?.();
      return { ended: 'failed', error: failure, url: o.displayUrl, hasOpened: false };
    }
    let hdrLog: string[] | undefined;
    let writer: ReturnType<typeof intervalLogWriter> | undefined;
    if (o.reports.hdrLog) {
      hdrLog = [];
      writer = intervalLogWriter((text) => hdrLog!.push(text));
      writer.outputComment(`wsx load ${o.displayUrl}, values in microseconds`);
      writer.outputLogFormatVersion();
      writer.outputStartTime(Date.now());
      writer.outputLegend();
    }
    const view = o.isTty && !o.isQuiet ? openLiveView(io.stderr) : undefined;
    closeView = view?.close;
    // One ticker a second takes the interval's latencies; the interval log, the live view (every second)
    // and the progress line (every 10 s when stderr is not a terminal) all read them.
    let last = 0;
    let ticks = 0;
    let lineRtt = newHistogram();
    let sentBefore = 0;
    let receivedBefore = 0;
    let lineSent = 0;
    let lineReceived = 0;
    const frame = (rtt: Histogram, connect: Histogram, seconds: number): ViewFrame => ({
      url: o.displayUrl,
      elapsedMs: run.elapsedMs(),
      durationMs: 'scenario' in o.plan ? o.plan.scenario.durationMs : o.plan.connections.durationMs,
      open: run.openCount(),
      target: run.currentTarget(),
      counts: run.counts,
      sentPerSec: (run.counts.sent - sentBefore) / seconds,
      receivedPerSec: (run.counts.received - receivedBefore) / seconds,
      rtt,
      connect,
      workers: o.threads ?? 1,
    });
    view?.draw(viewLines(frame(newHistogram(), newHistogram(), 1)));
    /** Takes the latencies since the last call; the interval log gets them as one interval. */
    const takeInterval = () => {
      const now = run.elapsedMs() / 1000;
      const { rtt, connect } = run.takeInterval();
      if (writer) {
        rtt.tag = 'rtt';
        connect.tag = 'connect';
        writer.outputIntervalHistogram(rtt, last, now, 1000);
        writer.outputIntervalHistogram(connect, last, now, 1000);
      }
      return { rtt, connect, now };
    };
    timers.push(
      setInterval(() => {
        const { rtt, connect, now } = takeInterval();
        const counts = run.counts;
        if (view) view.draw(viewLines(frame(rtt, connect, Math.max(0.001, now - last))));
        else if (!o.isQuiet) {
          lineRtt.add(rtt);
          if (++ticks % progressEverySeconds === 0) {
            io.stderr.write(
              `${progressLine(run, lineRtt, counts.sent - lineSent, counts.received - lineReceived, progressEverySeconds)}\n`,
            );
            lineRtt = newHistogram();
            lineSent = counts.sent;
            lineReceived = counts.received;
          }
        }
        sentBefore = counts.sent;
        receivedBefore = counts.received;
        last = now;
      }, 1000),
    );
    await run.run();
    for (const t of timers) clearInterval(t);
    view?.close();
    // The last partial second (and the replies the drain waited for) is an interval too: without it a
    // run shorter than a second logged nothing and every run lost its tail.
    takeInterval();
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
      client: { ...health, workers: o.threads ?? 1 },
      isFanout: 'connections' in o.plan && o.plan.connections.isFanout === true,
      isScenario: 'scenario' in o.plan,
      hasContract: 'connections' in o.plan && o.plan.connections.isValid !== undefined,
    });
    const threads = o.threads ?? 1;
    if (!o.isQuiet && (health.eventLoopP99Ms > 50 || health.cpuPercent > 90 * threads))
      io.stderr.write(
        `wsx: the load generator itself was busy (event loop p99 ${health.eventLoopP99Ms.toFixed(0)} ms, CPU ${health.cpuPercent.toFixed(0)}%): the latencies may be wsx's, not the server's; spread it over cores (--workers) or machines (--shard)\n`,
      );
    const outcome = finish(summary, o.reports, io, o.isQuiet, 'wsx load');
    return interrupted ? { ended: interrupted } : outcome;
  } finally {
    for (const t of timers) clearInterval(t);
    closeView?.();
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
