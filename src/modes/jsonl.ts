// The one writer of --jsonl events, shared by pipe, script and serve: one JSON object per line.

import { maskSecrets } from '../text/mask.js';
import { sanitizeJson } from '../text/sanitize.js';

/**
 * Writes `{"t": ISO time, "event": name, ...fields}` and a newline through `write`. On a terminal
 * (`isTerminal`), characters that could drive it (C1 controls, bidi marks) are written as JSON \u escapes:
 * the line still parses to the same value.
 */
export class JsonlWriter {
  /** `secrets` (tokens, auth and init payload strings) become *** in every string field, before encoding. */
  constructor(
    private readonly write: (line: string) => void,
    private readonly isTerminal = false,
    private readonly secrets: readonly string[] = [],
  ) {}

  event(name: string, fields: Record<string, unknown>): void {
    const masked =
      this.secrets.length === 0
        ? fields
        : Object.fromEntries(
            Object.entries(fields).map(([k, v]) => [
              k,
              typeof v === 'string' ? maskSecrets(v, this.secrets) : v,
            ]),
          );
    const line = JSON.stringify({ t: new Date().toISOString(), event: name, ...masked });
    this.write(`${this.isTerminal ? sanitizeJson(line) : line}\n`);
  }
}
