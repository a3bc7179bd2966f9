// `wsx load --workers K`: K worker threads, each running a LoadRun on its slice of the connections, seen
// by the mode as one run: counts summed, histograms added (exact, as `wsx load merge` adds shards'), one
// report. The main thread only adds up; every socket lives in a worker.

import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { WsxError } from '../core/errors.js';
import { decodeHistogram, newHistogram, type Histogram } from './histogram.js';
import type { LoadDriver } from './measures.js';
import type { LoadHooks } from './runner.js';
import { addCounts, emptyCounts, type LoadCounts } from './summary.js';
import type { FromWorker, ToWorker, WorkerSnapshot } from './worker-protocol.js';

interface WorkerState {
  worker: Worker;
  latest: WorkerSnapshot | undefined;
  probed: Promise<WsxError | undefined>;
  done: Promise<void>;
  isDone: boolean;
}

export class WorkerPool implements LoadDriver {
  readonly rtt: Histogram = newHistogram();
  readonly connect: Histogram = newHistogram();
  private intervalRtt: Histogram = newHistogram();
  private intervalConnect: Histogram = newHistogram();
  private readonly states: WorkerState[];
  private readonly t0 = performance.now();
  private readonly cpuAtStart = process.cpuUsage();
  private endedAtMs: number | undefined;
  private eventLoopP99Ms = 0;
  private isStopped = false;

  /**
   * `start(i)` starts worker i of `count` (its entry calls serveLoadWorker); `target` is the run's target
   * before the first figures arrive.
   */
  constructor(
    count: number,
    start: (index: number) => Worker,
    private readonly target: number,
    private readonly hooks: LoadHooks = {},
  ) {
    this.states = Array.from({ length: count }, (_, i) => this.watch(start(i)));
  }

  get counts(): LoadCounts {
    const sum = emptyCounts();
    for (const s of this.states) if (s.latest) addCounts(sum, s.latest.counts);
    if (this.states.every((s) => !s.latest)) sum.target = this.target;
    return sum;
  }

  elapsedMs(): number {
    return (this.endedAtMs ?? performance.now()) - this.t0;
  }

  openCount(): number {
    return this.states.reduce((n, s) => n + (s.latest?.open ?? 0), 0);
  }

  currentTarget(): number {
    if (this.states.every((s) => !s.latest)) return this.target;
    return this.states.reduce((n, s) => n + (s.latest?.target ?? 0), 0);
  }

  /** Every worker opens its first connection; the first failure is the run's (exit 3 before any ramp). */
  async probe(): Promise<WsxError | undefined> {
    const failures = await Promise.all(this.states.map((s) => s.probed));
    return failures.find((f) => f !== undefined);
  }

  async run(): Promise<void> {
    for (const s of this.states) this.post(s, { type: 'run' });
    await Promise.all(this.states.map((s) => s.done));
    this.endedAtMs = performance.now();
    await Promise.all(this.states.map((s) => s.worker.terminate()));
  }

  /** Ctrl+C: every worker stops ramping and closes its connections with 1001. */
  stop(): void {
    this.isStopped = true;
    for (const s of this.states) this.post(s, { type: 'stop' });
  }

  takeInterval(): { rtt: Histogram; connect: Histogram } {
    const taken = { rtt: this.intervalRtt, connect: this.intervalConnect };
    this.intervalRtt = newHistogram();
    this.intervalConnect = newHistogram();
    return taken;
  }

  /** The slowest worker's event-loop p99, and the whole process's CPU (up to the workers × 100 %). */
  clientHealth(): { eventLoopP99Ms: number; cpuPercent: number } {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const wallMs = Math.max(1, this.elapsedMs());
    return {
      eventLoopP99Ms: this.eventLoopP99Ms,
      cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
    };
  }

  /** A failed probe (stop before run) ends the workers now: their sockets go with them. */
  async terminate(): Promise<void> {
    await Promise.all(this.states.map((s) => s.worker.terminate()));
  }

  private post(s: WorkerState, message: ToWorker): void {
    if (!s.isDone) s.worker.postMessage(message);
  }

  private absorb(s: WorkerState, snapshot: WorkerSnapshot): void {
    s.latest = snapshot;
    this.intervalRtt.add(decodeHistogram(snapshot.intervalRtt));
    this.intervalConnect.add(decodeHistogram(snapshot.intervalConnect));
  }

  private watch(worker: Worker): WorkerState {
    let probed!: (error: WsxError | undefined) => void;
    let done!: () => void;
    const state: WorkerState = {
      worker,
      latest: undefined,
      probed: new Promise((r) => (probed = r)),
      done: new Promise((r) => (done = r)),
      isDone: false,
    };
    const finish = () => {
      state.isDone = true;
      probed(undefined);
      done();
    };
    worker.on('message', (m: FromWorker) => {
      switch (m.type) {
        case 'probed':
          probed(m.error && new WsxError(m.error.kind, m.error.message, m.error));
          if (this.isStopped) this.post(state, { type: 'stop' });
          break;
        case 'progress':
          this.absorb(state, m.snapshot);
          break;
        case 'warning':
          this.hooks.warning?.(m.warning);
          break;
        case 'done':
          this.absorb(state, m.snapshot);
          this.rtt.add(decodeHistogram(m.rtt));
          this.connect.add(decodeHistogram(m.connect));
          this.eventLoopP99Ms = Math.max(this.eventLoopP99Ms, m.health.eventLoopP99Ms);
          finish();
          break;
      }
    });
    // A worker that dies without its totals: said once, and the run goes on with the others' figures.
    worker.on('error', (err) => {
      if (state.isDone) return;
      this.hooks.warning?.({ code: 'worker', message: `a load worker failed: ${err.message}` });
      finish();
    });
    worker.on('exit', () => {
      if (!state.isDone) finish();
    });
    return state;
  }
}
