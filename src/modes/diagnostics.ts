// Everything wsx says to a person outside the TUI: one line each on stderr, sanitised, secrets masked.
// The one writer of `wsx:` lines, shared by pipe, script, serve and the verdict cli/main.ts prints.

import { chalkStderr } from 'chalk';
import type { WsxError } from '../core/errors.js';
import type { Verdict } from '../outcome.js';
import { maskSecrets } from '../text/mask.js';
import { sanitize } from '../text/sanitize.js';

export interface DiagnosticsOptions {
  isQuiet: boolean;
  isVerbose: boolean;
  /** Strings that must never be printed (tokens, passwords); each prints as ***. */
  secrets: string[];
  /** The prefix before the colon. Default "wsx"; `wsx serve` logs as "wsx serve". */
  name?: string;
}

export class Diagnostics {
  constructor(
    private readonly stderr: NodeJS.WritableStream,
    private readonly options: DiagnosticsOptions,
  ) {}

  /** Masks every secret in `text` and escapes control characters the peer may have sent. */
  clean(text: string): string {
    return sanitize(maskSecrets(text, this.options.secrets));
  }

  /** How the run ended (outcome.ts words it): its first line carries the cause's stack with --verbose. */
  verdict(verdict: Verdict): void {
    verdict.lines.forEach((line, i) => this.error(line, i === 0 ? verdict.cause : undefined));
    if (verdict.detail) this.info(verdict.detail);
  }

  /** A failure: always printed. With --verbose, the cause chain and stack follow. */
  error(message: string, err?: WsxError | Error): void {
    this.write(`${chalkStderr.red(this.prefix)} ${this.clean(message)}`);
    if (this.options.isVerbose && err) {
      let cause: unknown = err;
      while (cause instanceof Error) {
        // A stack reads on real lines; other control characters are still escaped.
        const stack = maskSecrets(cause.stack ?? String(cause), this.options.secrets);
        this.write(chalkStderr.dim(sanitize(stack, { keepNewlines: true })));
        cause = cause.cause;
      }
    }
  }

  /** Something the user should know even in a pipe (drops, reconnects); silenced by -q. */
  warn(message: string): void {
    if (!this.options.isQuiet) this.write(`${chalkStderr.yellow(this.prefix)} ${this.clean(message)}`);
  }

  /** Something the user asked about (the negotiated subprotocol or compression); silenced by -q. */
  note(message: string): void {
    if (!this.options.isQuiet) this.write(`${chalkStderr.dim(this.prefix)} ${this.clean(message)}`);
  }

  /** Detail for --verbose only. */
  info(message: string): void {
    if (this.options.isVerbose && !this.options.isQuiet)
      this.write(`${chalkStderr.dim(this.prefix)} ${this.clean(message)}`);
  }

  /** Multi-line blocks the user asked for (--show-handshake); secrets are masked by the caller's rules too. */
  block(lines: string[]): void {
    for (const line of lines) this.write(this.clean(line));
  }

  private get prefix(): string {
    return `${this.options.name ?? 'wsx'}:`;
  }

  private write(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}
