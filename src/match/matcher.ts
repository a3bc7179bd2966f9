// The matcher language shared by `wsx run`'s expect/ignore/capture and by --expect/--expect-json:
// `/regex/flags`, `json PATH OP VALUE`, `json PATH exists`, joined with `and`.

import { testRegex } from './regex-guard.js';

/** A path into a JSON document: `data.items[0].id` → ['data', 'items', 0, 'id']. */
export type JsonPath = (string | number)[];

/**
 * `{{name}}` or `{{env.NAME}}`: a scenario variable in a send payload or a matcher's value or regex.
 * A condition that holds one keeps its text in `template` (the regex body, or the JSON value as written);
 * its `re` or `value` then stand in until matcher-template.ts fills the variables in.
 */
export const variablePattern = /\{\{\s*([^{}]*?)\s*\}\}/g;

export type Condition =
  | { kind: 'regex'; re: RegExp; label: string; template?: string }
  | {
      kind: 'json';
      path: JsonPath;
      pathText: string;
      op: '==' | '!=' | '<' | '>';
      value: unknown;
      label: string;
      template?: string;
    }
  | { kind: 'json'; path: JsonPath; pathText: string; op: '=~'; re: RegExp; label: string; template?: string }
  | { kind: 'json'; path: JsonPath; pathText: string; op: 'exists'; label: string }
  | {
      /** `valid NAME` / `invalid [NAME]`: the message's verdict against the --asyncapi document. */
      kind: 'contract';
      isValid: boolean;
      message?: string;
      label: string;
    };

/** What a contract condition reads of a message: its verdict, set by whoever checked it (src/contract). */
export interface VerdictView {
  isValid: boolean;
  /** The document has no message of the name the envelope gives (a JSON-RPC method): neither valid nor invalid. */
  isUnknown?: boolean;
  /** The message it matched, or (invalid) came closest to. */
  message?: string;
  ambiguous?: string[];
  errors: { path: string; message: string }[];
}

export interface Matcher {
  /** As written, normalised: `json type == "pong" and /ok/`. */
  label: string;
  conditions: Condition[];
}

/** The variables a text refers to, in order: `{{ id }}` → 'id', `{{env.T}}` → 'env.T'. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(variablePattern)].map((m) => m[1]!);
}

function hasTemplate(text: string): boolean {
  return variablesIn(text).length > 0;
}

/** A mistake in matcher text; `column` counts from 0 into the text given to the parser. */
export class MatchSyntaxError extends Error {
  override readonly name = 'MatchSyntaxError';
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
  }
}

// Flags that make sense for a test against one message; g and y make RegExp.test stateful.
const allowedFlags = /^[imsuv]*$/;

/** `data.items[0].id` → ['data', 'items', 0, 'id']; throws MatchSyntaxError for anything else. */
export function parsePath(path: string): JsonPath {
  const parts: JsonPath = [];
  const re = /([^.[\]\s]+)|\[(\d+)\]/g;
  let consumed = 0;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    const gap = path.slice(consumed, m.index);
    // A dot separates keys, but never starts the path or follows another dot.
    if (gap !== '' && !(gap === '.' && consumed > 0 && m[1] !== undefined)) break;
    parts.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
    consumed = m.index + m[0].length;
  }
  if (parts.length === 0 || consumed !== path.length)
    throw new MatchSyntaxError(`cannot read path "${path}" (write it like data.items[0].id)`, 0);
  return parts;
}

/** Reads `/body/flags` starting at `start` (which holds the opening slash). Returns the regex and where it ended. */
export function readRegex(
  text: string,
  start: number,
): { re: RegExp; end: number; label: string; template?: string } {
  let i = start + 1;
  let isInClass = false;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') i++;
    else if (ch === '[') isInClass = true;
    else if (ch === ']') isInClass = false;
    else if (ch === '/' && !isInClass) break;
  }
  if (i >= text.length) throw new MatchSyntaxError('unclosed regex: no closing /', start);
  const body = text.slice(start + 1, i);
  let end = i + 1;
  while (end < text.length && /[a-z]/i.test(text[end]!)) end++;
  const flags = text.slice(i + 1, end);
  if (!allowedFlags.test(flags))
    throw new MatchSyntaxError(`regex flags "${flags}": only i, m, s, u and v are allowed`, i + 1);
  if (body === '') throw new MatchSyntaxError('empty regex //', start);
  try {
    // With variables, the regex is compiled when they are filled in; checked now with a stand-in for each.
    const re = new RegExp(hasTemplate(body) ? body.replace(variablePattern, 'x') : body, flags);
    return { re, end, label: text.slice(start, end), ...(hasTemplate(body) ? { template: body } : {}) };
  } catch (err) {
    const why = (err as Error).message.replace(/^Invalid regular expression: /, '');
    throw new MatchSyntaxError(`invalid regex: ${why}`, start);
  }
}

