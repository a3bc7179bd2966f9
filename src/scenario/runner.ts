// Runs scenario steps over one Connection. Every incoming message goes into an inbox, so a reply that arrives
// before its `expect` runs is never missed. Steps advance synchronously on each event (message, pong, state,
// timer), so by the time anyone else hears of a message, every expect it completes has completed.

import type { Connection } from '../core/connection.js';
import { isInputError, type ProtocolMessage } from '../protocols/codec.js';
import { openSession } from '../protocols/open-session.js';
import type { ProtocolSession } from '../protocols/session.js';
import { WsxError } from '../core/errors.js';
import type { Incoming, Outgoing, StateChange } from '../core/events.js';
import { closeCodeName } from '../core/close-codes.js';
import { describeViolation } from '../contract/describe.js';
import type { MessageVerdict } from '../contract/index.js';
import { lookup, type Matcher, type Subject } from '../match/matcher.js';
import { fillMatcher } from '../match/matcher-template.js';
import { cutMessage } from './report-text.js';
import { execRegex, isRegexTooSlow } from '../match/regex-guard.js';
import { describeConnectFailure, ExitCode, exitCodeFor } from '../outcome.js';
import { formatDuration } from '../text/duration.js';
import { preview } from '../text/sanitize.js';
import type { Scenario, Step } from './steps.js';
import { Inbox } from './inbox.js';
import {
  SeenLog,
  type FileResult,
  type Reporter,
  type RunSettings,
  type StepResult,
  type StepSettings,
  type StepsOutcome,
} from './results.js';
import { encodePayload, fillTemplate } from './template.js';

class StepFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A throw while matching a message, as the step's failure: a runaway regex, or a RangeError from a message
 * nested too deep for a recursive operation. Anything else is a bug and stays a throw.
 */
function matchingFailure(err: unknown): StepFailure {
  if (isRegexTooSlow(err)) return new StepFailure(ExitCode.expectation, err.message);
  if (err instanceof RangeError)
    return new StepFailure(ExitCode.expectation, `cannot evaluate this step: ${err.message}`);
  throw err;
}

/** Violations kept in words for the failure line; the rest are counted only. */
const maxKeptViolations = 100;

/** Characters of the closest message a failed expect quotes. */
const closestShownChars = 200;

function missingVariable(name: string): string {
  return name.startsWith('env.')
    ? `environment variable ${name.slice(4)} is not set`
    : `unknown variable {{${name}}} (capture it first, or pass --var ${name}=VALUE)`;
}

/** `true`: the step passed; a StepFailure: it failed; undefined: still waiting. */
type Outcome = true | StepFailure | undefined;

/** A step under way: how to tell whether it is done, and what its limit and the connection's end mean for it. */
interface Active {
  step: Step;
  startedAt: number;
  messages: SeenLog;
  check(): Outcome;
  /** How long the step may wait, ms (default: no limit). */
  limitMs: number;
  onTimeout(): true | StepFailure;
  /** When the connection has ended; undefined: the connection's end does not concern this step (yet). */
  onEnded?(): true | StepFailure;
  hasTimedOut: boolean;
  timer?: NodeJS.Timeout;
}

/**
 * Opens a connection for `scenario`, runs a `connect` step and then the file's steps, and closes.
 * Never throws for a failed step: the result says what failed.
 */
