import { describe, expect, it } from 'vitest';
import {
  describeValue,
  explainMismatch,
  matches,
  MatchSyntaxError,
  parseMatcher,
  parsePath,
  readMatcher,
} from '../../src/match/matcher.js';

describe('parsePath', () => {
  it('reads dotted keys and array indexes', () => {
    expect(parsePath('data.items[0].id')).toEqual(['data', 'items', 0, 'id']);
    expect(parsePath('a[2][3]')).toEqual(['a', 2, 3]);
    expect(parsePath('[1]')).toEqual([1]);
  });

  it.each(['', 'a..b', 'a[x]', '.a', 'a.', 'a.[0]'])('rejects %j', (p) =>
    expect(() => parsePath(p)).toThrow(MatchSyntaxError),
  );
});

describe('matcher: regex', () => {
  it('matches anywhere in the text, with flags', () => {
    const m = parseMatcher('/PO+NG/i');
    expect([matches(m, '{"type":"pong"}'), matches(m, 'ping')]).toEqual([true, false]);
    expect(m.label).toBe('/PO+NG/i');
  });

  it('keeps an escaped slash and a slash inside a character class in the body', () => {
    expect(matches(parseMatcher('/a\\/b/'), 'x a/b y')).toBe(true);
    expect(matches(parseMatcher('/[/]x/'), '/x')).toBe(true);
  });

  it.each([
    ['/abc', /unclosed regex/],
    ['/(/', /invalid regex/],
    ['/a/g', /only i, m, s, u and v/],
    ['//', /empty regex/],
  ])('rejects %j', (text, why) => expect(() => parseMatcher(text)).toThrow(why));
});

