// Runs one scenario over one Connection: steps in order, each with its own time limit, every incoming
// message kept in an inbox so a reply that arrives before its `expect` runs is never missed.

import { Connection, type ConnectionOptions } from '../core/connection.js';
import { WsxError } from '../core/errors.js';
import type { StateChange } from '../core/events.js';
import { closeCodeName } from '../core/close-codes.js';
import { explainMismatch, lookup, matches, Subject, type Matcher } from '../match/matcher.js';
import { ExitCode, exitCodeFor } from '../outcome.js';
import { formatDuration } from '../text/duration.js';
import type { Scenario, Step } from './steps.js';
import { encodePayload, fillTemplate } from './template.js';

export interface RunSettings {
  /** The connection to open; its url is the one the scenario runs against. */
  connection: ConnectionOptions;
  /** --var NAME=VALUE; captures add to a copy. */
  vars: ReadonlyMap<string, string>;
  env: NodeJS.ProcessEnv;
  /** The limit of a step that has no `within`, ms (--step-timeout, default 10 s). */
  stepTimeoutMs: number;
  /** Aborting ends the run at once; a numeric reason is the exit code (130 for SIGINT). */
  signal?: AbortSignal;
}

export interface SeenMessage {
  text: string;
  isBinary: boolean;
  /** matched: counted by this step; skipped: matched nothing; ignored: dropped by an `ignore`. */
  role: 'matched' | 'skipped' | 'ignored';
}

export interface StepResult {
  step: Step;
  isOk: boolean;
  ms: number;
  /** The messages this step looked at, in arrival order. */
  messages: SeenMessage[];
  /** What went wrong, one line, when the step failed. */
  error?: string;
}

export interface FileResult {
  file: string;
  url: string;
  isOk: boolean;
  /** 0, or the exit code of the first failure: 2, 3, 4, 5 (or 130/143 when interrupted). */
  code: number;
  ms: number;
  steps: StepResult[];
  failure?: {
    /** The failing step (a `connect` step for a connection that never opened). */
    step: Step;
    message: string;
    /** The last messages that arrived, newest last. */
    lastSeen: string[];
  };
}

export interface Reporter {
  fileStarted?(file: string, url: string): void;
  stepDone?(file: string, result: StepResult): void;
  fileDone?(result: FileResult): void;
}

class StepFailure extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface InboxEntry {
  text: string;
  isBinary: boolean;
  subject: Subject;
  isIgnored?: boolean;
}

type Wait<T> = { kind: 'done'; value: T } | { kind: 'timeout' } | { kind: 'ended' };

/** Runs `scenario`; never throws for a failed step (the result says what failed). */
export async function runScenario(
  scenario: Scenario,
  settings: RunSettings,
  reporter: Reporter = {},
): Promise<FileResult> {
  return new ScenarioRun(scenario, settings, reporter).run();
}

class ScenarioRun {
  private conn!: Connection;
  private readonly inbox: InboxEntry[] = [];
  /** Index of the next message no expect has looked at. */
  private cursor = 0;
  /** Index of the message the last expect matched. */
  private lastMatch: number | undefined;
  private readonly ignores: Matcher[] = [];
  private readonly vars: Map<string, string>;
  private pongs = 0;
  /** How the socket ended: the final close, or a close before a reconnect. */
  private ended: StateChange | undefined;
  private isClosedByUs = false;
  private isCloseExpected = false;
  private wake: (() => void) | undefined;
  private readonly started = Date.now();
  private readonly results: StepResult[] = [];

  constructor(
    private readonly scenario: Scenario,
    private readonly settings: RunSettings,
    private readonly reporter: Reporter,
  ) {
    this.vars = new Map(settings.vars);
  }