export async function runScenario(
  scenario: Scenario,
  settings: RunSettings,
  reporter: Reporter = {},
): Promise<FileResult> {
  const started = Date.now();
  // Shown everywhere instead of the real URL: its secret query values are masked.
  const url = settings.connection.displayUrl ?? settings.connection.url;
  reporter.fileStarted?.(scenario.file, url);
  const connectStep: Step = { verb: 'connect', url, line: scenario.connectLine ?? 0, text: `connect ${url}` };
  const fileReporter: Reporter = { stepDone: (_file, r) => reporter.stepDone?.(scenario.file, r) };
  let outcome: StepsOutcome;
  let conn: Connection | undefined;
  let proto: ProtocolSession | undefined;
  try {
    // The codec decides the URL and subprotocols; the display URL stays the one the user gave.
    ({ conn, proto } = await openSession(
      { ...settings.connection, displayUrl: url },
      {
        proto: settings.proto,
        ...(settings.signal ? { deps: { signal: settings.signal } } : {}),
        ...(settings.observe ? { observe: settings.observe } : {}),
      },
    ));
  } catch (err) {
    const code = err instanceof WsxError ? exitCodeFor(err, false) : ExitCode.runtime;
    const message = (err as Error).message;
    reporter.stepDone?.(scenario.file, {
      step: connectStep,
      isOk: false,
      ms: 0,
      messages: [],
      error: message,
    });
    outcome = {
      isOk: false,
      code,
      steps: [],
      failure: { step: connectStep, message, lastSeen: [] },
    };
  }
  if (conn) {
    const run = new StepRun(conn, [connectStep, ...scenario.steps], settings, fileReporter, proto);
    conn.start();
    outcome = await run.done;
    await conn.close(1000);
  }
  const result: FileResult = {
    file: scenario.file,
    url: conn?.snapshot().url ?? url,
    ms: Date.now() - started,
    ...outcome!,
  };
  reporter.fileDone?.(result);
  return result;
}

/**
 * Runs `steps` over `conn`, which the caller starts and closes (script mode's LineSession does). Listens from
 * the call on, so create it before `conn.start()`. A `connect` step waits for the first open.
 */
export function runSteps(
  conn: Connection,
  steps: Step[],
  settings: StepSettings,
  reporter: Reporter = {},
): Promise<StepsOutcome> {
  return new StepRun(conn, steps, settings, reporter).done;
}

/**
 * Like runSteps, but the caller feeds the incoming text messages (script mode's LineSession, which prints each
 * one first): `push` advances the steps synchronously, so the caller knows at once what a message completed.
 */
export function feedSteps(
  conn: Connection,
  steps: Step[],
  settings: StepSettings,
  reporter: Reporter = {},
): { done: Promise<StepsOutcome>; push(text: string): void } {
  const run = new StepRun(conn, steps, settings, reporter, undefined, true);
  return { done: run.done, push: (text) => run.push(text) };
}

class StepRun {
  readonly done: Promise<StepsOutcome>;
  private resolveDone!: (outcome: StepsOutcome) => void;
  private readonly inbox = new Inbox((subject) => this.excuse(subject));
  private readonly vars: Map<string, string>;
  private pongs = 0;
  /** How the connection ended for good. */
  private ended: StateChange | undefined;
  /** The first close of a socket: the final one, or one before a reconnect. */
  private lastClose: StateChange | undefined;
  private isClosedByUs = false;
  private isCloseExpected = false;
  private readonly results: StepResult[] = [];
  private next = 0;
  private active: Active | undefined;
  private isFinished = false;
  private isAdvancing = false;
  private isAdvanceAgain = false;

  /**
   * --asyncapi: messages that broke the contract, and the first ones in words (bounded: a flood of bad
   * messages must not grow memory). One an `expect invalid` counted was asked for, and leaves the count.
   */
  private violations = 0;
  private readonly firstViolations: { verdict: MessageVerdict; text: string }[] = [];
  private violationsDropped = false;

  private readonly onMessage = (msg: Incoming) => {
    const verdict = msg.isBinary ? undefined : this.checkContract('received', msg.data.toString('utf8'));
    this.inbox.push(msg.data, msg.isBinary, verdict);
    this.advance();
  };
  /** With --proto: what the codec decoded, one JSON text each (a graphql-ws `complete` is no message). */
  private readonly onProtocolMessage = (msg: ProtocolMessage) => {
    if (msg.isError) this.errorAnswers.add(msg.text);
    if (msg.kind !== 'complete') {
      const verdict = this.checkContract('received', msg.text, msg.answers);
      this.inbox.push(Buffer.from(msg.text), false, verdict);
    }
    this.advance();
  };
  /** With --proto: the texts of the error answers (JSON-RPC errors, graphql-ws errors) received. */
  private readonly errorAnswers = new Set<string>();
  private readonly onReady = () => this.advance();
  private readonly onPong = () => {
    this.pongs++;
    this.advance();
  };
  private readonly onState = (change: StateChange) => {
    // With --reconnect a socket may close and another open: steps keep waiting through that (`waiting`),
    // but expect-close sees the close.
    if (change.to === 'closed') this.ended = change;
    if (change.to === 'closed' || (change.to === 'waiting' && change.closeCode !== undefined))
      this.lastClose ??= change;
    this.advance();
  };
  private readonly onError = () => {}; // carried by the state change
  private readonly onAbort = () => this.advance();
  /**
   * JSON-RPC (and cdp): a request is checked as it went out, with the `jsonrpc` and `id` members the codec
   * added, which a document's schema usually requires; the line the scenario wrote lacks them.
   */
  private readonly isSentCheckedOnWire: boolean;
  private readonly onSent = (msg: Outgoing) => {
    if (!msg.isBinary && !msg.isProtocolFrame)
      this.checkContract('sent', typeof msg.data === 'string' ? msg.data : msg.data.toString('utf8'));
  };

