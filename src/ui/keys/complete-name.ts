// Tab completion of saved-message names after /send and /save (pure: text, cursor and names in, text out).

/**
 * What Tab inserts at the end of `/send pa` or `/save pa`: the rest of the only matching name and a space,
 * or the longest prefix several names share. '' when names match but none extends the word (Tab then does
 * nothing); undefined when the line is not a name to complete or no name matches.
 */
export function completeSavedName(
  text: string,
  cursor: number,
  names: readonly string[],
): string | undefined {
  if (cursor !== text.length) return undefined;
  const word = /^\/(?:send|save) (\S*)$/.exec(text)?.[1];
  if (word === undefined) return undefined;
  const matches = names.filter((name) => name.startsWith(word));
  if (matches.length === 0) return undefined;
  if (matches.length === 1) return `${matches[0]!.slice(word.length)} `;
  let shared = matches[0]!;
  for (const name of matches) while (!name.startsWith(shared)) shared = shared.slice(0, -1);
  return shared.slice(word.length);
}
