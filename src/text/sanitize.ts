// Makes untrusted text safe to show a person: no control characters reach the terminal.

// C0 controls, DEL, C1 controls (0x9B is an 8-bit CSI a 0x00-0x1F filter misses); the Unicode bidi
// marks, overrides and isolates that reorder what a reader sees (CVE-2021-42574, "Trojan Source");
// characters that hide text (zero-width space, word joiner, invisible operators, BOM); and the line and
// paragraph separators U+2028/2029, which some terminals and editors treat as line breaks (issue 9).
// ZWNJ and ZWJ (U+200C/D) stay: Persian, Indic scripts and emoji sequences need them.
const invisible = '\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff';
const unsafe = new RegExp(`[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f${invisible}]`, 'g');
const unsafeWithNewline = new RegExp(`[\\u0000-\\u001f\\u007f-\\u009f${invisible}]`, 'g');

function escape(ch: string): string {
  const code = ch.charCodeAt(0);
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (ch === '\x1b') return '\\e';
  return code > 0xff
    ? `\\u${code.toString(16).padStart(4, '0')}`
    : `\\x${code.toString(16).padStart(2, '0')}`;
}

/**
 * Returns `text` with every control character shown as a visible escape (ESC as \e, CR as \r, 0x9b as \x9b,
 * U+200B as \u200b), so a server cannot move the cursor, clear the screen, set the title, write links or
 * hide text. With `keepNewlines`, \n and \t stay (for multi-line display); everything else is escaped.
 */
export function sanitize(text: string, opts: { keepNewlines?: boolean } = {}): string {
  if (opts.keepNewlines) return text.replace(unsafe, escape);
  return text.replace(unsafeWithNewline, escape);
}

/**
 * For a JSON text on its way to a terminal: the characters sanitize() escapes, written as JSON \u escapes,
 * so the line stays valid JSON that parses to the same value. JSON.stringify already escapes C0 controls
 * but leaves DEL, C1 controls, bidi marks and U+2028/2029 raw.
 */
export function sanitizeJson(json: string): string {
  return json.replace(unsafeWithNewline, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** sanitize() and cut to `maxChars`, with an ellipsis naming how much was left out. */
export function preview(text: string, maxChars: number): string {
  const clean = sanitize(text);
  return clean.length <= maxChars
    ? clean
    : `${clean.slice(0, maxChars)}… (+${clean.length - maxChars} chars)`;
}