  constructor(
    private readonly conn: Connection,
    private readonly steps: Step[],
    private readonly settings: StepSettings,
    private readonly reporter: Reporter,
    private readonly proto?: ProtocolSession,
    isFed = false,
  ) {
    this.vars = new Map(settings.vars);
    this.done = new Promise((resolve) => (this.resolveDone = resolve));
    const codec = proto?.codec.name;
    this.isSentCheckedOnWire = settings.contract !== undefined && (codec === 'jsonrpc' || codec === 'cdp');
    if (this.isSentCheckedOnWire) conn.on('sent', this.onSent);
    if (proto) {
      proto.on('message', this.onProtocolMessage);
      proto.on('ready', this.onReady);
    } else if (!isFed) {
      conn.on('message', this.onMessage);
    }
    conn.on('pong', this.onPong);
    conn.on('state', this.onState);
    conn.on('error', this.onError);
    settings.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.advance();
  }

  /** A text message from the caller (feedSteps). */
  push(text: string): void {
    if (this.isFinished) return;
    this.inbox.push(Buffer.from(text), false);
    this.advance();
  }

  /** Runs steps for as long as they complete without waiting. Re-entered by events a step itself causes. */
  private advance(): void {
    if (this.isAdvancing) {
      this.isAdvanceAgain = true;
      return;
    }
    this.isAdvancing = true;
    try {
      do {
        this.isAdvanceAgain = false;
        while (!this.isFinished) {
          if (!this.active) {
            if (this.next >= this.steps.length) {
              this.finish(undefined);
              break;
            }
            this.active = this.begin(this.steps[this.next++]!);
          }
          const outcome = this.pollGuarded(this.active);
          if (outcome === undefined) break;
          this.stepEnded(this.active, outcome);
        }
      } while (this.isAdvanceAgain && !this.isFinished);
    } finally {
      this.isAdvancing = false;
    }
  }

  /**
   * poll(), with a runaway regex (or any other throw from matching a message) turned into the step's failure:
   * thrown from an event handler it would end the process with a stack trace and no report.
   */
  private pollGuarded(a: Active): Outcome {
    try {
      return this.poll(a);
    } catch (err) {
      return matchingFailure(err);
    }
  }

  private poll(a: Active): Outcome {
    const signal = this.settings.signal;
    if (signal?.aborted) {
      const reason: unknown = signal.reason;
      return new StepFailure(typeof reason === 'number' ? reason : ExitCode.interrupted, 'interrupted');
    }
    const outcome = a.check();
    if (outcome !== undefined) return outcome;
    if (this.ended && a.onEnded) return a.onEnded();
    if (a.hasTimedOut) return a.onTimeout();
    return undefined;
  }

  private stepEnded(a: Active, outcome: true | StepFailure): void {
    clearTimeout(a.timer);
    this.active = undefined;
    const result: StepResult = {
      step: a.step,
      isOk: outcome === true,
      ms: Date.now() - a.startedAt,
      messages: a.messages.listed,
      ...(a.messages.unlisted > 0 ? { unlisted: a.messages.unlisted } : {}),
      ...(a.messages.ignored > 0 ? { ignored: a.messages.ignored } : {}),
    };
    if (outcome !== true) result.error = outcome.message;
    this.results.push(result);
    this.reporter.stepDone?.('', result);
    if (outcome !== true) this.finish({ step: a.step, err: outcome });
  }

