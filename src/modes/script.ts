// Script mode for CI smoke tests: send the -x messages, wait for the expectations in order (as expect steps on
// the scenario runner, fed by the LineSession that prints each message), exit with a verdict.

import type { Outcome } from '../outcome.js';
import type { Options } from '../options.js';
import { closeCodeName } from '../core/close-codes.js';
import { isInputError } from '../protocols/codec.js';
import { formatDuration } from '../text/duration.js';
import { preview } from '../text/sanitize.js';
import { feedSteps } from '../scenario/runner.js';
import type { Step } from '../scenario/steps.js';
import { LineSession, type Io, type SessionHooks } from './line-session.js';

/** With expectations and no --timeout, a smoke test still ends: after this long, ms. */
export const defaultScriptTimeoutMs = 10_000;

export async function runScript(options: Options, io: Io): Promise<Outcome> {
  const expectations = options.expectations;
  const timeoutMs = options.timeoutMs ?? (expectations.length > 0 ? defaultScriptTimeoutMs : undefined);
  const session = await LineSession.create({ ...options, timeoutMs }, io);
  const progress: Progress = { matched: 0, recent: [] };
  // The expectations run as the scenario engine's expect steps: one matcher, one runner.
  const steps = expectationSteps(expectations);
  const run =
    steps.length > 0
      ? feedSteps(
          session.conn,
          steps,
          { vars: new Map(), env: process.env, stepTimeoutMs: Infinity },
          { stepDone: (_file, result) => (progress.matched += result.isOk ? 1 : 0) },
        )
      : undefined;

  // Queued before the socket opens, sent in order once it does. A -x message the protocol cannot send is a
  // mistake in the command line, found before connecting: exit 2, like a bad flag value.
  const refused = sendMessages(session, options);
  if (refused) return { ended: 'usage', message: refused };
  // Nothing more to send: linger for replies, unless told to listen until the server closes (9.8).
  const isListening = options.isListenOnly || options.waitMs === Infinity;
  if (expectations.length === 0 && !isListening) void session.inputEnded();

  // A step that fails on its own while the socket is open (a regex that ran over its time limit) ends the
  // run now; a close is reported by onPeerClosed, which knows the script's wording.
  void run?.done.then((outcome) => {
    if (!outcome.isOk && outcome.failure && session.conn.currentState === 'open')
      void session.end({ ended: 'unmet', message: outcome.failure.message });
  });

  return session.start(scriptHooks(session, options, timeoutMs, progress, run));
}

/** How far the expectations have got, and the last three texts (named when one is still missing). */
interface Progress {
  matched: number;
  recent: string[];
}

/** When the run ends, and in which words: every expectation met, an error answer, the count, a close, a timeout. */
function scriptHooks(
  session: LineSession,
  options: Options,
  timeoutMs: number | undefined,
  progress: Progress,
  run: { push(text: string): void } | undefined,
): SessionHooks {
  const expectations = options.expectations;
  const pending = () => describePending(expectations, progress.matched, progress.recent);
  return {
    onOpen(isReconnect) {
      if (!isReconnect || !options.resend) return;
      const refusedNow = sendMessages(session, options);
      if (refusedNow) void session.end({ ended: 'local-error', message: refusedNow });
    },
    onText(text, isError) {
      progress.recent.push(text);
      if (progress.recent.length > 3) progress.recent.shift();
      // One message may satisfy several expectations in a row.
      const before = progress.matched;
      run?.push(text);
      const matched = progress.matched;
      if (matched > before && matched === expectations.length)
        void session.end({ ended: 'expectations-met' });
      else if (isError && matched === before && matched < expectations.length) {
        // An error answer nothing expected: the awaited answer will not come, so waiting out --timeout
        // would only hide why.
        const next = expectations[matched]!;
        void session.end({
          ended: 'unmet',
          message: `the server answered with an error while waiting for ${next.label} (expectation ${matched + 1} of ${expectations.length}): ${preview(text, 200)}`,
        });
      }
    },
    onCountReached() {
      if (progress.matched >= expectations.length)
        return expectations.length > 0 ? { ended: 'expectations-met' } : { ended: 'completed' };
      return {
        ended: 'unmet',
        message: `received ${options.count} messages without a match for ${pending()}`,
      };
    },
    onPeerClosed(change) {
      if (progress.matched >= expectations.length) return undefined;
      const how =
        change.closeCode === undefined
          ? 'the server closed'
          : `the server closed with ${closeCodeName(change.closeCode)}`;
      return { ended: 'unmet', message: `${how} before a match for ${pending()}` };
    },
    describeTimeout() {
      const limit = formatDuration(timeoutMs ?? 0);
      if (!session.conn.snapshot().hasOpened)
        return `timed out after ${limit} before connecting to ${options.displayUrl}`;
      return progress.matched < expectations.length
        ? `timed out after ${limit} waiting for ${pending()}`
        : `timed out after ${limit}`;
    },
  };
}

/**
 * The expectations as the scenario engine's expect steps. This mode keeps its own limit (--timeout) and
 * texts, so the steps have none; a message may satisfy several in a row.
 */
function expectationSteps(expectations: Options['expectations']): Step[] {
  return expectations.map((e) => ({
    verb: 'expect',
    matcher: e.matcher,
    count: 1,
    withinMs: undefined,
    mayReuseLast: true,
    line: 0,
    text: `expect ${e.matcher.label}`,
  }));
}

/** Queues every -x message; the first one the --proto codec cannot send comes back in words instead. */
function sendMessages(session: LineSession, options: Options): string | undefined {
  for (const message of options.execute) {
    try {
      session.sendLine(message);
    } catch (err) {
      if (!isInputError(err)) throw err;
      return `-x "${preview(message, 60)}" is not a ${options.proto?.name ?? 'raw'} message: ${err.message}`;
    }
  }
  return undefined;
}

/** The expectation still awaited, with the last messages seen (and for JSON, what they held instead). */
function describePending(expectations: Options['expectations'], matched: number, recent: string[]): string {
  const next = expectations[matched]!;
  const seen =
    recent.length > 0
      ? `; last messages: ${recent.map((m) => `"${preview(m, 80)}"`).join(', ')}`
      : '; no text message arrived';
  // For --expect-json, what the last message held instead, with its type: 7 vs "7".
  const last = recent.at(-1);
  const why =
    last !== undefined && next.matcher.conditions[0]?.kind === 'json' ? next.explain(last) : undefined;
  return `${next.label} (expectation ${matched + 1} of ${expectations.length})${seen}${why ? ` (${preview(why, 120)})` : ''}`;
}
