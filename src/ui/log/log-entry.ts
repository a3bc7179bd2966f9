// The session log: one entry per event, formatted into terminal lines that are printed once and forgotten.

import chalk from 'chalk';
import { isUtf8 } from 'node:buffer';
import { formatBytes } from '../../text/bytes.js';
import { sanitize } from '../../text/sanitize.js';
import type { DecodedEntry } from './protocol-entry.js';
import { verdictSymbol, type ContractMark } from './contract-mark.js';

export type LogEntry =
  | { kind: 'sent'; at: number; data: string | Buffer; isBinary: boolean; contract?: ContractMark }
  | { kind: 'received'; at: number; data: Buffer; isBinary: boolean; contract?: ContractMark }
  | { kind: 'dropped'; at: number; data: string | Buffer; isBinary: boolean; why: string }
  | { kind: 'state'; at: number; text: string; tone: 'good' | 'warn' | 'bad' }
  | { kind: 'ping'; at: number }
  | { kind: 'pong'; at: number; rttMs: number | undefined }
  | { kind: 'info'; at: number; text: string }
  | { kind: 'skipped'; at: number; count: number }
  /** A message decoded by the --proto codec. */
  | DecodedEntry;

export interface FormatOptions {
  showTimestamps: boolean;
  isPretty: boolean;
}

/** Longest message text shown in full; the rest is summarised so one huge message cannot flood the screen. */
export const maxShownChars = 4000;

// Whether a binary message is readable text, per Buffer: rows are drawn every frame, the check reads it all.
const readableCache = new WeakMap<Buffer, boolean>();

/**
 * Whether a binary message's bytes are text a person can read: valid UTF-8 with no control characters but
 * tab, newline and CR. Binary-only servers (websockify in front of a line-based service) send text in
 * binary frames; bytes such as 01 02 41 are valid UTF-8 too, but read better as hex.
 */
export function isReadableText(data: Buffer): boolean {
  let isReadable = readableCache.get(data);
  if (isReadable !== undefined) return isReadable;
  isReadable = isUtf8(data);
  for (let i = 0; isReadable && i < data.length; i++) {
    const b = data[i]!;
    // C0 controls and DEL; C1 controls are U+0080-009F, encoded C2 80-C2 9F.
    if ((b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) || b === 0x7f) isReadable = false;
    else if (b === 0xc2 && data[i + 1]! >= 0x80 && data[i + 1]! <= 0x9f) isReadable = false;
  }
  readableCache.set(data, isReadable);
  return isReadable;
}

/** A binary message in one line: its size, then its text when readable (see isReadableText), else hex. */
export function binaryPreview(data: Buffer): string {
  const size = chalk.dim(`⟨binary ${formatBytes(data.length)}⟩`);
  if (data.length > 0 && isReadableText(data))
    return `${size} ${oneLine(data.subarray(0, rowWindowChars * 2).toString('utf8'))}`;
  const shown = [...data.subarray(0, 16)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${size} ${shown}${data.length > 16 ? ' …' : ''}`;
}

/** Colours a pretty-printed JSON text: keys, strings, numbers, literals. Input is already JSON.stringify output. */
export function colourJson(json: string): string {
  return json.replace(
    /("(?:[^"\\]|\\.)*")(\s*:)?|\b(true|false|null)\b|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g,
    (m, str, colon, lit, num) => {
      if (str) return colon ? chalk.cyan(str) + colon : chalk.green(str);
      if (lit) return chalk.magenta(lit);
      if (num) return chalk.yellow(num);
      return m;
    },
  );
}

/** Message text for display: sanitised, pretty JSON when asked and possible, cut at maxShownChars. */
export function messageText(raw: string, isPretty: boolean): string {
  let text = raw;
  if (isPretty && /^\s*[[{]/.test(raw)) {
    try {
      // JSON.stringify escapes C0 controls inside strings; sanitize below catches C1 and bidi characters.
      return colourJson(sanitize(JSON.stringify(JSON.parse(raw), null, 2), { keepNewlines: true }));
    } catch {
      // not JSON after all: show as text
    }
  }
  // Cut first, then sanitise the text alone: the dimmed suffix carries colour codes of our own.
  const hidden = text.length - maxShownChars;
  if (hidden > 0) text = text.slice(0, maxShownChars);
  const clean = sanitize(text, { keepNewlines: true });
  return hidden > 0 ? `${clean}${chalk.dim(` … (+${hidden} chars)`)}` : clean;
}

function payload(data: string | Buffer, isBinary: boolean, isPretty: boolean): string {
  if (isBinary) return binaryPreview(typeof data === 'string' ? Buffer.from(data) : data);
  return messageText(typeof data === 'string' ? data : data.toString('utf8'), isPretty);
}

/** `12:03:04.005 ` (local time, dimmed): the timestamp column, 13 characters. */
export function clock(at: number): string {
  const d = new Date(at);
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return chalk.dim(
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)} `,
  );
}