/** Reads one JSON value (a string, number, literal, object or array) starting at `start`. */
export function readJsonValue(
  text: string,
  start: number,
): { value: unknown; end: number; template?: string } {
  let end = start;
  const first = text[start];
  if (first === '"') {
    for (end = start + 1; end < text.length && text[end] !== '"'; end++) if (text[end] === '\\') end++;
    end++;
  } else if (first === '{' || first === '[') {
    let depth = 0;
    for (; end < text.length; end++) {
      const ch = text[end];
      if (ch === '"') {
        for (end++; end < text.length && text[end] !== '"'; end++) if (text[end] === '\\') end++;
      } else if (ch === '{' || ch === '[') depth++;
      else if ((ch === '}' || ch === ']') && --depth === 0) {
        end++;
        break;
      }
    }
  } else {
    while (end < text.length && !/\s/.test(text[end]!)) end++;
  }
  const raw = text.slice(start, end);
  try {
    if (raw === '') throw new Error('nothing there');
    // With variables, checked now with 0 standing in for each (in a string or not).
    if (hasTemplate(raw))
      return { value: JSON.parse(fillJsonText(raw, () => '0')) as unknown, end, template: raw };
    return { value: JSON.parse(raw) as unknown, end };
  } catch {
    throw new MatchSyntaxError(
      `invalid JSON value ${raw === '' ? '(none given)' : raw} (strings need double quotes: "pong")`,
      start,
    );
  }
}

/**
 * JSON text with each `{{name}}` replaced by `resolve(name)`: escaped as JSON string content inside a
 * string (so a value with quotes stays one string), as is outside one (`{{n}}` for a number). A variable
 * with no value stays as written.
 */
export function fillJsonText(raw: string, resolve: (name: string) => string | undefined): string {
  let out = '';
  let isInString = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '{' && raw[i + 1] === '{') {
      const m = new RegExp(variablePattern.source, 'y');
      m.lastIndex = i;
      const found = m.exec(raw);
      if (found) {
        const value = resolve(found[1]!);
        out += value === undefined ? found[0] : isInString ? JSON.stringify(value).slice(1, -1) : value;
        i += found[0].length - 1;
        continue;
      }
    }
    if (isInString && ch === '\\') {
      out += ch + (raw[i + 1] ?? '');
      i++;
      continue;
    }
    if (ch === '"') isInString = !isInString;
    out += ch;
  }
  return out;
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  return i;
}

function wordAt(text: string, i: number): string {
  return /^\S*/.exec(text.slice(i))![0];
}

const ops = ['==', '!=', '=~', '<', '>'] as const;

/** Characters of a compared value a matcher's label shows (a label is repeated in every report line). */
const maxLabelValueChars = 200;

/** Words that go on a scenario line after a matcher: never a message's name after `invalid`. */
const notNames = new Set(['and', 'within']);

function readCondition(text: string, start: number): { condition: Condition; end: number } {
  const first = wordAt(text, start);
  if (first === 'valid' || first === 'invalid') {
    const isValid = first === 'valid';
    let end = start + first.length;
    const nameAt = skipSpaces(text, end);
    const name = wordAt(text, nameAt);
    const isName = name !== '' && !name.startsWith('#') && !notNames.has(name);
    if (isValid && !isName)
      throw new MatchSyntaxError(
        'valid: missing the message name (valid NAME; any invalid: invalid)',
        nameAt,
      );
    if (isName) end = nameAt + name.length;
    return {
      condition: {
        kind: 'contract',
        isValid,
        ...(isName ? { message: name } : {}),
        label: isName ? `${first} ${name}` : first,
      },
      end,
    };
  }
  if (text[start] === '/') {
    const { re, end, label, template } = readRegex(text, start);
    return { condition: { kind: 'regex', re, label, ...(template === undefined ? {} : { template }) }, end };
  }
  if (first !== 'json')
    throw new MatchSyntaxError(
      `expected /regex/ or json PATH ... (or valid NAME, invalid), got "${wordAt(text, start) || 'nothing'}"`,
      start,
    );
  return readJsonCondition(text, start + 'json'.length);
}