  /** The message's verdict (undefined without --asyncapi); a violation is counted until excused. */
  private checkContract(
    direction: 'received' | 'sent',
    text: string,
    answers?: string,
  ): MessageVerdict | undefined {
    const verdict = this.settings.contract?.contract.check(direction, text, answers);
    // A message the document has no name for (a JSON-RPC method) is unknown, not a break of the contract.
    if (!verdict || verdict.isValid || verdict.isUnknown) return verdict;
    this.violations++;
    if (this.firstViolations.length < maxKeptViolations)
      this.firstViolations.push({ verdict, text: describeViolation(direction, verdict) });
    else this.violationsDropped = true;
    return verdict;
  }

  /** An `expect invalid` counted this message: the scenario asked for that break of the contract. */
  private excuse(subject: Subject): void {
    const verdict = subject.verdict;
    if (!verdict || verdict.isValid || verdict.isUnknown) return;
    this.violations--;
    const i = this.firstViolations.findIndex((v) => v.verdict === verdict);
    if (i !== -1) this.firstViolations.splice(i, 1);
  }

  private finish(failed: { step: Step; err: StepFailure } | undefined): void {
    if (this.isFinished) return;
    let failure = failed;
    // Breaks of the contract fail the scenario only with --contract strict (its stderr lines said them).
    if (!failure && this.violations > 0 && this.settings.contract!.isStrict) {
      const what = this.violations === 1 ? '1 message' : `${this.violations} messages`;
      const first =
        this.firstViolations[0]?.text ?? (this.violationsDropped ? 'not kept (too many)' : 'unknown');
      const message = `${what} broke the contract (${this.settings.contract!.file}); the first: ${first}`;
      failure = {
        step: this.steps[this.steps.length - 1]!,
        err: new StepFailure(ExitCode.contract, message),
      };
    }
    const endedWith = this.proto?.failure ?? this.ended?.error;
    if (!failure && endedWith && !this.isCloseExpected && !this.isClosedByUs) {
      // The connection broke after the last step passed: still a failure of the run.
      failure = { step: this.steps[this.steps.length - 1]!, err: this.endedFailure('after the last step') };
    }
    this.isFinished = true;
    this.proto?.off('message', this.onProtocolMessage);
    this.proto?.off('ready', this.onReady);
    this.conn.off('message', this.onMessage);
    this.conn.off('sent', this.onSent);
    this.conn.off('pong', this.onPong);
    this.conn.off('state', this.onState);
    this.conn.off('error', this.onError);
    this.settings.signal?.removeEventListener('abort', this.onAbort);
    this.resolveDone({
      isOk: !failure,
      code: failure ? failure.err.code : ExitCode.ok,
      steps: this.results,
      ...(failure
        ? {
            failure: {
              step: failure.step,
              message: failure.err.message,
              lastSeen: this.inbox.lastTexts(3),
            },
          }
        : {}),
    });
  }

