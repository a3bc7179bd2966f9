import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/text/duration.js';
import { RecordSplitter, tooLarge } from '../src/text/record-splitter.js';
import { preview, sanitize, sanitizeJson } from '../src/text/sanitize.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['5s', 5000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['3', 3000],
    [' 10S ', 10_000],
  ])('reads %j as %i ms', (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(['', 'abc', '5 seconds', '-1s', '1d', 's'])('rejects %j', (text) =>
    expect(parseDuration(text)).toBeUndefined(),
  );

  it('formats back in the largest fitting unit', () => {
    expect([250, 1500, 120_000, 5_400_000].map(formatDuration)).toEqual(['250ms', '1.5s', '2m', '1.5h']);
  });
});

describe('sanitize', () => {
  it.each([
    ['clear screen', '\x1b[2Jhi', '\\e[2Jhi'],
    ['OSC 0 title', '\x1b]0;pwned\x07', '\\e]0;pwned\\x07'],
    [
      'OSC 8 link',
      '\x1b]8;;http://evil\x1b\\click\x1b]8;;\x1b\\',
      '\\e]8;;http://evil\\e\\click\\e]8;;\\e\\',
    ],
    ['8-bit CSI', 'a\u009b2Jb', 'a\\x9b2Jb'],
    ['carriage return overwrite', 'safe\rEVIL', 'safe\\rEVIL'],
    ['bidi override', 'abc\u202edef', 'abc\\u202edef'],
    ['DEL and NUL', 'a\x7f\x00b', 'a\\x7f\\x00b'],
  ])('escapes %s', (_name, input, expected) => expect(sanitize(input)).toBe(expected));

  it('leaves ordinary text, emoji and accents alone', () => {
    expect(sanitize('héllo wörld 🎉 {"a":1}')).toBe('héllo wörld 🎉 {"a":1}');
  });

  it('keeps newlines and tabs only when asked', () => {
    expect(sanitize('a\nb\tc')).toBe('a\\nb\\tc');
    expect(sanitize('a\nb\tc\r', { keepNewlines: true })).toBe('a\nb\tc\\r');
  });

  it('cuts long previews and says how much is hidden', () => {
    expect(preview('x'.repeat(30), 10)).toBe('xxxxxxxxxx… (+20 chars)');
  });
});

describe('sanitizeJson', () => {
  it('writes what could drive a terminal as JSON escapes, so the line parses to the same value', () => {
    const value = { data: 'a\u009b2J\u202eb\u2028c\x7f', n: 1 };
    const line = sanitizeJson(JSON.stringify(value));
    expect(line).toBe('{"data":"a\\u009b2J\\u202eb\\u2028c\\u007f","n":1}');
    expect(JSON.parse(line)).toEqual(value);
  });
});

describe('RecordSplitter', () => {
  const take = (s: RecordSplitter) => {
    const out: string[] = [];
    for (let r = s.next(); r !== undefined; r = s.next())
      out.push(r === tooLarge ? '<too large>' : r.toString());
    return out;
  };

  it('splits across chunk boundaries, strips \\r before \\n, and keeps a last record with no delimiter', () => {
    const s = new RecordSplitter(0x0a, true);
    s.push(Buffer.from('one\r\ntw'));
    expect(take(s)).toEqual(['one']);
    s.push(Buffer.from('o\nthr'));
    s.push(Buffer.from('ee'));
    expect(take(s)).toEqual(['two']);
    s.end();
    expect(take(s)).toEqual(['three']);
  });

  it('hands out one record at a time, keeping the rest of the chunk for later', () => {
    const s = new RecordSplitter(0x00, false);
    s.push(Buffer.from('a\0b\0c\0'));
    expect(s.next()?.toString()).toBe('a');
    expect(take(s)).toEqual(['b', 'c']);
  });

  it('refuses a record as soon as it grows past the limit, before its end arrives, and then stops', () => {
    const s = new RecordSplitter(0x0a, true, 8);
    s.push(Buffer.from('short\n12345'));
    expect(s.next()?.toString()).toBe('short');
    expect(s.next()).toBeUndefined();
    // 9 bytes could still be 8 and a \r; 10 cannot.
    s.push(Buffer.from('6789'));
    expect(s.next()).toBeUndefined();
    s.push(Buffer.from('0'));
    expect(s.next()).toBe(tooLarge);
    s.push(Buffer.from('more\nlines\n'));
    expect(s.next()).toBeUndefined();
  });

  it('refuses a record over the limit that arrives whole in one chunk, and accepts one exactly at it', () => {
    const s = new RecordSplitter(0x0a, true, 4);
    s.push(Buffer.from('abcd\r\nabcde\n'));
    expect(take(s)).toEqual(['abcd', '<too large>']);
  });
});
