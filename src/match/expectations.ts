// --expect and --expect-json: the flags' spelling of the shared matcher (matcher.ts), matched in order.

import { WsxError } from '../core/errors.js';
import { explainMismatch, parsePath, shortJson, type JsonPath, type Matcher } from './matcher.js';

/** --expect-json's paths are the matcher language's: `data.items[0].id` → ['data', 'items', 0, 'id']. */
export { parsePath };

export interface Expectation {
  /** As the user wrote it, for messages: /pong/ or type=pong. */
  label: string;
  /** The same test in the matcher language, for the scenario engine. */
  matcher: Matcher;
  /** Why `text` does not match, e.g. `data.id is "7" (string)`, or undefined when it does. */
  explain(text: string): string | undefined;
}

function expectation(label: string, matcher: Matcher): Expectation {
  return {
    label,
    matcher,
    // The label is already shown next to this: only the reason, without the matcher's own label.
    explain: (text) => explainMismatch(matcher, text)?.slice(matcher.label.length + 2),
  };
}

/**
 * Builds one expectation. 'regex': a JavaScript regular expression tested against the whole message text.
 * 'json': `path=value`; the message must parse as JSON and the field equal the value, which is read as JSON
 * when it parses (7, true, null, {"a":1}, "7") and as a plain string otherwise (pong). Types must match:
 * id=7 does not match {"id":"7"}; write id="7" for that.
 */
export function parseExpectation(kind: 'regex' | 'json', text: string): Expectation {
  if (kind === 'regex') {
    let re: RegExp;
    try {
      re = new RegExp(text);
    } catch (err) {
      throw new WsxError(
        'invalid-option',
        `--expect: invalid regular expression /${text}/: ${(err as Error).message.replace(/^Invalid regular expression: /, '')}`,
      );
    }
    const label = `/${text}/`;
    return expectation(label, { label, conditions: [{ kind: 'regex', re, label }] });
  }
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new WsxError('invalid-option', `--expect-json: expected path=value, got "${text}"`, {
      hint: 'e.g. type=pong',
    });
  const pathText = text.slice(0, eq);
  let path: JsonPath;
  try {
    path = parsePath(pathText);
  } catch {
    throw new WsxError('invalid-option', `--expect-json: cannot read path "${pathText}"`, {
      hint: 'e.g. type=pong or data.items[0].id=7',
    });
  }
  const raw = text.slice(eq + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // not JSON: compare as a string
  }
  const label = `json ${pathText} == ${shortJson(value, 200)}`;
  return expectation(text, { label, conditions: [{ kind: 'json', path, pathText, op: '==', value, label }] });
}
