import { describe, expect, it } from 'vitest';
import { sanitize } from '../../src/text/sanitize.js';

describe('sanitize: invisible characters', () => {
  it.each([
    ['zero-width space', 'pay\u200bpal', 'pay\\u200bpal'],
    ['zero-width non-joiner', 'a\u200cb', 'a\\u200cb'],
    ['stray zero-width joiner', 'adm\u200din', 'adm\\u200din'],
    ['word joiner and BOM', '\ufeffa\u2060b', '\\ufeffa\\u2060b'],
    ['left-to-right mark', 'a\u200eb', 'a\\u200eb'],
    ['soft hyphen', 'se\u00adcret', 'se\\xadcret'],
    ['line separator', 'one\u2028two', 'one\\u2028two'],
    ['paragraph separator', 'one\u2029two', 'one\\u2029two'],
  ])('shows a %s as an escape', (_name, input, expected) => expect(sanitize(input)).toBe(expected));

  it('keeps U+2028 visible even with keepNewlines', () => {
    expect(sanitize('a\u2028b\nc', { keepNewlines: true })).toBe('a\\u2028b\nc');
  });

  it('shows a run of BEL as one mark with its count, a single BEL as before', () => {
    expect(sanitize(`ring${'\x07'.repeat(500)}!`)).toBe('ring\\x07×500!');
    expect(sanitize('a\x07b')).toBe('a\\x07b');
  });

  it('keeps a zero-width joiner that builds an emoji', () => {
    expect(sanitize('dev 👩\u200d💻 ok')).toBe('dev 👩\u200d💻 ok');
    expect(sanitize('🏳\ufe0f\u200d🌈')).toBe('🏳\ufe0f\u200d🌈');
  });
});
