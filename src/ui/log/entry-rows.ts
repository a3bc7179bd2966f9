// The lens's view of a log entry: exactly one row (or a few, for multi-line text and pretty JSON) in the
// scrolling log, and the inspector's full text of one message.

import chalk from 'chalk';
import { verdictLines, verdictSymbol } from './contract-mark.js';
import { formatBytes } from '../../text/bytes.js';
import { sanitize } from '../../text/sanitize.js';
import {
  binaryPreview,
  clock,
  colourJson,
  decodedBody,
  decodedMark,
  entryText,
  formatEntry,
  messageText,
  oneLine,
  rowChars,
  rowWindowChars,
  type FormatOptions,
  type LogEntry,
} from './log-entry.js';

/** One entry as exactly one terminal line (the lens's row): newlines shown as ⏎, long text cut. */
export function entryRow(entry: LogEntry, opts: FormatOptions): string {
  switch (entry.kind) {
    case 'sent':
    case 'received':
    case 'dropped': {
      const data = entry.data;
      const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
      let body = entry.isBinary
        ? binaryPreview(typeof data === 'string' ? Buffer.from(data) : data)
        : oneLine(
            typeof data === 'string'
              ? data.slice(0, rowWindowChars)
              : data.subarray(0, rowWindowChars * 2).toString('utf8'),
          );
      if (!entry.isBinary && size > rowChars) body += chalk.dim(` (${formatBytes(size)})`);
      if (entry.kind === 'dropped')
        body = `${chalk.strikethrough(body)} ${chalk.red(`dropped: ${entry.why}`)}`;
      return `${opts.showTimestamps ? clock(entry.at) : ''}${rowMark(entry)} ${body}`;
    }
    case 'state':
    case 'info':
      return formatEntry({ ...entry, text: entry.text.replace(/\n/g, ' ⏎ ') }, opts);
    case 'decoded':
      return `${opts.showTimestamps ? clock(entry.at) : ''}${decodedMark(entry)} ${decodedBody(entry, oneLine)}`;
    default:
      return formatEntry(entry, opts);
  }
}

/** Longest message pretty-printed over several rows in the lens; a longer one keeps one row (Enter opens it). */
const maxPrettyRowChars = 16 * 1024;

/** Whether `text` is a JSON object or array (what pretty-printing changes). */
function isJsonText(text: string): boolean {
  if (!/^\s*[[{]/.test(text)) return false;
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * One entry as the lens's rows. One row, except where the text has lines of its own: wsx's multi-line
 * output (/help, /saved, the handshake) takes a row per line, and with pretty JSON on (Ctrl+O, /pretty) so
 * does a JSON message. At most `maxRows`: the last one then says how many lines are left out.
 */
export function entryRows(entry: LogEntry, opts: FormatOptions, maxRows: number): string[] {
  let rows: string[] | undefined;
  if ((entry.kind === 'info' || entry.kind === 'state') && entry.text.includes('\n'))
    rows = formatEntry(entry, opts).replace(/\t/g, ' ').split('\n');
  else if (opts.isPretty && (entry.kind === 'sent' || entry.kind === 'received') && !entry.isBinary) {
    const size = typeof entry.data === 'string' ? entry.data.length : entry.data.length;
    const text = size > maxPrettyRowChars ? '' : entryText(entry);
    if (isJsonText(text)) rows = formatEntry(entry, opts).split('\n');
  } else if (opts.isPretty && entry.kind === 'decoded' && entry.text.length <= maxPrettyRowChars) {
    // A --proto message: its summary, then the whole message it stands for.
    if (isJsonText(entry.text)) {
      const indent = ' '.repeat((opts.showTimestamps ? 13 : 0) + 2);
      const pretty = messageText(entry.text, true).split('\n');
      rows = [entryRow(entry, opts), ...pretty.map((line) => `${indent}${line}`)];
    }
  }
  if (!rows) return [entryRow(entry, opts)];
  if (rows.length <= maxRows) return rows;
  if (maxRows <= 1) return [entryRow(entry, opts)];
  const indent = ' '.repeat((opts.showTimestamps ? 13 : 0) + 2);
  const hidden = rows.length - (maxRows - 1);
  return [...rows.slice(0, maxRows - 1), `${indent}${chalk.dim(`… ${hidden} more lines (Enter opens)`)}`];
}

function rowMark(entry: LogEntry): string {
  return entry.kind === 'sent'
    ? `${chalk.blue('→')} ${verdictSymbol(entry.contract).trimEnd()}`.trimEnd()
    : entry.kind === 'received'
      ? `${chalk.green('←')} ${verdictSymbol(entry.contract).trimEnd()}`.trimEnd()
      : chalk.red('✕');
}

/** The inspector's text: a header, then the whole message (pretty JSON when it is JSON, hex dump when binary). */
export function inspectLines(entry: LogEntry): string[] {
  const when = new Date(entry.at).toISOString();
  if (entry.kind === 'decoded') {
    const rtt = entry.rttMs === undefined ? '' : `, round trip ${entry.rttMs} ms`;
    return [chalk.dim(`decoded message at ${when}${rtt}`), ...jsonOrText(entry.text)];
  }
  if (entry.kind !== 'sent' && entry.kind !== 'received' && entry.kind !== 'dropped')
    return [
      chalk.dim(`${entry.kind} at ${when}`),
      ...sanitize(entryText(entry), { keepNewlines: true }).split('\n'),
    ];
  const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
  const what = entry.isBinary ? 'binary' : 'text';
  const header = [
    chalk.dim(`${entry.kind} ${what} message, ${formatBytes(data.length)}, at ${when}`),
    ...(entry.kind === 'dropped' ? [] : verdictLines(entry.contract)),
  ];
  if (entry.isBinary) return [...header, ...hexDump(data)];
  return [...header, ...jsonOrText(data.toString('utf8'))];
}

/** A message's text for the inspector: pretty, coloured JSON when it is JSON, else the text's lines. */
function jsonOrText(text: string): string[] {
  if (/^\s*[[{]/.test(text)) {
    try {
      return colourJson(sanitize(JSON.stringify(JSON.parse(text), null, 2), { keepNewlines: true })).split(
        '\n',
      );
    } catch {
      // not JSON after all: show as text
    }
  }
  return sanitize(text, { keepNewlines: true }).replace(/\t/g, '  ').split('\n');
}

/** Classic 16-bytes-a-line hex dump: offset, hex, printable ASCII. */
export function hexDump(data: Buffer): string[] {
  const lines: string[] = [];
  for (let at = 0; at < data.length; at += 16) {
    const row = data.subarray(at, at + 16);
    const hex = [...row].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...row].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    lines.push(`${at.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return lines;
}
