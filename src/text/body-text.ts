// An HTTP response body as one short line a person can read in an error message: JSON compacted, HTML
// tags and entities gone, blank and repeated lines dropped, lines joined with " | ", cut to a length.

const entities: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/**
 * The character a numeric reference names. HTML's rule: NUL, surrogates and anything past U+10FFFF are
 * U+FFFD. String.fromCodePoint throws on the last, which crashed wsx on a hostile refusal page.
 */
function fromReference(codePoint: number): string {
  const isValid =
    Number.isInteger(codePoint) &&
    codePoint > 0 &&
    codePoint <= 0x10ffff &&
    !(codePoint >= 0xd800 && codePoint <= 0xdfff);
  return isValid ? String.fromCodePoint(codePoint) : '\uFFFD';
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return fromReference(parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return fromReference(Number(name.slice(1)));
    return entities[name.toLowerCase()] ?? whole;
  });
}

/**
 * The meaningful lines of `body`, first one first, joined with " | " and cut to `maxChars` with "…".
 * HTML (by `contentType`, or a body that starts with a tag) loses scripts, styles, tags and entities; an
 * error page's title and heading usually say the same thing, so a line equal to the one before is dropped.
 */
export function bodyText(body: string, contentType = '', maxChars = 160): string {
  let text = body;
  if (/^\s*[[{]/.test(text)) {
    try {
      text = JSON.stringify(JSON.parse(text));
    } catch {
      // not JSON after all: treat it as text
    }
  }
  if (/html|xml/i.test(contentType) || /^\s*</.test(text)) {
    text = text
      .replace(/<(script|style)\b[\s\S]*?<\/\1\s*>/gi, '')
      .replace(/<!--[\s\S]*?-->/g, '')
      .replace(/<\/?(br|p|div|h\d|li|tr|title|hr|center|body|html|head|pre)\b[^>]*>/gi, '\n')
      .replace(/<[^>]*>/g, '');
    text = decodeEntities(text);
  }
  const lines: string[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\s+/g, ' ').trim();
    if (line && line !== lines.at(-1)) lines.push(line);
  }
  const joined = lines.join(' | ');
  return joined.length <= maxChars ? joined : `${joined.slice(0, maxChars - 1).trimEnd()}…`;
}
