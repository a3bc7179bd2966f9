// What the bench scripts share: their sizes from the environment, and the median they report.

/** A positive integer from environment variable `name`, at most `max`; `fallback` when unset or not one. */
export function envInt(name, fallback, max) {
  const value = Number(process.env[name] ?? fallback);
  return Number.isInteger(value) && value > 0 ? Math.min(value, max) : fallback;
}

/** The median of the finite values (the upper one of an even count); NaN when there are none. */
export function median(xs) {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor(s.length / 2)];
}
