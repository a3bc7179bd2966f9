// What every kind of load run measures, one place: the counts, the connect and round-trip histograms (the
// whole run and since the last interval) and the load generator's own health.

import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { newHistogram, recordMs, type Histogram } from './histogram.js';
import type { WsxError } from '../core/errors.js';
import { emptyCounts, type LoadCounts } from './summary.js';

export class LoadMeasures {
  readonly counts: LoadCounts = emptyCounts();
  readonly rtt: Histogram = newHistogram();
  readonly connect: Histogram = newHistogram();
  /** Since the last takeInterval(): the live view's current percentiles and the interval log. */
  private intervalRtt: Histogram = newHistogram();
  private intervalConnect: Histogram = newHistogram();
  private readonly t0 = performance.now();
  private readonly eventLoop = monitorEventLoopDelay({ resolution: 10 });
  private readonly cpuAtStart = process.cpuUsage();
  /** Set when the run ends: the elapsed time stops there. */
  protected endedAtMs: number | undefined;

  /** ms since the run started. */
  elapsedMs(): number {
    return (this.endedAtMs ?? performance.now()) - this.t0;
  }

  /** A round trip (or a timed scenario step), ms. */
  protected recordRtt(ms: number): void {
    recordMs(this.rtt, ms);
    recordMs(this.intervalRtt, ms);
  }

  /** A connection's opening, ms. */
  protected recordConnect(ms: number): void {
    recordMs(this.connect, ms);
    recordMs(this.intervalConnect, ms);
  }

  /** Starts watching the event loop's delay (the client-health line). */
  protected watchEventLoop(isOn: boolean): void {
    if (isOn) this.eventLoop.enable();
    else this.eventLoop.disable();
  }

  /** The latencies recorded since the last call (for the live view and the interval log). */
  takeInterval(): { rtt: Histogram; connect: Histogram } {
    const taken = { rtt: this.intervalRtt, connect: this.intervalConnect };
    this.intervalRtt = newHistogram();
    this.intervalConnect = newHistogram();
    return taken;
  }

  /** Latencies recorded on another thread (a worker's): an interval's, or its whole run's at its end. */
  protected addRecorded(part: 'interval' | 'run', recorded: { rtt: Histogram; connect: Histogram }): void {
    (part === 'interval' ? this.intervalRtt : this.rtt).add(recorded.rtt);
    (part === 'interval' ? this.intervalConnect : this.connect).add(recorded.connect);
  }

  /** The event loop's p99 delay over the run, ms: this thread's. */
  protected eventLoopP99Ms(): number {
    return this.eventLoop.count > 0 ? this.eventLoop.percentile(99) / 1e6 : 0;
  }

  /** The load generator's own health over the run (CPU: the whole process's, every thread). */
  clientHealth(): { eventLoopP99Ms: number; cpuPercent: number } {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const wallMs = Math.max(1, this.elapsedMs());
    return {
      eventLoopP99Ms: this.eventLoopP99Ms(),
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    };
  }
}

/**
 * What `wsx load`'s mode drives and reads: a LoadRun of plain connections, a ScenarioLoad of scenario files
 * (both on this thread), or a WorkerPool over several threads.
 */
export interface LoadDriver {
  readonly counts: LoadCounts;
  readonly rtt: Histogram;
  readonly connect: Histogram;
  elapsedMs(): number;
  /** Connections open now. */
  openCount(): number;
  /** The target the ramp aims at now. */
  currentTarget(): number;
  /** One connection first: a URL that cannot connect at all fails the run before any ramp. */
  probe(): Promise<WsxError | undefined>;
  /** Runs to its end (or until stop()); resolves when every connection is closed. */
  run(): Promise<void>;
  /** Ctrl+C: stop ramping and sending now, close every connection with 1001. */
  stop(): void;
  takeInterval(): { rtt: Histogram; connect: Histogram };
  clientHealth(): { eventLoopP99Ms: number; cpuPercent: number };
  /** Ends at once what a failed probe left running (worker threads); a run on this thread has nothing to end. */
  terminate?(): Promise<void>;
}
