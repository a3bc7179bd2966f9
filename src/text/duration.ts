// Durations as users type them: 500ms, 5s, 2m, 1h, or a bare number of seconds.

const unitsMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * The longest duration wsx accepts, ms: 2^31 - 1 (~24.8 days), the most a Node timer waits. A longer
 * one fires after 1 ms (`--timeout 600h` failed at once, `--ping-interval 600h` pinged hundreds of times
 * a second). Refused where it is typed rather than chained in every timer: no one needs a longer timer,
 * and `--wait forever` or no `--timeout` already mean "no limit".
 */
export const maxDurationMs = 2 ** 31 - 1;

/**
 * Parses "500ms", "1.5s", "2m", "1h" or a bare number, which means seconds. Returns ms.
 * Returns undefined for anything else, and past maxDurationMs (the caller names the flag in its
 * error; durationRefusal() says why).
 */
export function parseDuration(text: string): number | undefined {
  const ms = parseAnyDuration(text);
  return ms !== undefined && ms <= maxDurationMs ? ms : undefined;
}

/** Why parseDuration refused `text`, to follow the quoted text: "is not a duration" or the limit. */
export function durationRefusal(text: string): string {
  const ms = parseAnyDuration(text);
  return ms !== undefined && ms > maxDurationMs
    ? `is longer than ${Math.floor(maxDurationMs / unitsMs.h!)}h, the longest a timer can wait`
    : 'is not a duration';
}

function parseAnyDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/i.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? 's').toLowerCase();
  return Math.round(value * unitsMs[unit]!);
}

/** 1500 → "1.5s", 250 → "250ms", 120000 → "2m". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${+(ms / 1000).toFixed(1)}s`;
  if (ms < 3_600_000) return `${+(ms / 60_000).toFixed(1)}m`;
  return `${+(ms / 3_600_000).toFixed(1)}h`;
}
