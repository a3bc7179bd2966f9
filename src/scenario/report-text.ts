// The one rule for server text in every report (human, JSONL, JUnit): secrets masked, each message cut.

import { maskSecrets } from '../text/mask.js';

/**
 * Characters of one message a report keeps. A 10 MB message made a 21 MB JUnit file that libxml2-based CI
 * readers reject ("huge text node", their default limit is 10 MB per node); 4 KiB shows enough of a message
 * to recognise it, and `--jsonl` of a whole run stays readable.
 */
export const maxReportedChars = 4096;

/** `text` cut to `maxChars` plus "… (+N bytes)" naming what was left out (N in UTF-8 bytes). */
export function cutMessage(text: string, maxChars = maxReportedChars): string {
  if (text.length <= maxChars) return text;
  let end = maxChars;
  // Never split a surrogate pair: half of one is not text.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  const head = text.slice(0, end);
  return `${head}… (+${Buffer.byteLength(text) - Buffer.byteLength(head)} bytes)`;
}

/**
 * Server or step text as a report shows it: every secret as ***, then cut. Masking comes first so a cut can
 * never leave the first half of a token showing.
 */
export function reportText(text: string, secrets: readonly string[], maxChars = maxReportedChars): string {
  return cutMessage(maskSecrets(text, secrets), maxChars);
}
