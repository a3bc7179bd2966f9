// What wsx load's main thread and its worker threads (--workers) say to each other: plain data only, since a
// message between threads is copied by structured clone (no functions, no class instances).

import type { WsxErrorDetails, WsxErrorKind } from '../core/errors.js';
import type { LoadWarning } from './runner.js';
import type { LoadCounts } from './summary.js';

/** Main thread → worker: start the run once every worker's first connection opened; Ctrl+C. */
export type ToWorker = { type: 'run' } | { type: 'stop' };

/** A worker's figures now; histograms in HdrHistogram's compressed base64 form, added up exactly. */
export interface WorkerSnapshot {
  counts: LoadCounts;
  open: number;
  target: number;
  /** The latencies recorded since the previous snapshot. */
  intervalRtt: string;
  intervalConnect: string;
}

/** Worker → main thread. */
export type FromWorker =
  | {
      type: 'probed';
      /** Why the first connection failed (the run stops before any ramp), as a WsxError's parts. */
      error?: { kind: WsxErrorKind; message: string; hint?: string; details: WsxErrorDetails };
    }
  | { type: 'progress'; snapshot: WorkerSnapshot }
  | { type: 'warning'; warning: LoadWarning }
  | {
      type: 'done';
      snapshot: WorkerSnapshot;
      rtt: string;
      connect: string;
      health: { eventLoopP99Ms: number; cpuPercent: number };
    };
