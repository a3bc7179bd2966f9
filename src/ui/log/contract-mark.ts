// --asyncapi in the session: each message's verdict as a mark on its row (✓ valid, ✗ invalid, ? unknown)
// and as lines in the inspector (the message's name and description, each error's path, expected, actual).

import chalk from 'chalk';
import type { Contract, MessageVerdict } from '../../contract/index.js';
import { sanitize } from '../../text/sanitize.js';

/** A message's verdict as the log keeps it. */
export interface ContractMark {
  /** unknown: a binary message, or a direction the document declares no message for. */
  verdict: 'valid' | 'invalid' | 'unknown';
  /** The message it matched, or (invalid) came closest to. */
  message?: string;
  description?: string;
  errors: { path: string; message: string }[];
  /** Invalid against several candidates: `message` is only the closest. */
  isClosest?: boolean;
}

/** The verdict on one message that went `direction`. */
export function markOf(
  contract: Contract,
  direction: 'received' | 'sent',
  data: string | Buffer,
  isBinary: boolean,
): ContractMark {
  const declared = direction === 'received' ? contract.receives : contract.sends;
  if (isBinary || declared.length === 0) return { verdict: 'unknown', errors: [] };
  return fromVerdict(contract.check(direction, typeof data === 'string' ? data : data.toString('utf8')));
}

function fromVerdict(v: MessageVerdict): ContractMark {
  return {
    verdict: v.isUnknown ? 'unknown' : v.isValid ? 'valid' : 'invalid',
    ...(v.message === undefined ? {} : { message: v.message }),
    ...(v.description === undefined ? {} : { description: v.description }),
    errors: v.errors,
    ...(v.isClosest ? { isClosest: true } : {}),
  };
}

/** The row's mark and a space, or nothing without a contract. */
export function verdictSymbol(mark: ContractMark | undefined): string {
  if (!mark) return '';
  if (mark.verdict === 'valid') return `${chalk.green('✓')} `;
  if (mark.verdict === 'invalid') return `${chalk.red('✗')} `;
  return `${chalk.dim('?')} `;
}

/** The inspector's lines for a verdict: "contract: invalid ticker: A price change", then one per error. */
export function verdictLines(mark: ContractMark | undefined): string[] {
  if (!mark) return [];
  if (mark.verdict === 'unknown')
    return [chalk.dim('contract: unknown (binary, or the document declares no message this way)')];
  const name =
    mark.message === undefined ? '' : ` ${mark.isClosest ? `(closest ${mark.message})` : mark.message}`;
  const about = mark.description === undefined ? '' : `: ${mark.description}`;
  const head = `contract: ${mark.verdict}${name}${about}`;
  return [
    sanitize(head),
    ...mark.errors.map((e) => `  ${chalk.red(sanitize(e.path))}: ${sanitize(e.message)}`),
  ];
}

/** The one-line warning before a message that breaks the document is sent. */
export function describeMark(mark: ContractMark): string {
  const first = mark.errors[0];
  const name = mark.message === undefined ? 'no message matched' : `${mark.message} invalid`;
  return `${name}${first ? `: ${first.path}: ${first.message}` : ''}`;
}
