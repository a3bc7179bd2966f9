// Makes untrusted text safe to show a person: no control characters reach the terminal.

// C0 controls, DEL, C1 controls (0x9B is an 8-bit CSI a 0x00-0x1F filter misses), and the Unicode
// bidi overrides and isolates that reorder what a reader sees (CVE-2021-42574, "Trojan Source").
const unsafe = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
const unsafeWithNewline = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

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
 * Returns `text` with every control character shown as a visible escape (ESC as \e, CR as \r, 0x9b as \x9b),
 * so a server cannot move the cursor, clear the screen, set the title or write links.
 * With `keepNewlines`, \n and \t stay (for multi-line display); everything else is escaped.
 */
export function sanitize(text: string, opts: { keepNewlines?: boolean } = {}): string {
  if (opts.keepNewlines) return text.replace(unsafe, escape);
  return text.replace(unsafeWithNewline, escape);
}

/** sanitize() and cut to `maxChars`, with an ellipsis naming how much was left out. */
export function preview(text: string, maxChars: number): string {
  const clean = sanitize(text);
  return clean.length <= maxChars
    ? clean
    : `${clean.slice(0, maxChars)}… (+${clean.length - maxChars} chars)`;
}
