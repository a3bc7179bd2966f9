// Regex tests with a bound on time: a user's pattern such as /(L+)+$/ backtracks exponentially on a long
// message, and a regex runs on the main thread, so one test could freeze the event loop (no `within`, no
// --timeout, no SIGINT, no report) until SIGKILL.
//
// Two guards, because neither covers every pattern:
// - V8's linear-time engine takes over from the backtracking one after too many backtracks (measured: the
//   100 KB /(L+)+$/ case returns false in 0.05-0.2 s instead of never). It is a process-wide flag that also
//   applies to regexes compiled before it is set (checked on Node 20), so setting it when this module loads
//   covers --expect, scenarios and the lens filter. On Node 20 (V8 11.3) that engine cannot run patterns
//   with the i, u or v flags, backreferences or lookarounds: for those the flag changes nothing.
// - Those patterns are tested in a worker thread, and the main thread waits for the answer at most
//   `regexTimeLimitMs`; past it the worker is terminated and the test throws a RegexTooSlowError, which the
//   caller reports as a failure naming the pattern. Matching stays synchronous, so the scenario runner's
//   "every expect a message completes has completed" order is kept.
// RE2 would be linear for every pattern but is a native add-on, and the published package has no runtime
// dependencies.

import { createRequire } from 'node:module';
import type { MessagePort, Worker } from 'node:worker_threads';
import { allowLinearRegexFallback } from './linear-regex.js';

allowLinearRegexFallback();

/**
 * node:worker_threads, loaded when a first pattern needs a worker: most runs never start one, and loading
 * the module on every start cost a few ms of the smoke run.
 */
function workerThreads(): typeof import('node:worker_threads') {
  return createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
}

/** How long one regex test of one message may take, ms, before it counts as a runaway pattern. */
export const regexTimeLimitMs = 1000;

const workerStartLimitMs = 10_000;

/**
 * The error a runaway regex throws. Told by name (isRegexTooSlow), not by class: the matcher is bundled into
 * both dist/cli/main.js and dist/ui/screen.cjs, and a class in both breaks `instanceof` between them.
 */
function regexTooSlow(pattern: string, textLength: number): Error {
  const err = new Error(
    `${pattern} ran over ${regexTimeLimitMs / 1000} s on a ${textLength}-character message (nested quantifiers such as (a+)+ backtrack exponentially): rewrite the regex`,
  );
  err.name = 'RegexTooSlowError';
  return err;
}

/** Whether `err` is a regex that ran over its time limit (see testRegex). */
export function isRegexTooSlow(err: unknown): err is Error {
  return err instanceof Error && err.name === 'RegexTooSlowError';
}

/** What the linear engine of Node 20's V8 cannot run (it then keeps backtracking): flags i, u, v; \1, \k<…>, lookarounds. */
function needsWorker(re: RegExp): boolean {
  return /[iuv]/.test(re.flags) || /\\[1-9]|\\k<|\(\?<?[=!]/.test(re.source);
}

// CommonJS, evaluated by the Worker itself: nothing to bundle or resolve at run time.
const workerSource = `
const { workerData } = require('node:worker_threads');
const { flag, port } = workerData;
const compiled = new Map();
Atomics.store(flag, 1, 1);
Atomics.notify(flag, 1);
port.on('message', ({ source, flags, text, isExec }) => {
  const key = flags + '/' + source;
  let re = compiled.get(key);
  if (!re) { re = new RegExp(source, flags); compiled.set(key, re); }
  re.lastIndex = 0;
  if (!isExec) port.postMessage(re.test(text));
  else { const m = re.exec(text); port.postMessage(m && Array.from(m, (g) => g ?? null)); }
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
});
`;

interface RegexWorker {
  worker: Worker;
  port: MessagePort;
  /** [0]: 1 once the answer is posted; [1]: 1 once the worker listens. */
  flag: Int32Array;
}

let current: RegexWorker | undefined;

function startWorker(): RegexWorker {
  const { MessageChannel, Worker } = workerThreads();
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const worker = new Worker(workerSource, {
    eval: true,
    workerData: { flag, port: port2 },
    transferList: [port2],
  });
  // Never what keeps the process alive.
  worker.unref();
  port1.unref();
  return { worker, port: port1, flag };
}

function runInWorker(re: RegExp, text: string, isExec: boolean): unknown {
  const w = (current ??= startWorker());
  // Starting a worker takes ~30 ms, far more on a loaded machine: that is not the pattern's time.
  Atomics.wait(w.flag, 1, 0, workerStartLimitMs);
  Atomics.store(w.flag, 0, 0);
  w.port.postMessage({ source: re.source, flags: re.flags, text, isExec });
  const waited = Atomics.wait(w.flag, 0, 0, regexTimeLimitMs);
  const reply = workerThreads().receiveMessageOnPort(w.port);
  if (waited === 'timed-out' && reply === undefined) {
    void w.worker.terminate();
    current = undefined;
    throw regexTooSlow(String(re), text.length);
  }
  return reply?.message;
}

/**
 * `re.test(text)`, but never for more than about `regexTimeLimitMs`: throws a RegexTooSlowError (isRegexTooSlow) instead.
 * Stateless even for a regex with the g or y flag.
 */
export function testRegex(re: RegExp, text: string): boolean {
  if (needsWorker(re)) return runInWorker(re, text, false) === true;
  re.lastIndex = 0;
  return re.test(text);
}

/** `re.exec(text)` as an array of groups (null for a group that took no part), bounded like testRegex. */
export function execRegex(re: RegExp, text: string): (string | null)[] | null {
  if (needsWorker(re)) return runInWorker(re, text, true) as (string | null)[] | null;
  re.lastIndex = 0;
  const m = re.exec(text);
  return m && Array.from(m, (g) => g ?? null);
}
