// The worker thread's side of `wsx load --workers`: runs one LoadRun on its slice of the connections and
// reports to the main thread, which adds every worker's counts and histograms up.

import type { MessagePort } from 'node:worker_threads';
import { encodeHistogram, loadHistograms } from './histogram.js';
import { LoadRun, type LoadPlan } from './runner.js';
import type { FromWorker, ToWorker, WorkerSnapshot } from './worker-protocol.js';

/** How often a worker sends its figures: the live view redraws every second, so twice a second is fresh. */
const progressEveryMs = 500;

/**
 * Probes (opens the first connection), says so, waits for `run`, runs to the end or `stop`, and sends the
 * totals. `port` is the worker's parentPort.
 */
export async function serveLoadWorker(port: MessagePort, plan: LoadPlan): Promise<void> {
  await loadHistograms();
  const post = (message: FromWorker) => port.postMessage(message);
  const run = new LoadRun(plan, { warning: (warning) => post({ type: 'warning', warning }) });
  const snapshot = (): WorkerSnapshot => {
    const interval = run.takeInterval();
    return {
      counts: run.counts,
      open: run.openCount(),
      target: run.currentTarget(),
      intervalRtt: encodeHistogram(interval.rtt),
      intervalConnect: encodeHistogram(interval.connect),
    };
  };
  const finished = new Promise<void>((resolve) => {
    port.on('message', (message: ToWorker) => {
      if (message.type === 'stop') return run.stop();
      const progress = setInterval(() => post({ type: 'progress', snapshot: snapshot() }), progressEveryMs);
      void run.run().then(() => {
        clearInterval(progress);
        post({
          type: 'done',
          snapshot: snapshot(),
          rtt: encodeHistogram(run.rtt),
          connect: encodeHistogram(run.connect),
          health: run.clientHealth(),
        });
        resolve();
      });
    });
  });
  const failure = await run.probe();
  post({
    type: 'probed',
    ...(failure
      ? {
          error: {
            kind: failure.kind,
            message: failure.message,
            ...(failure.hint ? { hint: failure.hint } : {}),
            details: { ...failure.details },
          },
        }
      : {}),
  });
  await finished;
  port.close();
}
