// --asyncapi in pipe and script runs: each message's verdict as a stderr line and a --jsonl field, the
// counts behind exit code 7 (--contract strict), and the --asyncapi-report summary.

import { writeFileSync } from 'node:fs';
import { describeIoError } from '../text/io-error.js';
import { describeViolation } from '../contract/describe.js';
import type { ContractDirection, MessageVerdict } from '../contract/index.js';
import type { Options } from '../options.js';
import type { Ending } from '../outcome.js';
import { maskSecrets } from '../text/mask.js';
import { preview } from '../text/sanitize.js';
import type { Diagnostics } from './diagnostics.js';

/** What --jsonl adds to a recv or send event. */
export interface ContractField {
  message: string | null;
  valid: boolean;
  errors: { path: string; message: string }[];
  ambiguous?: string[];
  /** Invalid against several candidates: `message` is the closest one. */
  closest?: boolean;
  /** The envelope names a message the document does not have (a JSON-RPC method): not counted as invalid. */
  unknown?: boolean;
}

interface DirectionCounts {
  total: number;
  valid: number;
  invalid: number;
  /** Messages the document has no message for by their envelope's name (a JSON-RPC method). */
  unknown: number;
  /** Messages per matched (or, when invalid, closest) message name; "(none)" when there was no candidate. */
  byMessage: Record<string, number>;
}

/** The report keeps the first violations only: a flood of bad messages must not grow memory without bound. */
const MAX_REPORTED_VIOLATIONS = 100;

export class ContractCheck {
  private readonly counts: Record<ContractDirection, DirectionCounts> = {
    received: { total: 0, valid: 0, invalid: 0, unknown: 0, byMessage: {} },
    sent: { total: 0, valid: 0, invalid: 0, unknown: 0, byMessage: {} },
  };
  private readonly violations: (ContractField & { direction: ContractDirection; data: string })[] = [];

  constructor(
    private readonly setup: NonNullable<Options['contract']>,
    private readonly diag: Diagnostics,
    /** Strings never written anywhere (tokens, passwords): the report masks them as *** like stdout does. */
    private readonly secrets: string[],
  ) {}

  /**
   * Checks one text message, prints one stderr line if it breaks the contract or the document has no
   * message of its name (-q silences them). `answers`: the method a JSON-RPC response answers.
   */
  check(direction: ContractDirection, text: string, answers?: string): ContractField {
    const verdict = this.setup.contract.check(direction, text, answers);
    const counts = this.counts[direction];
    counts.total++;
    counts[verdict.isUnknown ? 'unknown' : verdict.isValid ? 'valid' : 'invalid']++;
    const name = verdict.message ?? '(none)';
    counts.byMessage[name] = (counts.byMessage[name] ?? 0) + 1;
    const field = fieldOf(verdict);
    if (verdict.isUnknown) this.diag.warn(`contract: ${describeViolation(direction, verdict)}`);
    else if (!verdict.isValid) {
      this.diag.warn(`contract: ${describeViolation(direction, verdict)}`);
      if (this.violations.length < MAX_REPORTED_VIOLATIONS)
        this.violations.push({ direction, ...field, data: preview(text, 200) });
    }
    return field;
  }

  /**
   * How a run that would have succeeded ends when messages broke the contract: with --contract strict it
   * fails (exit 7); otherwise one closing warning counts them and the run's own ending stands.
   */
  ending(): Ending | undefined {
    const broken = this.counts.received.invalid + this.counts.sent.invalid;
    if (broken === 0) return undefined;
    const what = broken === 1 ? '1 message' : `${broken} messages`;
    const message = `${what} broke the contract (${this.setup.file}, channel ${this.setup.contract.channel})`;
    if (this.setup.isStrict) return { ended: 'contract-violated', message };
    this.diag.warn(`${message}; --contract strict fails the run on them (exit 7)`);
    return undefined;
  }

  /** Writes --asyncapi-report, if asked; a failure is one stderr line, not a lost run. */
  writeReport(): void {
    const file = this.setup.reportFile;
    if (file === undefined) return;
    const report = {
      document: this.setup.file,
      channel: this.setup.contract.channel,
      received: this.counts.received,
      sent: this.counts.sent,
      violations: this.violations,
    };
    try {
      writeFileSync(file, maskSecrets(JSON.stringify(report, null, 2), this.secrets) + '\n');
    } catch (err) {
      this.diag.error(`--asyncapi-report: ${describeIoError(err, file, 'write')}`);
    }
  }
}

function fieldOf(verdict: MessageVerdict): ContractField {
  return {
    message: verdict.message ?? null,
    valid: verdict.isValid,
    errors: verdict.errors,
    ...(verdict.ambiguous ? { ambiguous: verdict.ambiguous } : {}),
    ...(verdict.isClosest ? { closest: true } : {}),
    ...(verdict.isUnknown ? { unknown: true } : {}),
  };
}
