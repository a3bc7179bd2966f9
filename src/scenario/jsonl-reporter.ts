// `wsx run --jsonl`: one JSON object per step and one per file on stdout, for machines.

import { reportText } from './report-text.js';
import type { FileResult, Reporter, StepResult } from './results.js';

/**
 * Events: `{"event":"step","file","line","step","status":"passed"|"failed","ms","messages":[{"type","data","role"}],
 * "unlisted"?,"ignored"?,"error"?}` (the first 100 messages a step read are listed; `unlisted` counts the rest,
 * `ignored` those an `ignore` dropped)
 * and `{"event":"file","file","url","status","code","ms"}`. Message data is the text (base64 for binary) under
 * the same rule as every report: `secrets` (tokens from -H, --header-file, --*-env) as ***, and cut after
 * 4 KiB with "… (+N bytes)".
 */
export class JsonlReporter implements Reporter {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly secrets: readonly string[] = [],
  ) {}

  stepDone(file: string, r: StepResult): void {
    this.write({
      event: 'step',
      file,
      line: r.step.line,
      step: this.text(r.step.text),
      status: r.isOk ? 'passed' : 'failed',
      ms: r.ms,
      messages: r.messages.map((m) => ({
        type: m.isBinary ? 'binary' : 'text',
        data: this.text(m.text),
        role: m.role,
      })),
      ...(r.unlisted ? { unlisted: r.unlisted } : {}),
      ...(r.ignored ? { ignored: r.ignored } : {}),
      ...(r.error !== undefined ? { error: this.text(r.error) } : {}),
    });
  }

  fileDone(r: FileResult): void {
    this.write({
      event: 'file',
      file: r.file,
      url: this.text(r.url),
      status: r.isOk ? 'passed' : 'failed',
      code: r.code,
      ms: r.ms,
    });
  }

  private text(s: string): string {
    return reportText(s, this.secrets);
  }

  private write(fields: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ t: new Date().toISOString(), ...fields })}\n`);
  }
}
