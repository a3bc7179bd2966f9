import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../src/text/duration.js';
import { preview, sanitize } from '../src/text/sanitize.js';

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
