import { describe, expect, it } from 'vitest';
import { matches, parseMatcher } from '../../src/match/matcher.js';
import { execRegex, testRegex } from '../../src/match/regex-guard.js';

// 100 KB of L then one x: /(L+)+$/ backtracks exponentially on it.
const hostile = `${'L'.repeat(100_000)}x`;

describe('regex guard', () => {
  it('answers a catastrophically backtracking regex on a 100 KB message in well under a second', () => {
    const started = Date.now();
    expect(matches(parseMatcher('/(L+)+$/'), hostile)).toBe(false);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('stops a runaway regex the linear engine cannot take (flag i) after its limit, naming the pattern', () => {
    const started = Date.now();
    expect(() => matches(parseMatcher('/(L+)+$/i'), hostile)).toThrow(/\/\(L\+\)\+\$\/i ran over 1 s/);
    expect(() => testRegex(/(L+)+\1$/, hostile)).toThrow(
      /\/\(L\+\)\+\\1\$\/ ran over 1 s on a 100001-character message/,
    );
    expect(Date.now() - started).toBeLessThan(6000);
  });

  it('still matches ordinary patterns with every flag, in the worker or not', () => {
    expect(testRegex(/po+ng/i, 'PONG')).toBe(true);
    expect(testRegex(/(a)\1/, 'xaa')).toBe(true);
    expect(testRegex(/\u{1F600}/u, 'smile 😀')).toBe(true);
    expect(testRegex(/po+ng/i, 'ping')).toBe(false);
    expect(execRegex(/id=(\d+)(x)?/i, 'ID=42')).toEqual(['ID=42', '42', null]);
    expect(execRegex(/id=(\d+)/, 'id=7')).toEqual(['id=7', '7']);
  });
});
