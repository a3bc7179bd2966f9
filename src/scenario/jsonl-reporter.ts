// `wsx run --jsonl`: one JSON object per step and one per file on stdout, for machines.

import type { FileResult, Reporter, StepResult } from './results.js';

/**
 * Events: `{"event":"step","file","line","step","status":"passed"|"failed","ms","messages":[{"type","data","role"}],"error"?}`
 * and `{"event":"file","file","url","status","code","ms"}`. Message data is the exact text (base64 for binary).
 */
export class JsonlReporter implements Reporter {
  constructor(private readonly out: NodeJS.WritableStream) {}

  stepDone(file: string, r: StepResult): void {
    this.write({
      event: 'step',
      file,
      line: r.step.line,
      step: r.step.text,
      status: r.isOk ? 'passed' : 'failed',
      ms: r.ms,
      messages: r.messages.map((m) => ({ type: m.isBinary ? 'binary' : 'text', data: m.text, role: m.role })),
      ...(r.error !== undefined ? { error: r.error } : {}),
    });
  }

  fileDone(r: FileResult): void {
    this.write({
      event: 'file',
      file: r.file,
      url: r.url,
      status: r.isOk ? 'passed' : 'failed',
      code: r.code,
      ms: r.ms,
    });
  }

  private write(fields: Record<string, unknown>): void {
    this.out.write(`${JSON.stringify({ t: new Date().toISOString(), ...fields })}\n`);
  }
}
