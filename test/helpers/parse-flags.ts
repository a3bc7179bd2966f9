// The command line as wsx's own program parses it, for the tests of flags and options.

import { buildProgram, type RawFlags } from '../../src/cli/program.js';

/**
 * Parses `args` as wsx would (defaults included) and returns the URL argument and the flags; `isGiven(key)`
 * says whether the flag was typed rather than defaulted.
 */
export function parseFlags(args: string[]): {
  url: string | undefined;
  flags: RawFlags;
  isGiven: (key: string) => boolean;
} {
  const program = buildProgram('0.0.0');
  program.exitOverride();
  let parsed: { url: string | undefined; flags: RawFlags } | undefined;
  program.action((url: string | undefined, flags: RawFlags) => void (parsed = { url, flags }));
  program.parse(['node', 'wsx', ...args]);
  if (!parsed) throw new Error(`no action for ${args.join(' ')}`);
  return { ...parsed, isGiven: (key: string) => program.getOptionValueSource(key) === 'cli' };
}