/** One entry as terminal text (may span lines); continuation lines are indented under the payload. */
export function formatEntry(entry: LogEntry, opts: FormatOptions): string {
  const prefix = opts.showTimestamps ? clock(entry.at) : '';
  const line = (mark: string, body: string) => {
    const indent = ' '.repeat((opts.showTimestamps ? 13 : 0) + 2);
    return `${prefix}${mark} ${body.split('\n').join(`\n${indent}`)}`;
  };
  switch (entry.kind) {
    case 'sent':
      return line(
        chalk.blue('→'),
        verdictSymbol(entry.contract) + payload(entry.data, entry.isBinary, opts.isPretty),
      );
    case 'received':
      return line(
        chalk.green('←'),
        verdictSymbol(entry.contract) + payload(entry.data, entry.isBinary, opts.isPretty),
      );
    case 'dropped':
      return line(
        chalk.red('✕'),
        `${chalk.strikethrough(payload(entry.data, entry.isBinary, false))} ${chalk.red(`dropped: ${entry.why}`)}`,
      );
    case 'state': {
      const colour = entry.tone === 'good' ? chalk.green : entry.tone === 'warn' ? chalk.yellow : chalk.red;
      return line(colour('•'), colour(sanitize(entry.text)));
    }
    case 'ping':
      return line(chalk.dim('•'), chalk.dim('ping'));
    case 'pong':
      return line(chalk.dim('•'), chalk.dim(entry.rttMs === undefined ? 'pong' : `pong ${entry.rttMs} ms`));
    case 'info':
      return line(chalk.dim('·'), sanitize(entry.text, { keepNewlines: true }));
    case 'decoded':
      return line(
        decodedMark(entry),
        decodedBody(entry, (t) => sanitize(t, { keepNewlines: true })),
      );
    case 'skipped':
      return line(
        chalk.dim('…'),
        chalk.dim(
          `${entry.count} more entries not shown (the feed is faster than the screen; counters include them)`,
        ),
      );
  }
}

/** An entry's payload as plain text, for filters, copying and editing: binary as hex. */
export function entryText(entry: LogEntry): string {
  switch (entry.kind) {
    case 'sent':
    case 'received':
    case 'dropped':
      if (entry.isBinary)
        return (typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data).toString('hex');
      return typeof entry.data === 'string' ? entry.data : entry.data.toString('utf8');
    case 'state':
    case 'info':
    case 'decoded':
      return entry.text;
    case 'ping':
      return 'ping';
    case 'pong':
      return 'pong';
    case 'skipped':
      return '';
  }
}

export function decodedMark(entry: DecodedEntry): string {
  return entry.isError ? chalk.red('⇠') : chalk.green('⇠');
}

/** A decoded message's summary, cleaned by `clean`, cut at maxShownChars, with its round trip. */
export function decodedBody(entry: DecodedEntry, clean: (text: string) => string): string {
  const cut = entry.summary.length > maxShownChars;
  const summary = clean(cut ? entry.summary.slice(0, maxShownChars) : entry.summary);
  const body = entry.isError ? chalk.red(summary) : summary;
  const rtt = entry.rttMs === undefined ? '' : chalk.dim(`  ${entry.rttMs} ms`);
  return `${body}${cut ? chalk.dim(' …') : ''}${rtt}`;
}

/** Characters of a row's text kept: the terminal is never wider than this. */
export const rowChars = 1000;
/**
 * Characters of a message looked at for one row. Wider than rowChars, so the text after a long run of
 * control characters (shown as one mark) still reaches the row; small, because rows are drawn every frame.
 */
export const rowWindowChars = 8192;

// A run of one control character (not newline or tab): shown as one mark with a count, like sanitize's BELs.
const controlRun = /([\u0000-\u0008\u000b-\u001f\u007f-\u009f])\1{3,}/g;

/** Message text as one row: sanitised, runs of a control character compressed, newlines as ⏎, cut. */
export function oneLine(text: string): string {
  const window = text.length > rowWindowChars ? text.slice(0, rowWindowChars) : text;
  const clean = (part: string) =>
    sanitize(part.length > rowChars ? part.slice(0, rowChars) : part, { keepNewlines: true })
      .replace(/\n/g, '⏎')
      .replace(/\t/g, ' ');
  let row = '';
  let at = 0;
  for (const run of window.matchAll(controlRun)) {
    if (row.length >= rowChars) break;
    row += `${clean(window.slice(at, run.index))}${sanitize(run[1]!)}×${run[0].length}`;
    at = run.index + run[0].length;
  }
  if (row.length < rowChars) row += clean(window.slice(at));
  return row.length > rowChars ? row.slice(0, rowChars) : row;
}
