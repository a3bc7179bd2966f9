// JSON values written one after another on a line, as typed after a method or action name:
// `"alice" {"n":1} [2,3] true`. A small scanner finds where each value ends; JSON.parse reads it.

import { InputError } from './codec.js';

/**
 * The JSON value starting at `start` (after white space): the value and the index just past it. Throws
 * InputError when it is not JSON (`what` names it). Bounded by the text's length.
 */
export function readJsonValue(text: string, start: number, what: string): { value: unknown; end: number } {
  let i = start;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  const from = i;
  let depth = 0;
  let inString = false;
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      if (!inString && depth === 0) {
        i++;
        break;
      }
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        i++;
        break;
      }
    } else if (depth === 0 && /\s/.test(c)) break;
  }
  const token = text.slice(from, i);
  try {
    return { value: JSON.parse(token), end: i };
  } catch {
    throw new InputError(`${what} is not JSON: ${token} (write strings in quotes)`);
  }
}

/** Every JSON value of `text`, one after another: `"alice" {"n":1} [2,3] true` → ["alice", {n:1}, [2,3], true]. */
export function parseArguments(text: string): unknown[] {
  const args: unknown[] = [];
  let i = 0;
  // Each round consumes at least one character, or throws.
  while (text.slice(i).trim() !== '') {
    const { value, end } = readJsonValue(text, i, `argument ${args.length + 1}`);
    args.push(value);
    i = end;
  }
  return args;
}
