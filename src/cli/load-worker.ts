// The entry of a `wsx load --workers` thread (dist/cli/load-worker.js): rebuilds its slice's plan from the
// plain settings the main thread handed over, then runs it. Only a run with --workers above 1 loads it.

import { parentPort, workerData } from 'node:worker_threads';
import { serveLoadWorker } from '../load/worker-thread.js';
import { planFromSettings, type LoadSettings, type LoadSlice } from './load-settings.js';

const { settings, slice } = workerData as { settings: LoadSettings; slice: LoadSlice };
await serveLoadWorker(parentPort!, await planFromSettings(settings, slice));