/** `json PATH exists`, `json PATH =~ /re/` or `json PATH OP VALUE`, read from just after the word `json`. */
function readJsonCondition(text: string, start: number): { condition: Condition; end: number } {
  const { path, pathText, end: pathEnd } = readJsonPath(text, skipSpaces(text, start));
  const i = skipSpaces(text, pathEnd);
  if (wordAt(text, i) === 'exists') {
    return {
      condition: { kind: 'json', path, pathText, op: 'exists', label: `json ${pathText} exists` },
      end: i + 'exists'.length,
    };
  }
  const op = ops.find((o) => text.startsWith(o, i));
  if (!op)
    throw new MatchSyntaxError(
      `json ${pathText}: expected ==, !=, <, >, =~ or exists, got "${wordAt(text, i) || 'nothing'}"`,
      i,
    );
  const valueAt = skipSpaces(text, i + op.length);
  const head = { kind: 'json', path, pathText } as const;
  if (op === '=~') {
    if (text[valueAt] !== '/') throw new MatchSyntaxError(`json ${pathText} =~ needs a /regex/`, valueAt);
    const { re, end, label, template } = readRegex(text, valueAt);
    const condition = { ...head, op, re, label: `json ${pathText} =~ ${label}` };
    return { condition: template === undefined ? condition : { ...condition, template }, end };
  }
  const { value, end, template } = readJsonValue(text, valueAt);
  if ((op === '<' || op === '>') && typeof value !== 'number' && template === undefined)
    throw new MatchSyntaxError(
      `json ${pathText} ${op} compares numbers, got ${shortJson(value, maxLabelValueChars)}`,
      valueAt,
    );
  const condition = {
    ...head,
    op,
    value,
    label: `json ${pathText} ${op} ${template ?? shortJson(value, maxLabelValueChars)}`,
  };
  return { condition: template === undefined ? condition : { ...condition, template }, end };
}

/** The PATH word after `json`, parsed; a bad path is a MatchSyntaxError at its position. */
function readJsonPath(text: string, start: number): { path: JsonPath; pathText: string; end: number } {
  const pathText = wordAt(text, start);
  if (pathText === '') throw new MatchSyntaxError('json: missing PATH', start);
  try {
    return { path: parsePath(pathText), pathText, end: start + pathText.length };
  } catch (err) {
    throw new MatchSyntaxError((err as Error).message, start);
  }
}

/**
 * Reads a matcher from `text` at `start`, stopping at the end or at the first word after a condition that
 * is not `and` (a scenario line goes on with `within 5s`). Throws MatchSyntaxError.
 */
export function readMatcher(text: string, start = 0): { matcher: Matcher; end: number } {
  const conditions: Condition[] = [];
  let i = skipSpaces(text, start);
  for (;;) {
    const { condition, end } = readCondition(text, i);
    conditions.push(condition);
    i = end;
    if (i < text.length && !/\s/.test(text[i]!))
      throw new MatchSyntaxError(`unexpected "${wordAt(text, i)}" after ${condition.label}`, i);
    const next = skipSpaces(text, i);
    if (wordAt(text, next) !== 'and') break;
    i = skipSpaces(text, next + 3);
  }
  return { matcher: { label: conditions.map((c) => c.label).join(' and '), conditions }, end: i };
}

/** Parses a whole matcher; anything left over is an error. */
export function parseMatcher(text: string): Matcher {
  const { matcher, end } = readMatcher(text);
  const rest = skipSpaces(text, end);
  if (rest < text.length)
    throw new MatchSyntaxError(`unexpected "${wordAt(text, rest)}": join conditions with "and"`, rest);
  return matcher;
}

// ---- evaluating ----------------------------------------------------------------------------------------

/** A message as the matcher sees it: its text, parsed as JSON at most once. */
export class Subject {
  private parsed: { isJson: boolean; value?: unknown } | undefined;
  constructor(
    readonly text: string,
    /** The --asyncapi verdict, when the message was checked against a document. */
    readonly verdict?: VerdictView,
  ) {}

