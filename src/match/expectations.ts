// --expect and --expect-json: what a smoke test waits for, matched in order against incoming text messages.

import { isDeepStrictEqual } from 'node:util';
import { WsxError } from '../core/errors.js';

export interface Expectation {
  /** As the user wrote it, for messages: /pong/ or type=pong. */
  label: string;
  matches(text: string): boolean;
}

/** `data.items[0].id` → ['data', 'items', 0, 'id'] */
export function parsePath(path: string): (string | number)[] {
  const parts: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const gap = path.slice(consumed, m.index);
    if (gap !== '' && gap !== '.')
      throw new WsxError('invalid-option', `--expect-json: cannot read path "${path}"`, {
        hint: 'e.g. type=pong or data.items[0].id=7',
      });
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    consumed = m.index + m[0].length;
  }
  if (parts.length === 0 || consumed !== path.length) {
    throw new WsxError('invalid-option', `--expect-json: cannot read path "${path}"`, {
      hint: 'e.g. type=pong or data.items[0].id=7',
    });
  }
  return parts;
}

function lookup(value: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key))
      return { found: false };
    current = (current as Record<string | number, unknown>)[key];
  }
  return { found: true, value: current };
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
    return { label: `/${text}/`, matches: (message) => re.test(message) };
  }
  const eq = text.indexOf('=');
  if (eq <= 0)
    throw new WsxError('invalid-option', `--expect-json: expected path=value, got "${text}"`, {
      hint: 'e.g. type=pong',
    });
  const path = parsePath(text.slice(0, eq));
  const raw = text.slice(eq + 1);
  let expected: unknown = raw;
  try {
    expected = JSON.parse(raw);
  } catch {
    // not JSON: compare as a string
  }
  return {
    label: text,
    matches(message) {
      let doc: unknown;
      try {
        doc = JSON.parse(message);
      } catch {
        return false;
      }
      const field = lookup(doc, path);
      return field.found && isDeepStrictEqual(field.value, expected);
    },
  };
}
