// The one writer of --jsonl events, shared by pipe, script and serve: one JSON object per line.

import { sanitizeJson } from '../text/sanitize.js';

/**
 * Writes `{"t": ISO time, "event": name, ...fields}` and a newline through `write`. On a terminal
 * (`isTerminal`), characters that could drive it (C1 controls, bidi marks) are written as JSON \u escapes:
 * the line still parses to the same value.
 */
export class JsonlWriter {
  constructor(
    private readonly write: (line: string) => void,
    private readonly isTerminal = false,
  ) {}

  event(name: string, fields: Record<string, unknown>): void {
    const line = JSON.stringify({ t: new Date().toISOString(), event: name, ...fields });
    this.write(`${this.isTerminal ? sanitizeJson(line) : line}\n`);
  }
}
