// Makes untrusted text safe to show a person: no control characters reach the terminal.

// C0 controls, DEL, C1 controls (0x9B is an 8-bit CSI a 0x00-0x1F filter misses), and the Unicode
// bidi overrides and isolates that reorder what a reader sees (CVE-2021-42574, "Trojan Source").
// Also the invisible ones that hide or split text (zero-width space and joiners, word joiner, BOM, soft hyphen,
// LRM/RLM) and the line/paragraph separators U+2028/2029 that some terminals break lines on.
// A zero-width joiner between two pictographs is kept: it builds one emoji (👩‍💻) and hides nothing.
const invisible = '\\u00ad\\u180e\\u200b\\u200c\\u200e\\u200f\\u2028\\u2029\\u2060-\\u2064\\ufeff';
const strayJoiner = '(?<!\\p{Extended_Pictographic}\\ufe0f?)\\u200d|\\u200d(?!\\p{Extended_Pictographic})';
const unsafe = new RegExp(
  `\\x07{2,}|${strayJoiner}|[\\u0000-\\u0008\\u000b-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069${invisible}]`,
  'gu',
);
const unsafeWithNewline = new RegExp(
  `\\x07{2,}|${strayJoiner}|[\\u0000-\\u001f\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069${invisible}]`,
  'gu',
);

function escape(ch: string): string {
  // A run of BEL is one mark with a count: a server cannot fill the screen with \x07\x07\x07….
  if (ch.length > 1) return `\\x07×${ch.length}`;
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
  // A match may be a run (BEL×n) or a surrogate-free pair: escape each UTF-16 unit.
  const hex = (unit: string) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`;
  return json.replace(unsafeWithNewline, (match) => Array.from(match, hex).join(''));
}

/** sanitize() and cut to `maxChars`, with an ellipsis naming how much was left out. */
export function preview(text: string, maxChars: number): string {
  const clean = sanitize(text);
  return clean.length <= maxChars
    ? clean
    : `${clean.slice(0, maxChars)}… (+${clean.length - maxChars} chars)`;
}
