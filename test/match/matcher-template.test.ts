import { describe, expect, it } from 'vitest';
import { matches, parseMatcher } from '../../src/match/matcher.js';
import { fillMatcher, matcherVariables } from '../../src/match/matcher-template.js';

const vars = new Map([
  ['id', 'T.1"x'],
  ['n', '42'],
  ['word', 'pong'],
]);
const fill = (text: string) => {
  const r = fillMatcher(parseMatcher(text), (name) => vars.get(name));
  if (!('matcher' in r)) throw new Error(JSON.stringify(r));
  return r.matcher;
};

describe('fillMatcher', () => {
  it('fills a JSON string value as string content, quotes and all', () => {
    const m = fill('json params.targetId == "{{id}}"');
    expect(m.label).toBe('json params.targetId == "T.1\\"x"');
    expect(matches(m, JSON.stringify({ params: { targetId: 'T.1"x' } }))).toBe(true);
    expect(matches(m, '{"params":{"targetId":"{{id}}"}}')).toBe(false);
  });

  it('reads a bare {{n}} as JSON (a number here), or as a string when it is not JSON', () => {
    expect(matches(fill('json n == {{n}}'), '{"n":42}')).toBe(true);
    expect(matches(fill('json n == {{n}}'), '{"n":"42"}')).toBe(false);
    expect(matches(fill('json n > {{n}}'), '{"n":43}')).toBe(true);
    expect(matches(fill('json type == {{word}}'), '{"type":"pong"}')).toBe(true);
  });

  it('matches a value literally inside a regex', () => {
    const m = fill('/id=({{id}})/ and json x =~ /^{{n}}$/');
    expect(matches(m, '{"x":"42","s":"id=T.1\\"x"}')).toBe(false);
    expect(matches(m, 'id=T.1"x {"x":"42"}')).toBe(false); // not JSON
    expect(matches(fill('/id={{id}}/'), 'id=T.1"x')).toBe(true);
    expect(matches(fill('/id={{id}}/'), 'id=TX1"x')).toBe(false);
  });

  it('names the first variable with no value, and lists them all', () => {
    const m = parseMatcher('json a == "{{id}}" and /{{missing}}/ and json b == {{env.X}}');
    expect(matcherVariables(m)).toEqual(['id', 'missing', 'env.X']);
    expect(fillMatcher(m, (name) => vars.get(name))).toEqual({ missing: 'missing' });
  });

  it('says when a filled value is not a number for < and >', () => {
    expect(fillMatcher(parseMatcher('json n < {{word}}'), (name) => vars.get(name))).toEqual({
      error: 'json n < compares numbers, got "pong"',
    });
  });
});