  json(): { isJson: boolean; value?: unknown } {
    if (!this.parsed) {
      try {
        this.parsed = { isJson: true, value: JSON.parse(this.text) as unknown };
      } catch {
        this.parsed = { isJson: false };
      }
    }
    return this.parsed;
  }
}

export function lookup(value: unknown, path: JsonPath): { found: boolean; value?: unknown } {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key))
      return { found: false };
    current = (current as Record<string | number, unknown>)[key];
  }
  return { found: true, value: current };
}

/** The JSON type of a value, as a person says it: array and null are not "object". */
export function jsonType(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
}

/**
 * JSON text of `value`, at most about `maxChars` long. Stops early instead of serialising it all: JSON 5,000
 * levels deep (10 KB) overflows JSON.stringify's recursion, and a 10 MB value need not be written to show 60
 * characters of it. Recursion goes at most `maxChars` levels deep, since each level writes a character.
 */
export function shortJson(value: unknown, maxChars: number): string {
  let out = '';
  const write = (v: unknown): void => {
    if (out.length > maxChars) return;
    if (v === null || typeof v !== 'object') {
      out +=
        typeof v === 'string' && v.length > maxChars
          ? JSON.stringify(v.slice(0, maxChars))
          : (JSON.stringify(v) ?? String(v));
      return;
    }
    const isArray = Array.isArray(v);
    out += isArray ? '[' : '{';
    let isFirst = true;
    for (const key of Object.keys(v)) {
      if (out.length > maxChars) return;
      if (!isFirst) out += ',';
      isFirst = false;
      if (!isArray) out += `${JSON.stringify(key)}:`;
      write((v as Record<string, unknown>)[key]);
    }
    out += isArray ? ']' : '}';
  };
  write(value);
  return out.length > maxChars ? `${out.slice(0, maxChars)}…` : out;
}

/** "7 (number)", "\"7\" (string)", "null (null)", "[1,2] (array)": so 7 vs "7" is obvious. */
export function describeValue(value: unknown, maxChars = 60): string {
  return `${shortJson(value, maxChars)} (${jsonType(value)})`;
}

/**
 * Deep equality of two JSON values (what JSON.parse returns), without recursion: util.isDeepStrictEqual
 * overflows the stack on a value nested 5,000 deep. Numbers compare with Object.is, as isDeepStrictEqual did;
 * object members in any order.
 */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const pending: [unknown, unknown][] = [[a, b]];
  for (let pair = pending.pop(); pair; pair = pending.pop()) {
    const [x, y] = pair;
    if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') {
      if (!Object.is(x, y)) return false;
      continue;
    }
    if (Array.isArray(x) !== Array.isArray(y)) return false;
    const xKeys = Object.keys(x);
    if (xKeys.length !== Object.keys(y).length) return false;
    for (const key of xKeys) {
      if (!Object.hasOwn(y, key)) return false;
      pending.push([(x as Record<string, unknown>)[key], (y as Record<string, unknown>)[key]]);
    }
  }
  return true;
}

/** `params.targetInfo is missing` for a path, naming the first part that is not there and what is. */
function describeMissing(value: unknown, path: JsonPath, pathText: string): string {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (current !== null && typeof current === 'object' && Object.hasOwn(current, key)) {
      current = (current as Record<string | number, unknown>)[key];
      continue;
    }
    // At the top of an object message the name says it all: `type is missing`.
    if (i === 0 && current !== null && typeof current === 'object' && !Array.isArray(current))
      return `${pathText} is missing`;
    const where = i === 0 ? 'the message' : pathPrefix(path, i);
    const what =
      typeof key === 'number'
        ? Array.isArray(current)
          ? `has ${current.length} element${current.length === 1 ? '' : 's'}`
          : `is ${describeValue(current, 40)}, not an array`
        : current !== null && typeof current === 'object' && !Array.isArray(current)
          ? `has no member "${key}"`
          : `is ${describeValue(current, 40)}, not an object`;
    return `${pathText} is missing (${where} ${what})`;
  }
  return `${pathText} is missing`;
}

