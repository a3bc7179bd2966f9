// `wsx load --workers K`: K worker threads, each running a LoadRun on its slice of the connections, seen
// by the mode as one run: counts summed, histograms added (exact, as `wsx load merge` adds shards'), one
// report. The main thread only adds up; every socket lives in a worker.

import { performance } from 'node:perf_hooks';
import type { Worker } from 'node:worker_threads';
import { WsxError } from '../core/errors.js';
import { decodeHistogram } from './histogram.js';
import { LoadMeasures, type LoadDriver } from './measures.js';
import type { LoadHooks } from './runner.js';
import { addCounts, emptyCounts } from './summary.js';
import type { FromWorker, ToWorker, WorkerSnapshot } from './worker-protocol.js';

interface WorkerState {
  worker: Worker;
  latest: WorkerSnapshot | undefined;
  probed: Promise<WsxError | undefined>;
  done: Promise<void>;
  isDone: boolean;
}

export class WorkerPool extends LoadMeasures implements LoadDriver {
  private readonly states: WorkerState[];
  /** The slowest worker's event-loop p99, ms. */
  private slowestLoopP99Ms = 0;
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
    super();
    this.counts.target = target;
    this.states = Array.from({ length: count }, (_, i) => this.watch(start(i)));
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

  /** The slowest worker's event-loop p99 (CPU in clientHealth is the whole process's: up to the workers × 100 %). */
  protected override eventLoopP99Ms(): number {
    return this.slowestLoopP99Ms;
  }

  /** A failed probe (stop before run) ends the workers now: their sockets go with them. */
  async terminate(): Promise<void> {
    await Promise.all(this.states.map((s) => s.worker.terminate()));
  }

  private post(s: WorkerState, message: ToWorker): void {
    if (!s.isDone) s.worker.postMessage(message);
  }

  /** A worker's latest figures: its counts replace its last ones in the sum, its interval is added. */
  private absorb(s: WorkerState, snapshot: WorkerSnapshot): void {
    s.latest = snapshot;
    const sum = emptyCounts();
    for (const state of this.states) if (state.latest) addCounts(sum, state.latest.counts);
    Object.assign(this.counts, sum);
    this.addRecorded('interval', {
      rtt: decodeHistogram(snapshot.intervalRtt),
      connect: decodeHistogram(snapshot.intervalConnect),
    });
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
          this.addRecorded('run', { rtt: decodeHistogram(m.rtt), connect: decodeHistogram(m.connect) });
          this.slowestLoopP99Ms = Math.max(this.slowestLoopP99Ms, m.health.eventLoopP99Ms);
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
