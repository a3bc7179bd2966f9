import { describe, expect, it } from 'vitest';
import { parseExpectation, parsePath } from '../../src/match/expectations.js';
import { matches } from '../../src/match/matcher.js';

describe('parsePath', () => {
  it('reads dotted keys and array indexes', () => {
    expect(parsePath('data.items[0].id')).toEqual(['data', 'items', 0, 'id']);
    expect(parsePath('type')).toEqual(['type']);
    expect(parsePath('a[2][3]')).toEqual(['a', 2, 3]);
  });

  it.each(['', 'a..b', 'a[x]'])('rejects %j', (p) => expect(() => parsePath(p)).toThrow(/cannot read path/));
});

describe('parseExpectation', () => {
  it('matches a regex anywhere in the text', () => {
    const e = parseExpectation('regex', 'po+ng');
    expect([matches(e.matcher, '{"type":"pong"}'), matches(e.matcher, 'ping')]).toEqual([true, false]);
    expect(e.label).toBe('/po+ng/');
  });

  it('rejects an invalid regex with a usage error', () => {
    expect(() => parseExpectation('regex', '(')).toThrow(/--expect: invalid regular expression/);
  });

  it.each([
    ['type=pong', '{"type":"pong"}', true],
    ['type=pong', '{"type":"ping"}', false],
    ['data.items[0].id=7', '{"data":{"items":[{"id":7}]}}', true],
    ['data.items[0].id=7', '{"data":{"items":[{"id":"7"}]}}', false],
    ['id="7"', '{"id":"7"}', true],
    ['data.items[0].id=7', '{"data":{"items":[]}}', false],
    ['ok=true', '{"ok":true}', true],
    ['ok=true', '{"ok":"yes"}', false],
    ['v=null', '{"v":null}', true],
    ['v=null', '{}', false],
    ['obj={"a":1}', '{"obj":{"a":1}}', true],
    ['type=pong', 'not json', false],
  ])('%s against %s → %s', (spec, message, expected) => {
    expect(matches(parseExpectation('json', spec).matcher, message)).toBe(expected);
  });

  it('rejects a spec without =', () => {
    expect(() => parseExpectation('json', 'type')).toThrow(/expected path=value/);
  });

  it('rejects an unreadable path with a usage error naming --expect-json', () => {
    expect(() => parseExpectation('json', 'a..b=1')).toThrow(
      expect.objectContaining({ kind: 'invalid-option', message: '--expect-json: cannot read path "a..b"' }),
    );
  });
});

describe('Expectation.explain', () => {
  it('names the actual value and its type for --expect-json', () => {
    expect(parseExpectation('json', 'data.id=7').explain('{"data":{"id":"7"}}')).toBe(
      'data.id is "7" (string), not a number',
    );
    expect(parseExpectation('json', 'type=pong').explain('{"type":"pong"}')).toBeUndefined();
  });
});
