// V8's linear-time regex engine as the fallback for a regex that backtracks too much (see regex-guard.ts).
// A module of its own because the launcher sets it too, before it compiles the program: V8 rejects a
// code cache made under other flags, and the cache is made after the program has set this one.

import { setFlagsFromString } from 'node:v8';

/** Lets V8 hand a runaway backtracking regex to its linear-time engine. Process-wide; setting it twice is harmless. */
export function allowLinearRegexFallback(): void {
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
}
