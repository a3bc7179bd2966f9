// The person's view of `wsx run`: one line per step as it finishes, the messages it saw under it, and on
// failure the step, its line, what was expected and the last messages seen.

import type { ChalkInstance } from 'chalk';
import { maskSecrets } from '../text/mask.js';
import { preview } from '../text/sanitize.js';
import type { FileResult, Reporter, SeenMessage, StepResult } from './results.js';

/** Messages shown under one step before "… N more". */
const maxMessagesPerStep = 20;
/** Characters of one message shown. */
const maxMessageChars = 200;

export class HumanReporter implements Reporter {
  private passed = 0;
  private failed = 0;

  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly color: ChalkInstance,
    private readonly secrets: string[] = [],
  ) {}

  /**
   * Server text and step text always pass through sanitize(): on a terminal a message must not move the
   * cursor or retitle the window, and CI log viewers render escape sequences too.
   */
  private clean(text: string, maxChars = maxMessageChars): string {
    return preview(maskSecrets(text, this.secrets), maxChars);
  }

  fileStarted(file: string, url: string): void {
    this.line(this.color.bold(`${this.clean(file)}  ${this.color.dim(this.clean(url))}`));
  }

  stepDone(_file: string, r: StepResult): void {
    const c = this.color;
    const mark = r.isOk ? c.green('✓') : c.red('✗');
    const where = r.step.line > 0 ? c.dim(` (line ${r.step.line})`) : '';
    this.line(`  ${mark} ${this.clean(r.step.text, 400)}${r.isOk ? '' : where}  ${c.dim(`${r.ms}ms`)}`);
    for (const m of r.messages.slice(0, maxMessagesPerStep)) this.line(`      ${this.message(m)}`);
    const more = Math.max(0, r.messages.length - maxMessagesPerStep) + (r.unlisted ?? 0);
    if (more > 0) this.line(c.dim(`      … ${more} more`));
    if (r.ignored) this.line(c.dim(`      (${r.ignored} ignored)`));
  }

  fileDone(r: FileResult): void {
    const c = this.color;
    if (r.isOk) {
      this.passed++;
      this.line(`${c.green('passed')} ${this.clean(r.file)}: ${r.steps.length} steps in ${r.ms}ms`);
      return;
    }
    this.failed++;
    const f = r.failure!;
    const at = f.step.line > 0 ? `${r.file}:${f.step.line}` : r.file;
    this.line(`${c.red('FAILED')} ${this.clean(at)}: ${this.clean(f.step.text, 400)}`);
    this.line(`  ${this.clean(f.message, 600)}`);
    if (f.lastSeen.length > 0) {
      this.line(c.dim('  last messages:'));
      for (const text of f.lastSeen) this.line(`    ${this.clean(text)}`);
    } else if (f.step.verb !== 'connect') {
      this.line(c.dim('  no message arrived'));
    }
  }

  /** "2 passed, 1 failed" after several files. */
  summary(): void {
    if (this.passed + this.failed > 1) this.line(`${this.passed} passed, ${this.failed} failed`);
  }

  private message(m: SeenMessage): string {
    const c = this.color;
    const text = this.clean(m.isBinary ? `<binary, base64> ${m.text}` : m.text);
    return m.role === 'matched' ? `${c.cyan('←')} ${text}` : c.dim(`← ${text}  (skipped)`);
  }

  private line(text: string): void {
    this.out.write(`${text}\n`);
  }
}