  /** Starts `step`: its side effects happen here, once; `check` then says when it is done. */
  private begin(step: Step): Active {
    const a: Active = {
      step,
      startedAt: Date.now(),
      messages: new SeenLog(),
      check: () => true,
      limitMs: Infinity,
      onTimeout: () => true,
      hasTimedOut: false,
    };
    const limit = (withinMs: number | undefined) => withinMs ?? this.settings.stepTimeoutMs;
    const failNow = (err: StepFailure) => (a.check = () => err);
    switch (step.verb) {
      case 'connect':
        // The handshake has its own limit (--connect-timeout); this waits for its outcome.
        // With --proto, open means the protocol's opening is done too (CONNECT answered, connection_ack).
        a.check = () =>
          (this.proto ? this.proto.isReady : this.conn.currentState === 'open') ? true : undefined;
        a.onEnded = () => {
          // A protocol's refusal names the server itself: "the Socket.IO server refused namespace /x: …".
          const refusal = this.proto?.failure;
          if (refusal) return new StepFailure(exitCodeFor(refusal, false), refusal.describe());
          const err = this.ended?.error;
          const why = err ? err.describe() : (this.ended?.reason ?? 'closed');
          return new StepFailure(
            err ? exitCodeFor(err, false) : ExitCode.connect,
            describeConnectFailure(this.conn.snapshot().url, why),
          );
        };
        break;
      case 'send':
        this.beginSend(step, a, limit(undefined), failNow);
        break;
      case 'expect':
      case 'expect-all':
        this.beginExpect(step, a, limit(step.withinMs), failNow);
        break;
      case 'expect-no':
        this.beginExpectNo(step, a, limit(step.withinMs), failNow);
        break;
      case 'capture': {
        let err: StepFailure | undefined;
        try {
          err = this.capture(step);
        } catch (thrown) {
          err = matchingFailure(thrown);
        }
        if (err) failNow(err);
        break;
      }
      case 'ignore': {
        const filled = this.filled(step.matcher);
        if (filled instanceof StepFailure) failNow(filled);
        else this.inbox.ignore(filled);
        break;
      }
      case 'sleep':
        a.limitMs = step.ms;
        a.check = () => undefined;
        a.onEnded = () => (this.ended?.error ? this.endedFailure('during sleep') : true);
        break;
      case 'ping': {
        if (this.ended) {
          failNow(this.endedFailure('before the ping'));
          break;
        }
        const before = this.pongs;
        try {
          this.conn.ping();
        } catch (err) {
          failNow(new StepFailure(ExitCode.expectation, (err as Error).message));
          break;
        }
        const ms = limit(undefined);
        a.check = () => (this.pongs > before ? true : undefined);
        a.onEnded = () => this.endedFailure('before the pong');
        a.limitMs = ms;
        a.onTimeout = () => new StepFailure(ExitCode.expectation, `no pong within ${formatDuration(ms)}`);
        break;
      }
      case 'close': {
        const reason = fillTemplate(step.reason, this.vars, this.settings.env);
        if ('missing' in reason) {
          failNow(new StepFailure(ExitCode.usage, missingVariable(reason.missing)));
          break;
        }
        // RFC 6455 §5.5: a close frame's payload is at most 125 bytes, 2 of them the code.
        if (Buffer.byteLength(reason.text) > 123) {
          failNow(
            new StepFailure(ExitCode.usage, 'close: the reason is over 123 bytes after filling in variables'),
          );
          break;
        }
        this.isClosedByUs = true;
        let isClosed = false;
        a.check = () => (isClosed ? true : undefined);
        void this.conn.close(step.code, reason.text).then(() => {
          isClosed = true;
          this.advance();
        });
        break;
      }
      case 'expect-close':
        this.beginExpectClose(step, a, limit(step.withinMs));
        break;
    }
    if (Number.isFinite(a.limitMs)) {
      a.timer = setTimeout(() => {
        a.hasTimedOut = true;
        this.advance();
      }, a.limitMs);
    }
    return a;
  }

  private beginSend(
    step: Extract<Step, { verb: 'send' }>,
    a: Active,
    limitMs: number,
    failNow: (err: StepFailure) => void,
  ): void {
    const filled = fillTemplate(step.template, this.vars, this.settings.env);
    if ('missing' in filled) return failNow(new StepFailure(ExitCode.usage, missingVariable(filled.missing)));
    const payload = encodePayload(filled.text, step.encoding);
    if (payload === undefined) {
      const verb = step.encoding === 'hex' ? 'send-hex' : 'send-base64';
      return failNow(
        new StepFailure(ExitCode.usage, `${verb}: not ${step.encoding} after filling in variables`),
      );
    }
    if (this.ended) return failNow(this.endedFailure('before the message was sent'));
    if (this.proto) {
      const name = this.proto.codec.name;
      if (step.encoding !== 'text')
        return failNow(
          new StepFailure(ExitCode.usage, `send-${step.encoding} does not go with --proto ${name}`),
        );
      try {
        this.proto.input(filled.text);
        if (!this.isSentCheckedOnWire) this.checkContract('sent', filled.text);
      } catch (err) {
        if (!isInputError(err)) throw err;
        return failNow(new StepFailure(ExitCode.usage, `not a ${name} message: ${err.message}`));
      }
    } else {
      this.conn.send(payload, { binary: step.encoding !== 'text' });
      if (step.encoding === 'text') this.checkContract('sent', filled.text);
    }
    let isFlushed: boolean | undefined;
    void this.conn.flushed().then((ok) => {
      isFlushed = ok;
      this.advance();
    });
    a.check = () =>
      isFlushed === undefined
        ? undefined
        : isFlushed
          ? true
          : this.endedFailure('before the message was sent');
    a.limitMs = limitMs;
    a.onTimeout = () => new StepFailure(ExitCode.expectation, `not sent within ${formatDuration(limitMs)}`);
  }

