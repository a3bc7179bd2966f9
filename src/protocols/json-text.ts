// JSON kept as the text it came in. The codecs find members by their place in a text JSON.parse accepted,
// splice the few members wsx adds into what the user typed, and print what the server sent: a value never
// passes through a double and back, so an id of 9007199254740993 or a price of 1.10 arrives as written.
// Every walk here is a loop, not a recursion: JSON nested 5,000 deep overflowed JSON.stringify's stack.

/** Where one value lies in a text: [start, end). */
export interface Span {
  start: number;
  end: number;
}

export interface Member {
  key: string;
  value: Span;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

function skipSpace(text: string, i: number): number {
  while (i < text.length && isSpace(text.charCodeAt(i))) i++;
  return i;
}

/** The index after the string literal whose opening quote is at `i`. */
function stringEnd(text: string, i: number): number {
  let from = i + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) return text.length;
    // A quote after an odd number of backslashes is escaped.
    let k = quote - 1;
    while (text.charCodeAt(k) === BACKSLASH) k--;
    if ((quote - 1 - k) % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index after the value that starts at `i`, in a text JSON.parse accepted. */
function valueEnd(text: string, i: number): number {
  const first = text.charCodeAt(i);
  if (first === QUOTE) return stringEnd(text, i);
  if (first !== LBRACE && first !== LBRACKET) {
    let j = i;
    while (j < text.length) {
      const c = text.charCodeAt(j);
      if (c === COMMA || c === RBRACE || c === RBRACKET || isSpace(c)) break;
      j++;
    }
    return j;
  }
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) j = stringEnd(text, j) - 1;
    else if (c === LBRACE || c === LBRACKET) depth++;
    else if ((c === RBRACE || c === RBRACKET) && --depth === 0) return j + 1;
  }
  return text.length;
}

/** A text JSON.parse accepted, its value, and where the value lies (without surrounding blanks). */
export interface JsonText {
  text: string;
  value: unknown;
  span: Span;
}

/** Parses `text` (throws JSON.parse's SyntaxError) and keeps the text with the value. */
export function parseJsonText(text: string): JsonText {
  const value: unknown = JSON.parse(text);
  // JSON.parse accepted the whole text as one value: it ends where the trailing blanks begin.
  let end = text.length;
  while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
  return { text, value, span: { start: skipSpace(text, 0), end } };
}

/** The text of `span`. */
export function sliceOf(text: string, span: Span): string {
  return text.slice(span.start, span.end);
}

/** The members of the object at `span`, in text order (a repeated key appears each time). */
export function membersOf(text: string, span: Span): Member[] {
  const out: Member[] = [];
  let i = skipSpace(text, span.start + 1);
  if (text.charCodeAt(i) === RBRACE) return out;
  while (i < span.end) {
    const keyEnd = stringEnd(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = skipSpace(text, skipSpace(text, keyEnd) + 1);
    const end = valueEnd(text, start);
    out.push({ key, value: { start, end } });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipSpace(text, i + 1);
  }
  return out;
}

/** The value of member `key` of the object at `span` (the last one, as JSON.parse reads a repeated key). */
export function memberOf(text: string, span: Span, key: string): Span | undefined {
  let found: Span | undefined;
  for (const m of membersOf(text, span)) if (m.key === key) found = m.value;
  return found;
}

/** The elements of the array at `span`, in order. */
export function elementsOf(text: string, span: Span): Span[] {
  const out: Span[] = [];
  let i = skipSpace(text, span.start + 1);
  if (text.charCodeAt(i) === RBRACKET) return out;
  while (i < span.end) {
    const end = valueEnd(text, i);
    out.push({ start: i, end });
    i = skipSpace(text, end);
    if (text.charCodeAt(i) !== COMMA) break;
    i = skipSpace(text, i + 1);
  }
  return out;
}

/** The objects inside `span` (itself included) whose first member is named `key`, in text order. */
export function objectsStartingWith(text: string, span: Span, key: string): Span[] {
  const found: Span[] = [];
  const quoted = JSON.stringify(key);
  // For each open object, its start when its first key is `key`, else -1.
  const open: number[] = [];
  for (let j = span.start; j < span.end; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) j = stringEnd(text, j) - 1;
    else if (c === LBRACE) open.push(text.startsWith(quoted, skipSpace(text, j + 1)) ? j : -1);
    else if (c === RBRACE) {
      const start = open.pop()!;
      if (start >= 0) found.push({ start, end: j + 1 });
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** `text` with each span replaced by its text; spans must not overlap. */
export function spliced(text: string, edits: { at: Span; text: string }[]): string {
  const sorted = [...edits].sort((a, b) => a.at.start - b.at.start);
  let out = '';
  let from = 0;
  for (const edit of sorted) {
    out += text.slice(from, edit.at.start) + edit.text;
    from = edit.at.end;
  }
  return out + text.slice(from);
}

/**
 * Members added to the object at `span`: `first` right after its `{`, `last` right before its `}`, each a
 * list of `"key":value` texts. The rest of the object stays byte for byte as it was.
 */
export function withMembers(text: string, span: Span, first: string[], last: string[]): string {
  const obj = sliceOf(text, span);
  if (membersOf(text, span).length === 0) return `{${[...first, ...last].join(',')}}`;
  const head = first.map((m) => `${m},`).join('');
  const tail = last.map((m) => `,${m}`).join('');
  return `{${head}${obj.slice(1, obj.lastIndexOf('}'))}${tail}}`;
}

const decimalPattern = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/**
 * A JSON number's exact value as `digits e exponent`, so 1, 1.0 and 1e0 read alike and two numbers past
 * 2^53 that a double cannot tell apart do not.
 */
export function exactNumber(token: string): string {
  const m = decimalPattern.exec(token);
  if (!m) return token;
  const fraction = m[3] ?? '';
  let exponent = Number(m[4] ?? 0) - fraction.length;
  const digits = (m[2]! + fraction).replace(/^0+/, '');
  if (digits === '') return '0';
  const trimmed = digits.replace(/0+$/, '');
  exponent += digits.length - trimmed.length;
  return `${m[1]}${trimmed}e${exponent}`;
}

/** True when JSON.parse reads the number `token` as exactly the value it writes (1.10 does; 2^53+1 does not). */
export function isExactNumber(token: string): boolean {
  const n = Number(token);
  return Number.isFinite(n) && exactNumber(token) === exactNumber(String(n));
}

/** The number literals in `text` (outside strings) whose value a double cannot hold. */
export function inexactNumbers(text: string): string[] {
  const out: string[] = [];
  const number = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
  for (let j = 0; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === QUOTE) {
      j = stringEnd(text, j) - 1;
      continue;
    }
    if (c !== 0x2d && (c < 0x30 || c > 0x39)) continue;
    number.lastIndex = j;
    const m = number.exec(text);
    if (!m) continue;
    if (!isExactNumber(m[0])) out.push(m[0]);
    j += m[0].length - 1;
  }
  return out;
}
