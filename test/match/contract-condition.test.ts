import { describe, expect, it } from 'vitest';
import { explainMismatch, matches, readMatcher, Subject } from '../../src/match/matcher.js';

const valid = (message: string) => ({ isValid: true, message, errors: [] });
const invalid = (message: string) => ({
  isValid: false,
  message,
  errors: [{ path: '$.price', message: 'must be number (got "high")' }],
});

describe('valid NAME and invalid conditions', () => {
  it('reads `valid pong` and stops before `within`; `invalid` may go without a name', () => {
    const a = readMatcher('valid pong within 2s');
    expect(a.matcher.label).toBe('valid pong');
    expect('valid pong within 2s'.slice(a.end).trim()).toBe('within 2s');
    const b = readMatcher('invalid within 2s');
    expect(b.matcher.conditions).toEqual([{ kind: 'contract', isValid: false, label: 'invalid' }]);
    expect(() => readMatcher('valid within 2s')).toThrow(/valid: missing the message name/);
  });

  it('holds by the verdict the message carries, and says why not', () => {
    const { matcher } = readMatcher('valid ticker and json pair == "XBT/USD"');
    const text = '{"pair":"XBT/USD"}';
    expect(matches(matcher, new Subject(text, valid('ticker')))).toBe(true);
    expect(matches(matcher, new Subject(text, valid('heartbeat')))).toBe(false);
    expect(explainMismatch(matcher, new Subject(text, invalid('ticker')))).toBe(
      'valid ticker: ticker invalid: $.price: must be number (got "high")',
    );
    expect(explainMismatch(matcher, new Subject(text))).toBe(
      'valid ticker: the message was not checked against a contract',
    );
    expect(matches(readMatcher('invalid').matcher, new Subject(text, invalid('ticker')))).toBe(true);
    expect(matches(readMatcher('invalid ticker').matcher, new Subject(text, invalid('other')))).toBe(false);
  });

  it('lets neither valid nor invalid hold for a message the document has no name for (unknown)', () => {
    const unknown = {
      isValid: false,
      isUnknown: true,
      errors: [{ path: '$.method', message: 'mul names no message the document has (add)' }],
    };
    const text = '{"method":"mul"}';
    expect(matches(readMatcher('invalid').matcher, new Subject(text, unknown))).toBe(false);
    expect(explainMismatch(readMatcher('valid add').matcher, new Subject(text, unknown))).toBe(
      'valid add: unknown: $.method: mul names no message the document has (add)',
    );
  });
});
