// Durations as users type them: 500ms, 5s, 2m, 1h, or a bare number of seconds.

const unitsMs: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses "500ms", "1.5s", "2m", "1h" or a bare number, which means seconds. Returns ms.
 * Returns undefined for anything else (the caller names the flag in its error).
 */
export function parseDuration(text: string): number | undefined {
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
