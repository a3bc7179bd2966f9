// What running scenario steps produces, and who hears about it: the runner's outward surface.

import type { Contract } from '../contract/index.js';
import type { Connection, ConnectionOptions } from '../core/connection.js';
import type { ProtocolName } from '../protocols/codec.js';
import type { ProtocolOptions } from '../protocols/index.js';
import type { Step } from './steps.js';

export interface StepSettings {
  /** --var NAME=VALUE; captures add to a copy. */
  vars: ReadonlyMap<string, string>;
  env: NodeJS.ProcessEnv;
  /** The limit of a step that has no `within`, ms (--step-timeout, default 10 s); Infinity for none. */
  stepTimeoutMs: number;
  /** Aborting ends the run at once; a numeric reason is the exit code (130 for SIGINT). */
  signal?: AbortSignal;
  /** --asyncapi: every text message sent and received is checked; with isStrict a violation fails the file (exit 7). */
  contract?: { file: string; contract: Contract; isStrict: boolean };
}

export interface RunSettings extends StepSettings {
  /** The connection to open; its url is the one the scenario runs against. */
  connection: ConnectionOptions;
  /**
   * --proto (or the file's `proto` line): send steps go through the codec's input, expects read its decoded
   * messages, and `connect` waits for the protocol's opening. Undefined: raw WebSocket.
   */
  proto?: { name: ProtocolName } & ProtocolOptions;
  /** Called with the connection before anything listens to it (`wsx run --record` attaches its transcript). */
  observe?: (conn: Connection) => void;
}

export interface SeenMessage {
  text: string;
  isBinary: boolean;
  /** matched: counted by this step; skipped: matched nothing. (Ignored messages are only counted.) */
  role: 'matched' | 'skipped';
}

/** Messages listed per step; the rest are counted. A step that waits an hour on a busy stream stays small. */
export const maxListedMessages = 100;

/** What one step read: the first messages, listed, and counts of the rest and of the ignored ones. */
export class SeenLog {
  readonly listed: SeenMessage[] = [];
  /** Messages read past the listed ones. */
  unlisted = 0;
  /** Messages an `ignore` dropped (never listed). */
  ignored = 0;
  /** Called with every message the step reads, listed or not (the runner's error-answer check). */
  watch: ((message: SeenMessage) => void) | undefined;

  add(message: SeenMessage): void {
    this.watch?.(message);
    if (this.listed.length < maxListedMessages) this.listed.push(message);
    else this.unlisted++;
  }

  countIgnored(n: number): void {
    this.ignored += n;
  }
}

export interface StepResult {
  step: Step;
  isOk: boolean;
  ms: number;
  /** The first messages this step looked at (at most maxListedMessages), in arrival order. */
  messages: SeenMessage[];
  /** Messages it looked at past the listed ones. */
  unlisted?: number;
  /** Messages an `ignore` dropped while this step waited. */
  ignored?: number;
  /** What went wrong, one line, when the step failed. */
  error?: string;
}

export interface StepsOutcome {
  isOk: boolean;
  /** 0, or the exit code of the failure: 2, 3, 4, 5 (or 130/143 when interrupted). */
  code: number;
  steps: StepResult[];
  failure?: {
    /** The failing step (a `connect` step for a connection that never opened). */
    step: Step;
    message: string;
    /** The last messages that arrived, newest last. */
    lastSeen: string[];
  };
}

export interface FileResult extends StepsOutcome {
  file: string;
  url: string;
  ms: number;
}

export interface Reporter {
  fileStarted?(file: string, url: string): void;
  /** Called synchronously as each step ends, in order. */
  stepDone?(file: string, result: StepResult): void;
  fileDone?(result: FileResult): void;
}
