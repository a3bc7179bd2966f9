// The validated run settings every mode reads: built from flags by cli/options.ts, below the modes so they need no cli/ import.

import type { Contract } from './contract/index.js';
import type { ConnectionOptions } from './core/connection.js';
import type { Expectation } from './match/expectations.js';
import type { ProtocolName } from './protocols/codec.js';
import type { ProtocolOptions } from './protocols/index.js';

export type Mode = 'interactive' | 'pipe' | 'script';

/** --proto and the flags that go with it (--path, --namespace, --auth JSON, --init); raw with --separator. */
export type ProtoSettings = { name: ProtocolName } & ProtocolOptions;

export interface Options {
  /** The URL to connect to (userinfo moved into an Authorization header). Never print it: see displayUrl. */
  url: string;
  /** The URL as every output shows it: secret query values (token=, --mask-param …) as ***. */
  displayUrl: string;
  mode: Mode;
  connection: ConnectionOptions;
  /** The protocol spoken on top of WebSocket; undefined for raw messages. */
  proto: ProtoSettings | undefined;
  /** Header names whose values are secret and print as ***. Lower case. */
  secretHeaders: Set<string>;
  /** Secret strings (header values, passwords) that must never be printed. */
  secrets: string[];
  proxy: string | undefined;
  delimiter: 'newline' | 'null';
  isBinaryInput: boolean;
  /** What is sent after each stdin record (the delimiter itself is never sent): nothing by default. */
  recordEnd: 'none' | 'lf' | 'crlf' | 'nul';
  inputFormat: 'raw' | 'base64' | 'hex';
  binaryOut: 'base64' | 'hex' | 'raw';
  isJsonl: boolean;
  /** --record FILE: the session written as a transcript (every mode). */
  recordFile: string | undefined;
  isQuiet: boolean;
  isVerbose: boolean;
  showPingPong: boolean;
  showTimestamps: boolean;
  isPretty: boolean;
  showHandshake: boolean;
  isInsecure: boolean;
  dropAfterMs: number | undefined;
  execute: string[];
  expectations: Expectation[];
  resend: boolean;
  count: number | undefined;
  timeoutMs: number | undefined;
  /** After input ends, how long replies may pause before the run closes, ms. Infinity: --wait forever. */
  waitMs: number;
  /** --no-input: stdin is not read; the run lasts until the server closes, --count, --timeout or a signal. */
  isListenOnly: boolean;
  isDemo: boolean;
  /** The saved connection this run was opened with (wsx @NAME): its saved messages come first. */
  profile?: string;
  /** --asyncapi: the loaded contract, its file's name and where --asyncapi-report writes. */
  contract?: {
    file: string;
    contract: Contract;
    reportFile?: string;
    /** --contract strict: a message that breaks the contract fails the run (exit 7); otherwise a warning. */
    isStrict: boolean;
  };
  /** Things to tell the user before the run starts (flags the chosen mode ignores), one line each. */
  warnings: string[];
  /** Interactive session: print the log into the terminal's scrollback instead of the full-screen lens. */
  isInline: boolean;
  /** Interactive session: most log entries the full-screen lens keeps (default 10,000; 64 MiB cap too). */
  scrollback: number | undefined;
}