  /** `matcher` with the run's variables filled in, or the step's failure naming a missing one. */
  private filled(matcher: Matcher): Matcher | StepFailure {
    const result = fillMatcher(matcher, (name) =>
      name.startsWith('env.') ? this.settings.env[name.slice(4)] : this.vars.get(name),
    );
    if ('matcher' in result) return result.matcher;
    if ('error' in result) return new StepFailure(ExitCode.usage, result.error);
    return new StepFailure(ExitCode.usage, missingVariable(result.missing));
  }

  private beginExpect(
    step: Extract<Step, { verb: 'expect' | 'expect-all' }>,
    a: Active,
    limitMs: number,
    failNow: (err: StepFailure) => void,
  ): void {
    const wanted: { matcher: Matcher; count: number }[] = [];
    for (const item of step.verb === 'expect' ? [step] : step.items) {
      const matcher = this.filled(item.matcher);
      if (matcher instanceof StepFailure) return failNow(matcher);
      wanted.push({ matcher, count: item.count });
    }
    const isGroup = step.verb === 'expect-all';
    const reading = this.inbox.expecting(
      wanted,
      step.verb === 'expect' && step.mayReuseLast === true,
      a.messages,
    );
    // An error answer the expect passes over fails it at once: the answer it waits for will not come.
    // `ignore json error exists` lets errors pass. Every message read is watched, listed or not.
    let errorAnswer: string | undefined;
    a.messages.watch = (seen) => {
      if (errorAnswer === undefined && seen.role === 'skipped' && this.errorAnswers.has(seen.text))
        errorAnswer = seen.text;
    };
    a.check = () => {
      const isDone = reading.scan();
      if (errorAnswer !== undefined)
        return new StepFailure(
          ExitCode.expectation,
          `the server answered with an error: ${preview(errorAnswer, 200)}`,
        );
      return isDone ? true : undefined;
    };
    // What is still missing, and the closest message each missing matcher saw with why it did not match.
    const why = () => {
      const missing = wanted.map((w, i) => ({ ...w, i })).filter((w) => reading.found(w.i) < w.count);
      const counted = (w: { count: number; i: number }) =>
        w.count > 1 ? ` (${reading.found(w.i)} of ${w.count} arrived)` : '';
      const waitedFor = isGroup
        ? `${missing.map((w) => w.matcher.label + counted(w)).join(' and ')} (${wanted.length - missing.length} of ${wanted.length} met)`
        : `${wanted[0]!.matcher.label}${counted(missing[0] ?? { count: 1, i: 0 })}`;
      const closest = missing.flatMap((w) => {
        const miss = reading.closest(w.i);
        if (!miss) return [];
        // A one-condition matcher's label is in the text already.
        const prefix = `${w.matcher.label}: `;
        const reason = miss.why.startsWith(prefix) ? miss.why.slice(prefix.length) : miss.why;
        return [`closest message: ${cutMessage(miss.text, closestShownChars)} (${reason})`];
      });
      const seenAny = a.messages.listed.length > 0 || a.messages.ignored > 0;
      const tail = closest.length > 0 ? `; ${closest.join('; ')}` : seenAny ? '' : '; no message arrived';
      return { waitedFor, tail };
    };
    a.onEnded = () => {
      const { waitedFor, tail: t } = why();
      // A connection that ended explains itself: "no message arrived" would only repeat it.
      const tail = t === '; no message arrived' ? '' : t;
      return this.endedFailure(`before a match for ${waitedFor}${tail}`);
    };
    a.limitMs = limitMs;
    a.onTimeout = () => {
      const { waitedFor, tail } = why();
      return new StepFailure(
        ExitCode.expectation,
        `timed out after ${formatDuration(limitMs)} waiting for ${waitedFor}${tail}`,
      );
    };
  }

