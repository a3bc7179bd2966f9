// How a run ended -> its exit code and its `wsx:` lines on stderr: one table for every mode.
// Modes return an Outcome and print no verdict of their own; cli/main.ts prints what verdictFor() says.
// The README's "Exit codes" section prints the same table.

import { WsxError } from './core/errors.js';
import { formatDuration } from './text/duration.js';
import { plural } from './text/plural.js';

export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  connect: 3,
  expectation: 4,
  abnormalClose: 5,
  thresholds: 6,
  contract: 7,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** What a run counted about the messages it was given to send. */
export interface DeliveryCounts {
  /** Messages that never left: still queued at close, or past --drop-after. */
  dropped: number;
  /** Messages being written when a socket died: they may or may not have arrived. */
  unconfirmed: number;
  /** The rest of the run's counters, for the --verbose summary line. */
  sent?: number;
  received?: number;
  reconnects?: number;
}

/** Facts about the run that any ending may carry. */
export interface RunFacts {
  /** The URL, for "cannot connect to URL" and "connection to URL lost". */
  url?: string;
  /** Whether a socket ever opened: a network failure before that is "could not connect" (3), after it "lost" (5). */
  hasOpened?: boolean;
  /** Messages not delivered. Omitted by modes that show each drop as it happens (the interactive session). */
  delivery?: DeliveryCounts;
  /** --drop-after, ms, to say why messages were dropped. */
  dropAfterMs?: number;
}

/**
 * How a run ended. `completed`: it did what it was asked (input delivered and replies over, --count
 * reached, every expectation met, the server said goodbye, the user quit, `serve` stopped by a signal).
 */
export type Ending =
  | { ended: 'completed' }
  /**
   * Script mode: every expectation matched. The smoke test's own verdict decides (0), even if a message
   * was left unconfirmed by a connection that broke before a reconnect; undelivered ones are still named.
   */
  | { ended: 'expectations-met' }
  /** The connection failed; `error` says how. */
  | { ended: 'failed'; error: WsxError }
  /** --timeout passed; `message` says what was still awaited. */
  | { ended: 'timed-out'; message: string }
  /** The server closed or --count was reached before every expectation matched. */
  | { ended: 'unmet'; message: string }
  /** Something on this machine failed: stdin, stdout, a port to listen on. */
  | { ended: 'local-error'; message: string; error?: Error }
  /** A bad flag, value or URL. No message: commander already printed it. */
  | { ended: 'usage'; message?: string }
  /** A bug in wsx. */
  | { ended: 'internal'; error: unknown }
  | { ended: 'interrupted' }
  | { ended: 'terminated' }
  /**
   * `wsx run`: a scenario file failed. Its lines (FILE:LINE, step, what was expected) were printed as
   * each file ended; `code` is the first failing file's, from this table (2 syntax, 3, 4 or 5).
   */
  | { ended: 'scenario-failed'; code: ExitCodeValue }
  /** `wsx load`: the run went through, and one or more --threshold rules failed; `message` names them. */
  | { ended: 'thresholds-failed'; message: string }
  /** --asyncapi: the run went through, and one or more messages broke the contract; `message` counts them. */
  | { ended: 'contract-violated'; message: string };

export type Outcome = Ending & RunFacts;

export interface Verdict {
  code: ExitCodeValue;
  /** Lines for stderr without the "wsx: " prefix: what ended the run first, then what was not delivered. */
  lines: string[];
  /** The error whose stack --verbose prints after the first line. */
  cause?: Error;
  /** For --verbose only, after the lines: "sent 3, received 2, dropped 0, reconnects 0". */
  detail?: string;
}

/**
 * The exit code for a connection failure. `hasOpened` tells whether any socket ever opened: a network
 * error before that means "could not connect" (3); after it, the connection was lost (5).
 */
export function exitCodeFor(err: WsxError, hasOpened: boolean): ExitCodeValue {
  switch (err.kind) {
    case 'invalid-url':
    case 'invalid-option':
      return ExitCode.usage;
    case 'protocol':
      // A 101 wsx rejects (bad Sec-WebSocket-Accept, a subprotocol or extension not offered) never opened.
      return hasOpened ? ExitCode.abnormalClose : ExitCode.connect;
    case 'closed-by-peer':
    case 'message-too-big':
    case 'heartbeat-timeout':
      return ExitCode.abnormalClose;
    default:
      // refused, dns, tls, http-status, timeout, proxy, network: before any open it was the connect that failed.
      return hasOpened ? ExitCode.abnormalClose : ExitCode.connect;
  }
}

