// Everything wsx says to a person in line modes: one line each on stderr, sanitised, secrets masked.

import { chalkStderr } from 'chalk';
import type { WsxError } from '../core/errors.js';
import { maskSecrets } from '../text/mask.js';
import { sanitize } from '../text/sanitize.js';

export interface DiagnosticsOptions {
  isQuiet: boolean;
  isVerbose: boolean;
  /** Strings that must never be printed (tokens, passwords); each prints as ***. */
  secrets: string[];
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

  /** A failure: always printed. With --verbose, the cause chain and stack follow. */
  error(message: string, err?: WsxError | Error): void {
    this.write(`${chalkStderr.red('wsx:')} ${this.clean(message)}`);
    if (this.options.isVerbose && err) {
      let cause: unknown = err;
      while (cause instanceof Error) {
        // A stack reads on real lines (issue 9.10); other control characters are still escaped.
        const stack = maskSecrets(cause.stack ?? String(cause), this.options.secrets);
        this.write(chalkStderr.dim(sanitize(stack, { keepNewlines: true })));
        cause = cause.cause;
      }
    }
  }

  /** Something the user should know even in a pipe (drops, reconnects); silenced by -q. */
  warn(message: string): void {
    if (!this.options.isQuiet) this.write(`${chalkStderr.yellow('wsx:')} ${this.clean(message)}`);
  }

  /** Something the user asked about (the negotiated subprotocol or compression); silenced by -q. */
  note(message: string): void {
    if (!this.options.isQuiet) this.write(`${chalkStderr.dim('wsx:')} ${this.clean(message)}`);
  }

  /** Detail for --verbose only. */
  info(message: string): void {
    if (this.options.isVerbose && !this.options.isQuiet)
      this.write(`${chalkStderr.dim('wsx:')} ${this.clean(message)}`);
  }

  /** Multi-line blocks the user asked for (--show-handshake); secrets are masked by the caller's rules too. */
  block(lines: string[]): void {
    for (const line of lines) this.write(this.clean(line));
  }

  private write(line: string): void {
    this.stderr.write(`${line}\n`);
  }
}
