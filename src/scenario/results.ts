// What running scenario steps produces, and who hears about it: the runner's outward surface.

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