/** The line for a connection failure: the same words in every mode. */
export function describeFailure(err: WsxError, url: string | undefined, hasOpened: boolean): string {
  if (err.kind === 'closed-by-peer' || url === undefined) return err.describe();
  return hasOpened
    ? `connection to ${url} lost: ${err.describe()}`
    : describeConnectFailure(url, err.describe());
}

/** The line for a connection that never opened, `why` in words (a failure's describe(), a close reason). */
export function describeConnectFailure(url: string, why: string): string {
  return `cannot connect to ${url}: ${why}`;
}

/** What was not delivered, one line per kind of loss. */
function deliveryLines(delivery: DeliveryCounts | undefined, dropAfterMs: number | undefined): string[] {
  if (!delivery) return [];
  const lines: string[] = [];
  if (delivery.dropped > 0) {
    const why =
      dropAfterMs !== undefined
        ? `not sent within ${formatDuration(dropAfterMs)} or still queued at close`
        : 'still queued when the connection closed';
    lines.push(`${plural(delivery.dropped, 'message', 'messages')} dropped (${why})`);
  }
  if (delivery.unconfirmed > 0) {
    lines.push(
      `${plural(delivery.unconfirmed, 'message was', 'messages were')} being written when the connection dropped; delivery unconfirmed`,
    );
  }
  return lines;
}

/**
 * The exit code and stderr lines for `outcome`. The first thing that ended the run decides the code; a run
 * that would otherwise succeed but left messages undelivered exits 5 (3 if no socket ever opened), never 0,
 * unless it was a script whose expectations all matched.
 * `isVerbose` only changes the wording of an internal error (the stack follows instead of a hint).
 */
export function verdictFor(outcome: Outcome, opts: { isVerbose?: boolean } = {}): Verdict {
  const d = outcome.delivery;
  const detail =
    d?.sent === undefined
      ? {}
      : {
          detail: `sent ${d.sent}, received ${d.received}, dropped ${d.dropped}, reconnects ${d.reconnects}`,
        };
  return { ...verdictLines(outcome, opts), ...detail };
}

function verdictLines(outcome: Outcome, opts: { isVerbose?: boolean }): Verdict {
  const undelivered = deliveryLines(outcome.delivery, outcome.dropAfterMs);
  const hasOpened = outcome.hasOpened === true;
  switch (outcome.ended) {
    case 'completed':
      if (undelivered.length === 0) return { code: ExitCode.ok, lines: [] };
      return { code: hasOpened ? ExitCode.abnormalClose : ExitCode.connect, lines: undelivered };
    case 'expectations-met':
      return { code: ExitCode.ok, lines: undelivered };
    case 'failed':
      return {
        code: exitCodeFor(outcome.error, hasOpened),
        lines: [describeFailure(outcome.error, outcome.url, hasOpened), ...undelivered],
        cause: outcome.error,
      };
    case 'timed-out':
    case 'unmet':
      return { code: ExitCode.expectation, lines: [outcome.message, ...undelivered] };
    case 'local-error':
      return {
        code: ExitCode.runtime,
        lines: [outcome.message, ...undelivered],
        ...(outcome.error ? { cause: outcome.error } : {}),
      };
    case 'usage':
      return { code: ExitCode.usage, lines: outcome.message === undefined ? [] : [outcome.message] };
    case 'internal': {
      const err = outcome.error;
      const what = err instanceof Error ? err.message : String(err);
      const hint = opts.isVerbose ? '' : ' (run with --verbose for the stack trace)';
      return {
        code: ExitCode.runtime,
        lines: [`internal error: ${what}${hint}`],
        ...(err instanceof Error ? { cause: err } : {}),
      };
    }
    case 'interrupted':
      return { code: ExitCode.interrupted, lines: undelivered };
    case 'terminated':
      return { code: ExitCode.terminated, lines: undelivered };
    case 'scenario-failed':
      return { code: outcome.code, lines: [] };
    case 'thresholds-failed':
      return { code: ExitCode.thresholds, lines: [outcome.message] };
    case 'contract-violated':
      return { code: ExitCode.contract, lines: [outcome.message, ...undelivered] };
  }
}

/** The outcome of an error thrown before or outside a run: a bad option (2), a local failure (1) or a bug (1). */
export function outcomeOfThrown(err: unknown): Outcome {
  if (err instanceof WsxError) {
    return err.kind === 'invalid-option' || err.kind === 'invalid-url'
      ? { ended: 'usage', message: err.describe() }
      : { ended: 'local-error', message: err.describe(), error: err };
  }
  return { ended: 'internal', error: err };
}
