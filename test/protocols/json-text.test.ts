import { describe, expect, it } from 'vitest';
import {
  elementsOf,
  exactNumber,
  inexactNumbers,
  isExactNumber,
  memberOf,
  membersOf,
  objectsStartingWith,
  parseJsonText,
  sliceOf,
  withMembers,
} from '../../src/protocols/json-text.js';

describe('json-text', () => {
  it('finds members and elements by their place in the text, whitespace and escapes kept', () => {
    const { text, span } = parseJsonText(' { "a\\"b" : [1, {"x":"}]"} ,2.50] , "id":9007199254740993 } ');
    expect(membersOf(text, span).map((m) => [m.key, sliceOf(text, m.value)])).toEqual([
      ['a"b', '[1, {"x":"}]"} ,2.50]'],
      ['id', '9007199254740993'],
    ]);
    const arr = memberOf(text, span, 'a"b')!;
    expect(elementsOf(text, arr).map((s) => sliceOf(text, s))).toEqual(['1', '{"x":"}]"}', '2.50']);
  });

  it('adds members into an object and leaves the rest byte for byte', () => {
    const { text, span } = parseJsonText('{ "method" : "x", "n": 1.10 }');
    expect(withMembers(text, span, ['"jsonrpc":"2.0"'], ['"id":1'])).toBe(
      '{"jsonrpc":"2.0", "method" : "x", "n": 1.10 ,"id":1}',
    );
    const empty = parseJsonText('{ }');
    expect(withMembers(empty.text, empty.span, ['"a":1'], ['"b":2'])).toBe('{"a":1,"b":2}');
  });

  it('walks JSON nested 100,000 deep without overflowing the stack', () => {
    const deep = `${'['.repeat(100_000)}{"$binary":"AQ=="}${']'.repeat(100_000)}`;
    const { text, span } = parseJsonText(deep);
    expect(objectsStartingWith(text, span, '$binary')).toEqual([{ start: 100_000, end: 100_018 }]);
    expect(elementsOf(text, span)).toEqual([{ start: 1, end: deep.length - 1 }]);
  });

  it('tells numbers a double holds exactly from those it changes', () => {
    expect(exactNumber('1.0')).toBe(exactNumber('1'));
    expect(exactNumber('100')).toBe(exactNumber('1e2'));
    expect(exactNumber('9007199254740993')).not.toBe(exactNumber('9007199254740992'));
    expect(['1.10', '-0', '1e21', '0.1', '25000'].every(isExactNumber)).toBe(true);
    expect(inexactNumbers('{"id":9007199254740993,"s":"12345678901234567890","n":[1e400,0.5]}')).toEqual([
      '9007199254740993',
      '1e400',
    ]);
  });
});