  private beginExpectNo(
    step: Extract<Step, { verb: 'expect-no' }>,
    a: Active,
    limitMs: number,
    failNow: (err: StepFailure) => void,
  ): void {
    const matcher = this.filled(step.matcher);
    if (matcher instanceof StepFailure) return failNow(matcher);
    // Looks without consuming: the next expect still sees these messages.
    const watch = this.inbox.watching(matcher, a.messages);
    a.check = () =>
      watch.scan()
        ? new StepFailure(
            ExitCode.expectation,
            `a message matched ${matcher.label} within ${formatDuration(limitMs)}`,
          )
        : undefined;
    a.onEnded = () => (this.ended?.error ? this.endedFailure('while waiting') : true);
    a.limitMs = limitMs;
    a.onTimeout = () => true;
  }

  private capture(step: Extract<Step, { verb: 'capture' }>): StepFailure | undefined {
    const fail = (why: string) => new StepFailure(ExitCode.expectation, `capture ${step.name}: ${why}`);
    const entry = this.inbox.lastMatched();
    if (!entry) return fail('no message was matched yet');
    if (step.from.kind === 'json') {
      const doc = entry.subject.json();
      if (!doc.isJson) return fail('the matched message is not JSON');
      const field = lookup(doc.value, step.from.path);
      if (!field.found) return fail(`${step.from.pathText} is missing in the matched message`);
      let value: string;
      try {
        value = typeof field.value === 'string' ? field.value : JSON.stringify(field.value);
      } catch (err) {
        // JSON.stringify recurses: a value nested some thousands deep overflows the stack.
        if (!(err instanceof RangeError)) throw err;
        return fail(`${step.from.pathText} is nested too deep to capture`);
      }
      this.vars.set(step.name, value);
      return undefined;
    }
    const m = execRegex(step.from.re, entry.text);
    if (!m) return fail(`${String(step.from.re)} does not match the matched message`);
    this.vars.set(step.name, m[1] ?? m[0] ?? '');
    return undefined;
  }

  private beginExpectClose(step: Extract<Step, { verb: 'expect-close' }>, a: Active, limitMs: number): void {
    this.isCloseExpected = true;
    a.check = () => {
      this.inbox.drain(a.messages);
      if (!this.lastClose) return undefined;
      const code = this.lastClose.closeCode;
      if (step.code === undefined || code === step.code) return true;
      return new StepFailure(
        ExitCode.expectation,
        `the server closed with ${code === undefined ? 'no code' : closeCodeName(code)}, expected ${closeCodeName(step.code)}`,
      );
    };
    a.limitMs = limitMs;
    a.onTimeout = () =>
      new StepFailure(ExitCode.expectation, `the server did not close within ${formatDuration(limitMs)}`);
  }

  /** The failure for a connection that ended while a step needed it: 5 when abnormal, 4 when the server closed normally. */
  private endedFailure(when: string): StepFailure {
    const change = this.ended;
    const refusal = this.proto?.failure;
    if (refusal)
      return new StepFailure(exitCodeFor(refusal, this.proto.hasBeenReady), `${refusal.describe()} ${when}`);
    const err = change?.error;
    if (err) {
      const what = err.kind === 'closed-by-peer' ? err.describe() : `connection lost: ${err.describe()}`;
      return new StepFailure(exitCodeFor(err, true), `${what} ${when}`);
    }
    if (this.isClosedByUs)
      return new StepFailure(ExitCode.expectation, `the connection was closed (by a close step) ${when}`);
    const how =
      change?.closeCode === undefined
        ? 'the server closed'
        : `the server closed with ${closeCodeName(change.closeCode)}`;
    return new StepFailure(ExitCode.expectation, `${how} ${when}`);
  }
}