/** The first `n` parts of `path` written as a path: `data.items[0]`. */
function pathPrefix(path: JsonPath, n: number): string {
  return path
    .slice(0, n)
    .map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`))
    .join('');
}

/** How many leading parts of `path` exist in `value`. */
function depthFound(value: unknown, path: JsonPath): number {
  let current = value;
  for (let i = 0; i < path.length; i++) {
    const key = path[i]!;
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return i;
    current = (current as Record<string | number, unknown>)[key];
  }
  return path.length;
}

/**
 * How close `subject` comes to matching: 2 for each condition that holds; for a json condition that does
 * not, the share of its path that is there (1 when the field is there with another value). Failure reports
 * name the closest message an expect saw.
 */
export function closeness(matcher: Matcher, subject: Subject): number {
  let score = 0;
  for (const c of matcher.conditions) {
    if (conditionMismatch(c, subject) === undefined) score += 2;
    // The named message with the other verdict is closer than another message altogether.
    else if (c.kind === 'contract')
      score += c.message !== undefined && subject.verdict?.message === c.message ? 1 : 0;
    else if (c.kind === 'json' && subject.json().isJson)
      score += depthFound(subject.json().value, c.path) / c.path.length;
  }
  return score;
}

/** Why `condition` does not hold for `subject`, or undefined when it holds. */
export function conditionMismatch(condition: Condition, subject: Subject): string | undefined {
  if (condition.kind === 'contract') return contractMismatch(condition, subject.verdict);
  if (condition.kind === 'regex') return testRegex(condition.re, subject.text) ? undefined : 'no match';
  const doc = subject.json();
  if (!doc.isJson) return 'the message is not JSON';
  const field = lookup(doc.value, condition.path);
  const name = condition.pathText;
  if (!field.found && condition.op !== '!=') return describeMissing(doc.value, condition.path, name);
  if (condition.op === 'exists') return undefined;
  if (condition.op === '!=') {
    if (!field.found || !jsonEqual(field.value, condition.value)) return undefined;
    return `${name} is ${describeValue(field.value)}`;
  }
  const actual = field.value;
  switch (condition.op) {
    case '==': {
      if (jsonEqual(actual, condition.value)) return undefined;
      // 7 against "7" reads as the same value: say the types differ.
      const typeNote =
        jsonType(actual) === jsonType(condition.value) ? '' : `, not a ${jsonType(condition.value)}`;
      return `${name} is ${describeValue(actual)}${typeNote}`;
    }
    case '<':
    case '>': {
      if (typeof actual !== 'number') return `${name} is ${describeValue(actual)}, not a number`;
      const holds =
        condition.op === '<' ? actual < (condition.value as number) : actual > (condition.value as number);
      return holds ? undefined : `${name} is ${describeValue(actual)}`;
    }
    case '=~':
      if (typeof actual !== 'string') return `${name} is ${describeValue(actual)}, not a string`;
      return testRegex(condition.re, actual) ? undefined : `${name} is ${describeValue(actual)}`;
  }
}

function contractMismatch(
  condition: Extract<Condition, { kind: 'contract' }>,
  verdict: VerdictView | undefined,
): string | undefined {
  if (!verdict) return 'the message was not checked against a contract';
  const name = condition.message;
  const isNamed =
    name === undefined || verdict.message === name || (verdict.ambiguous?.includes(name) ?? false);
  // Neither valid nor invalid: said as the stderr line says it, "unknown: $.method: mul names no message…".
  if (verdict.isUnknown) {
    const first = verdict.errors[0];
    return `unknown${first ? `: ${first.path}: ${first.message}` : ''}`;
  }
  if (verdict.isValid === condition.isValid && isNamed) return undefined;
  if (!verdict.isValid) {
    // As the stderr line says it: "ticker invalid: $.price: must be number (got "high")".
    const first = verdict.errors[0];
    return `${verdict.message ?? 'message'} invalid${first ? `: ${first.path}: ${first.message}` : ''}`;
  }
  return `it is a valid ${verdict.message ?? 'message'}`;
}

/** True when every condition holds for the same message. */
export function matches(matcher: Matcher, subject: Subject | string): boolean {
  const s = typeof subject === 'string' ? new Subject(subject) : subject;
  return matcher.conditions.every((c) => conditionMismatch(c, s) === undefined);
}

/**
 * Why `matcher` does not match: the first condition that fails and what the message held instead,
 * e.g. `json data.id == 7: data.id is "7" (string)`. Undefined when it matches.
 */
export function explainMismatch(matcher: Matcher, subject: Subject | string): string | undefined {
  const s = typeof subject === 'string' ? new Subject(subject) : subject;
  for (const c of matcher.conditions) {
    const why = conditionMismatch(c, s);
    if (why !== undefined) return `${c.label}: ${why}`;
  }
  return undefined;
}
