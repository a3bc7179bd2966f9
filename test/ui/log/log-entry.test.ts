import { describe, expect, it } from 'vitest';
import { entryRow } from '../../../src/ui/log/entry-rows.js';
import { formatEntry, messageText, type LogEntry } from '../../../src/ui/log/log-entry.js';
import { stripAnsi } from '../../helpers/ink.js';

const plain = { showTimestamps: false, isPretty: false };
const show = (entry: LogEntry, opts = plain) => stripAnsi(formatEntry(entry, opts));

describe('log entries', () => {
  it('marks each kind with its symbol', () => {
    expect(show({ kind: 'sent', at: 0, data: 'hi', isBinary: false })).toBe('→ hi');
    expect(show({ kind: 'received', at: 0, data: Buffer.from('yo'), isBinary: false })).toBe('← yo');
    expect(show({ kind: 'dropped', at: 0, data: 'late', isBinary: false, why: 'not sent in time' })).toBe(
      '✕ late dropped: not sent in time',
    );
    expect(show({ kind: 'state', at: 0, text: 'connected', tone: 'good' })).toBe('• connected');
    expect(show({ kind: 'pong', at: 0, rttMs: 4 })).toBe('• pong 4 ms');
    expect(show({ kind: 'ping', at: 0 })).toBe('• ping');
    expect(show({ kind: 'skipped', at: 0, count: 12 })).toContain('… 12 more entries not shown');
  });

  it('shows binary as size and a hex preview', () => {
    const data = Buffer.from(Array.from({ length: 20 }, (_, i) => i));
    expect(show({ kind: 'received', at: 0, data, isBinary: true })).toBe(
      '← ⟨binary 20 B⟩ 00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f …',
    );
  });

  it('adds a timestamp when asked and indents continuation lines under the payload', () => {
    const at = new Date(2026, 0, 1, 9, 5, 7, 42).getTime();
    expect(
      show(
        { kind: 'received', at, data: Buffer.from('a\nb'), isBinary: false },
        { showTimestamps: true, isPretty: false },
      ),
    ).toBe('09:05:07.042 ← a\n               b');
  });

  it('pretty-prints JSON when asked and leaves other text alone', () => {
    expect(stripAnsi(messageText('{"a":[1,{"b":null}]}', true))).toBe(
      '{\n  "a": [\n    1,\n    {\n      "b": null\n    }\n  ]\n}',
    );
    expect(stripAnsi(messageText('{not json', true))).toBe('{not json');
    expect(stripAnsi(messageText('{"a":1}', false))).toBe('{"a":1}');
  });

  it('never lets server text reach the terminal raw: ESC, OSC title and link, 8-bit CSI, CR', () => {
    const hostile = 'A\x1b[2JB\x1b]0;title\x07C\x1b]8;;http://x\x1b\\D\u009b31mE\rF';
    const out = formatEntry({ kind: 'received', at: 0, data: Buffer.from(hostile), isBinary: false }, plain);
    expect(out).not.toMatch(/[\x1b\u009b\r\x07]/);
    expect(out).toContain('A\\e[2JB\\e]0;title\\x07C\\e]8;;http://x\\e\\D\\x9b31mE\\rF');
    // Pretty JSON too: C1 characters inside strings survive JSON.stringify, so they are escaped after it.
    expect(
      formatEntry(
        { kind: 'received', at: 0, data: Buffer.from('{"x":"\u009b2J\u202e"}'), isBinary: false },
        { ...plain, isPretty: true },
      ),
    ).not.toMatch(/[\u009b\u202e]/);
  });

  it('keeps its own colour codes intact after sanitising the server text', async () => {
    const { default: chalk } = await import('chalk');
    const level = chalk.level;
    chalk.level = 1;
    try {
      const out = messageText('y'.repeat(4001), false);
      expect(out).toContain('\x1b[2m … (+1 chars)');
      expect(out).not.toContain('\\e[');
    } finally {
      chalk.level = level;
    }
  });

  it('cuts a huge message and says how much is hidden', () => {
    expect(show({ kind: 'received', at: 0, data: Buffer.from('x'.repeat(5000)), isBinary: false })).toMatch(
      /x … \(\+1000 chars\)$/,
    );
  });

  it('shows a long run of control characters in a row as one mark, then the text after it', () => {
    const bells = Buffer.from(`${'\x07'.repeat(1000)}after the bells`);
    const row = stripAnsi(entryRow({ kind: 'received', at: 0, data: bells, isBinary: false }, plain));
    expect(row).toBe('← \\x07×1000after the bells (1015 B)');
    const nuls = `${'\x00'.repeat(3000)}after the nuls`;
    const sentRow = stripAnsi(entryRow({ kind: 'sent', at: 0, data: nuls, isBinary: false }, plain));
    expect(sentRow).toBe('→ \\x00×3000after the nuls (2.9 KiB)');
  });
});