  async run(): Promise<FileResult> {
    const url = this.settings.connection.url;
    this.reporter.fileStarted?.(this.scenario.file, url);
    const connectStep: Step = {
      verb: 'connect',
      url,
      line: this.scenario.connectLine ?? 0,
      text: `connect ${url}`,
    };
    try {
      this.conn = new Connection(
        this.settings.connection,
        this.settings.signal ? { signal: this.settings.signal } : {},
      );
    } catch (err) {
      const code = err instanceof WsxError ? exitCodeFor(err, false) : ExitCode.runtime;
      return this.finish(connectStep, 0, [], new StepFailure(code, (err as Error).message));
    }
    this.listen();
    this.conn.start();
    let failure: { step: Step; at: number; messages: SeenMessage[]; err: StepFailure } | undefined;
    const steps = [connectStep, ...this.scenario.steps];
    for (const step of steps) {
      const at = Date.now();
      const messages: SeenMessage[] = [];
      try {
        await this.runStep(step, messages);
        this.report({ step, isOk: true, ms: Date.now() - at, messages });
      } catch (err) {
        if (!(err instanceof StepFailure)) throw err;
        failure = { step, at, messages, err };
        break;
      }
    }
    if (!failure && this.ended?.error && !this.isCloseExpected && !this.isClosedByUs) {
      // The connection broke after the last step passed: still a failure of the run.
      failure = {
        step: steps[steps.length - 1]!,
        at: Date.now(),
        messages: [],
        err: this.endedFailure('after the last step'),
      };
    }
    await this.conn.close(1000);
    if (failure) return this.finish(failure.step, failure.at, failure.messages, failure.err);
    return this.finish(undefined, 0, [], undefined);
  }

  private report(result: StepResult): void {
    this.results.push(result);
    this.reporter.stepDone?.(this.scenario.file, result);
  }

  private finish(
    step: Step | undefined,
    at: number,
    messages: SeenMessage[],
    err: StepFailure | undefined,
  ): FileResult {
    if (step && err) this.report({ step, isOk: false, ms: Date.now() - at, messages, error: err.message });
    const result: FileResult = {
      file: this.scenario.file,
      url: this.settings.connection.url,
      isOk: !err,
      code: err ? err.code : ExitCode.ok,
      ms: Date.now() - this.started,
      steps: this.results,
      ...(step && err
        ? { failure: { step, message: err.message, lastSeen: this.inbox.slice(-3).map((m) => m.text) } }
        : {}),
    };
    this.reporter.fileDone?.(result);
    return result;
  }

  private listen(): void {
    const conn = this.conn;
    conn.on('message', (msg) => {
      const text = msg.isBinary ? msg.data.toString('base64') : msg.data.toString('utf8');
      this.inbox.push({ text, isBinary: msg.isBinary, subject: new Subject(text) });
      this.wake?.();
    });
    conn.on('pong', () => {
      this.pongs++;
      this.wake?.();
    });
    conn.on('error', () => {}); // carried by the state change
    conn.on('state', (change) => {
      if (change.to === 'closed' || (change.to === 'waiting' && change.closeCode !== undefined)) {
        this.ended ??= change;
        this.wake?.();
      }
      if (change.to === 'open' && this.ended && !this.ended.error && change.from !== 'closed') {
        // Reconnected (--reconnect): the new socket is live again.
        this.ended = undefined;
      }
      if (change.to === 'open') this.wake?.();
    });
    this.settings.signal?.addEventListener('abort', () => this.wake?.(), { once: true });
  }

