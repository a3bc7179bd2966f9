// Counts in words: "1 message", "2 messages".

/** `n` followed by `one` when n is 1, else by `many`. */
export function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}
