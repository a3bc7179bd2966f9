// V8's heap sizing for the interactive session, tuned for a long session under a steady flood, where every
// held log entry outlives a scavenge and then dies in the old generation. V8 reads both flags whenever it
// resizes, so setting them once the process runs is enough.

/**
 * - The young generation grows to 2 x 16 MiB when objects keep surviving scavenges: kept at its start.
 * - The old generation may grow to 4x its live size before a full collection: held to 1.5x.
 *
 * Node 20 (V8 11), 30 s at 10,000 msg/s: peak RSS 87-88 MiB in three runs, flat; without, four runs of
 * six reached 108-121 MiB. The TUI flood bench (`WSX_BENCH_ONLY=flood`, 5 s at 10,000 msg/s, five runs
 * each on a loaded 2-core machine): Node 24 (V8 13) 108-112 MiB with, 167-174 MiB without; Node 22 (V8 12,
 * three runs) 96-100 MiB with, 134-138 MiB without; Node 20 82-84 MiB with. Key latency showed no
 * difference beyond the load's noise.
 */
const heapFlags = ['--semi-space-growth-factor=1', '--heap-growing-percent=50'];

/** The same flags at V8's own defaults (flag-definitions.h: 2, and 0 for "not set"), the same on all three. */
const defaultHeapFlags = ['--semi-space-growth-factor=2', '--heap-growing-percent=0'];

/** V8 majors the flags were measured on: Node 20, 22 and 24. */
const measuredV8Majors = new Set([11, 12, 13]);

/**
 * The V8 flags the session sets for a V8 of version `v8Version` (process.versions.v8). Only for a V8 they
 * were measured on: one that does not know a flag prints "unrecognized flag" on the terminal, and another
 * V8 may size its heap differently anyway.
 */
export function heapFlagsFor(v8Version: string): string[] {
  return measuredV8Majors.has(Number.parseInt(v8Version, 10)) ? heapFlags : [];
}

/**
 * The V8 flags that put back what heapFlagsFor set, for a V8 of version `v8Version`. A code cache is
 * accepted only under the flags it was made under: with V8's own values back when the session ends, the
 * launcher's caches (made at exit) match the next run's start again.
 */
export function defaultHeapFlagsFor(v8Version: string): string[] {
  return measuredV8Majors.has(Number.parseInt(v8Version, 10)) ? defaultHeapFlags : [];
}