  /**
   * Waits until `check` returns a value, `deadline` (Date.now() ms) passes or the connection ends.
   * `check` runs first, and again after every message, pong or state change.
   */
  private async waitFor<T>(
    check: () => T | undefined,
    deadline: number,
    endsOnClose = true,
  ): Promise<Wait<T>> {
    for (;;) {
      if (this.settings.signal?.aborted) {
        const reason: unknown = this.settings.signal.reason;
        throw new StepFailure(typeof reason === 'number' ? reason : ExitCode.interrupted, 'interrupted');
      }
      const value = check();
      if (value !== undefined) return { kind: 'done', value };
      if (endsOnClose && this.ended) return { kind: 'ended' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((resolve) => {
        // No timer for an open-ended wait: setTimeout turns Infinity into 1 ms.
        const timer = Number.isFinite(left) ? setTimeout(resolve, left) : undefined;
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private limitMs(withinMs: number | undefined): number {
    return withinMs ?? this.settings.stepTimeoutMs;
  }

  private async runStep(step: Step, seen: SeenMessage[]): Promise<void> {
    switch (step.verb) {
      case 'connect':
        return this.connect();
      case 'send':
        return this.send(step);
      case 'expect':
        return this.expect(step, seen);
      case 'expect-no':
        return this.expectNo(step, seen);
      case 'capture':
        return this.capture(step);
      case 'ignore':
        this.ignores.push(step.matcher);
        return;
      case 'sleep': {
        const wait = await this.waitFor(() => undefined, Date.now() + step.ms);
        if (wait.kind === 'ended' && this.ended?.error) throw this.endedFailure('during sleep');
        return;
      }
      case 'ping':
        return this.ping();
      case 'close':
        this.isClosedByUs = true;
        await this.conn.close(step.code, step.reason);
        return;
      case 'expect-close':
        return this.expectClose(step, seen);
    }
  }

  private async connect(): Promise<void> {
    // The handshake has its own limit (--connect-timeout); this waits for its outcome.
    const wait = await this.waitFor(() => (this.conn.currentState === 'open' ? true : undefined), Infinity);
    if (wait.kind === 'done') return;
    const err = this.ended?.error;
    const why = err ? err.describe() : (this.ended?.reason ?? 'closed');
    throw new StepFailure(
      err ? exitCodeFor(err, false) : ExitCode.connect,
      `cannot connect to ${this.conn.url}: ${why}`,
    );
  }

  private async send(step: Extract<Step, { verb: 'send' }>): Promise<void> {
    const filled = fillTemplate(step.template, this.vars, this.settings.env);
    if ('missing' in filled)
      throw new StepFailure(
        ExitCode.usage,
        filled.missing.startsWith('env.')
          ? `environment variable ${filled.missing.slice(4)} is not set`
          : `unknown variable {{${filled.missing}}} (capture it first, or pass --var ${filled.missing}=VALUE)`,
      );
    const payload = encodePayload(filled.text, step.encoding);
    if (payload === undefined)
      throw new StepFailure(
        ExitCode.usage,
        `${step.encoding === 'hex' ? 'send-hex' : 'send-base64'}: not ${step.encoding} after filling in variables`,
      );
    if (this.ended) throw this.endedFailure('before the message was sent');
    this.conn.send(payload, { binary: step.encoding !== 'text' });
    let isFlushed: boolean | undefined;
    void this.conn.flushed().then((ok) => {
      isFlushed = ok;
      this.wake?.();
    });
    const limit = this.limitMs(undefined);
    const wait = await this.waitFor(() => isFlushed, Date.now() + limit, false);
    if (wait.kind === 'timeout')
      throw new StepFailure(ExitCode.expectation, `not sent within ${formatDuration(limit)}`);
    if (wait.kind === 'done' && !wait.value) throw this.endedFailure('before the message was sent');
  }

  /** Whether an `ignore` drops this message; decided once, when a step first looks at it. */
  private isIgnored(entry: InboxEntry): boolean {
    entry.isIgnored ??= !entry.isBinary && this.ignores.some((m) => matches(m, entry.subject));
    return entry.isIgnored;
  }

  private async expect(step: Extract<Step, { verb: 'expect' }>, seen: SeenMessage[]): Promise<void> {
    let index = step.mayReuseLast && this.lastMatch !== undefined ? this.lastMatch : this.cursor;
    let found = 0;
    let lastMiss: InboxEntry | undefined;
    const limit = this.limitMs(step.withinMs);
    const wait = await this.waitFor(() => {
      for (; index < this.inbox.length; index++) {
        const entry = this.inbox[index]!;
        if (this.isIgnored(entry)) {
          seen.push({ text: entry.text, isBinary: entry.isBinary, role: 'ignored' });
          continue;
        }
        const isMatch = !entry.isBinary && matches(step.matcher, entry.subject);
        seen.push({ text: entry.text, isBinary: entry.isBinary, role: isMatch ? 'matched' : 'skipped' });
        if (!isMatch) {
          lastMiss = entry;
          continue;
        }
        if (++found === step.count) {
          this.lastMatch = index;
          this.cursor = index + 1;
          return true;
        }
      }
      this.cursor = index;
      return undefined;
    }, Date.now() + limit);
    if (wait.kind === 'done') return;
    const counted = step.count > 1 ? ` (${found} of ${step.count} arrived)` : '';
    const why =
      lastMiss && !lastMiss.isBinary
        ? `; last message: ${explainMismatch(step.matcher, lastMiss.subject)}`
        : '';
    if (wait.kind === 'ended')
      throw this.endedFailure(`before a match for ${step.matcher.label}${counted}${why}`);
    throw new StepFailure(
      ExitCode.expectation,
      `timed out after ${formatDuration(limit)} waiting for ${step.matcher.label}${counted}${why || '; no message arrived'}`,
    );
  }

  private async expectNo(step: Extract<Step, { verb: 'expect-no' }>, seen: SeenMessage[]): Promise<void> {
    // Looks without consuming: the next expect still sees these messages.
    let index = this.cursor;
    const limit = this.limitMs(step.withinMs);
    const wait = await this.waitFor(() => {
      for (; index < this.inbox.length; index++) {
        const entry = this.inbox[index]!;
        if (this.isIgnored(entry)) continue;
        const isMatch = !entry.isBinary && matches(step.matcher, entry.subject);
        seen.push({ text: entry.text, isBinary: entry.isBinary, role: isMatch ? 'matched' : 'skipped' });
        if (isMatch) return entry;
      }
      return undefined;
    }, Date.now() + limit);
    if (wait.kind === 'done')
      throw new StepFailure(
        ExitCode.expectation,
        `a message matched ${step.matcher.label} within ${formatDuration(limit)}`,
      );
    if (wait.kind === 'ended' && this.ended?.error) throw this.endedFailure('while waiting');
  }

  private capture(step: Extract<Step, { verb: 'capture' }>): void {
    const entry = this.lastMatch === undefined ? undefined : this.inbox[this.lastMatch];
    if (!entry)
      throw new StepFailure(ExitCode.expectation, `capture ${step.name}: no message was matched yet`);
    if (step.from.kind === 'json') {
      const doc = entry.subject.json();
      const field = doc.isJson ? lookup(doc.value, step.from.path) : { found: false };
      if (!doc.isJson)
        throw new StepFailure(ExitCode.expectation, `capture ${step.name}: the matched message is not JSON`);
      if (!field.found)
        throw new StepFailure(
          ExitCode.expectation,
          `capture ${step.name}: ${step.from.pathText} is missing in the matched message`,
        );
      this.vars.set(step.name, typeof field.value === 'string' ? field.value : JSON.stringify(field.value));
      return;
    }
    const m = step.from.re.exec(entry.text);
    if (!m)
      throw new StepFailure(
        ExitCode.expectation,
        `capture ${step.name}: ${String(step.from.re)} does not match the matched message`,
      );
    this.vars.set(step.name, m[1] ?? m[0]);
  }

  private async ping(): Promise<void> {
    if (this.ended) throw this.endedFailure('before the ping');
    const before = this.pongs;
    this.conn.ping();
    const limit = this.limitMs(undefined);
    const wait = await this.waitFor(() => (this.pongs > before ? true : undefined), Date.now() + limit);
    if (wait.kind === 'ended') throw this.endedFailure('before the pong');
    if (wait.kind === 'timeout')
      throw new StepFailure(ExitCode.expectation, `no pong within ${formatDuration(limit)}`);
  }

  private async expectClose(
    step: Extract<Step, { verb: 'expect-close' }>,
    seen: SeenMessage[],
  ): Promise<void> {
    this.isCloseExpected = true;
    const limit = this.limitMs(step.withinMs);
    const wait = await this.waitFor(
      () => {
        for (; this.cursor < this.inbox.length; this.cursor++) {
          const entry = this.inbox[this.cursor]!;
          seen.push({
            text: entry.text,
            isBinary: entry.isBinary,
            role: this.isIgnored(entry) ? 'ignored' : 'skipped',
          });
        }
        return this.ended;
      },
      Date.now() + limit,
      false,
    );
    if (wait.kind !== 'done')
      throw new StepFailure(ExitCode.expectation, `the server did not close within ${formatDuration(limit)}`);
    const code = wait.value.closeCode;
    if (step.code !== undefined && code !== step.code)
      throw new StepFailure(
        ExitCode.expectation,
        `the server closed with ${code === undefined ? 'no code' : closeCodeName(code)}, expected ${closeCodeName(step.code)}`,
      );
  }

  /** The failure for a connection that ended while a step needed it: 5 when abnormal, 4 when the server closed normally. */
  private endedFailure(when: string): StepFailure {
    const change = this.ended;
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