describe('matcher: json', () => {
  it.each([
    ['json type == "pong"', '{"type":"pong"}', true],
    ['json type == "pong"', '{"type":"ping"}', false],
    ['json data.items[0].id == 7', '{"data":{"items":[{"id":7}]}}', true],
    ['json id == 7', '{"id":"7"}', false],
    ['json id == "7"', '{"id":"7"}', true],
    ['json ok == true', '{"ok":true}', true],
    ['json v == null', '{"v":null}', true],
    ['json v == null', '{}', false],
    ['json obj == {"a":[1, "x y"]}', '{"obj":{"a":[1,"x y"]}}', true],
    ['json type != "error"', '{"type":"ok"}', true],
    ['json type != "error"', '{}', true],
    ['json type != "error"', '{"type":"error"}', false],
    ['json n < 10', '{"n":9.5}', true],
    ['json n < 10', '{"n":10}', false],
    ['json n > 10', '{"n":11}', true],
    ['json n > 10', '{"n":"11"}', false],
    ['json name =~ /^al/i', '{"name":"Alice"}', true],
    ['json name =~ /^al/', '{"name":"Bob"}', false],
    ['json session_id exists', '{"session_id":null}', true],
    ['json session_id exists', '{"session":1}', false],
    ['json type == "pong"', 'not json', false],
    ['json a[1] exists', '{"a":[0]}', false],
  ])('%s against %s → %s', (text, message, expected) => {
    expect(matches(parseMatcher(text), message)).toBe(expected);
  });

  it.each([
    ['json', /missing PATH/],
    ['json a', /expected ==, !=, <, >, =~ or exists, got "nothing"/],
    ['json a = 1', /expected ==/],
    ['json a == pong', /invalid JSON value pong \(strings need double quotes/],
    ['json a ==', /invalid JSON value \(none given\)/],
    ['json a == "open', /invalid JSON value/],
    ['json a == {"x":1', /invalid JSON value/],
    ['json a < "7"', /compares numbers/],
    ['json a =~ abc', /needs a \/regex\//],
    ['json a..b exists', /cannot read path/],
    ['type == 1', /expected \/regex\/ or json PATH/],
    ['/a/ /b/', /join conditions with "and"/],
    ['/a/x', /only i, m, s, u and v/],
    ['json a exists and', /expected \/regex\/ or json PATH .*got "nothing"/],
  ])('rejects %j', (text, why) => expect(() => parseMatcher(text)).toThrow(why));

  it('reports the column of the mistake', () => {
    try {
      parseMatcher('json a == 1 and json b == nope');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MatchSyntaxError);
      expect((err as MatchSyntaxError).column).toBe(26);
    }
  });
});

describe('matcher: and', () => {
  it('needs every condition to hold for the same message', () => {
    const m = parseMatcher('json type == "price" and json channel == "prices" and /EUR/');
    expect(m.conditions).toHaveLength(3);
    expect(matches(m, '{"type":"price","channel":"prices","cur":"EUR"}')).toBe(true);
    expect(matches(m, '{"type":"price","channel":"news","cur":"EUR"}')).toBe(false);
  });

  it('stops before a word that is not "and", so a scenario line can go on', () => {
    const text = 'json type == "x" within 5s';
    const { matcher, end } = readMatcher(text);
    expect(matcher.label).toBe('json type == "x"');
    expect(text.slice(end).trim()).toBe('within 5s');
  });
});

describe('explainMismatch', () => {
  it('shows the actual value and its type, so 7 vs "7" is obvious', () => {
    expect(explainMismatch(parseMatcher('json data.id == 7'), '{"data":{"id":"7"}}')).toBe(
      'json data.id == 7: data.id is "7" (string), not a number',
    );
    expect(explainMismatch(parseMatcher('json id == "7"'), '{"id":7}')).toBe(
      'json id == "7": id is 7 (number), not a string',
    );
  });

  it('names the first failing condition, a missing path and a message that is not JSON', () => {
    const m = parseMatcher('json type == "a" and json n > 3');
    expect(explainMismatch(m, '{"type":"a","n":1}')).toBe('json n > 3: n is 1 (number)');
    expect(explainMismatch(m, '{"n":5}')).toBe('json type == "a": type is missing');
    expect(explainMismatch(m, 'hello')).toBe('json type == "a": the message is not JSON');
    expect(explainMismatch(m, '{"type":"a","n":5}')).toBeUndefined();
  });

  it('describes each JSON type and cuts long values', () => {
    expect([null, [1], { a: 1 }, true].map((v) => describeValue(v))).toEqual([
      'null (null)',
      '[1] (array)',
      '{"a":1} (object)',
      'true (boolean)',
    ]);
    expect(describeValue('x'.repeat(100), 10)).toBe('"xxxxxxxxx… (string)');
  });
});

describe('matcher: JSON nested 5,000 deep', () => {
  const deep = (n: number, leaf: string) => `${'['.repeat(n)}${leaf}${']'.repeat(n)}`;

  it('describes a mismatch in a few characters instead of overflowing the stack', () => {
    const why = explainMismatch(parseMatcher('json a == 1'), `{"a":${deep(5000, '')}}`);
    expect(why).toBe(`json a == 1: a is ${'['.repeat(60)}… (array), not a number`);
  });

  it('compares deep values for equality, both ways', () => {
    const text = `{"a":${deep(5000, '1')}}`;
    expect(matches(parseMatcher(`json a == ${deep(5000, '1')}`), text)).toBe(true);
    expect(matches(parseMatcher(`json a == ${deep(5000, '2')}`), text)).toBe(false);
    expect(matches(parseMatcher(`json a != ${deep(4999, '1')}`), text)).toBe(true);
  });

  it('still tells members in any order equal, and 7 from "7"', () => {
    expect(matches(parseMatcher('json a == {"x":1,"y":[2]}'), '{"a":{"y":[2],"x":1}}')).toBe(true);
    expect(matches(parseMatcher('json a == {"x":1}'), '{"a":{"x":1,"y":2}}')).toBe(false);
    expect(matches(parseMatcher('json a == [7]'), '{"a":["7"]}')).toBe(false);
    expect(matches(parseMatcher('json a == {"0":1}'), '{"a":[1]}')).toBe(false);
  });
});
