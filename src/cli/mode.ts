// Which way of running the flags ask for, and which of the given flags that way ignores.

import type { Mode } from '../options.js';
import type { RawFlags } from './program.js';
import { usage } from './flag-values.js';
import { attributeName, clientFlags, flagName } from './flags.js';

/**
 * Script mode with -x or an expectation; the interactive session for --demo, or when stdin and stdout are
 * terminals (unless --no-tui or --no-input); pipe mode otherwise.
 */
export function chooseMode(
  flags: Pick<RawFlags, 'tui' | 'demo' | 'execute' | 'input'>,
  hasExpectations: boolean,
  tty: { isStdinTty: boolean; isStdoutTty: boolean },
): Mode {
  const isDemo = flags.demo === true;
  if (flags.execute.length > 0 || hasExpectations) {
    if (isDemo) throw usage('--demo needs a terminal (stdin and stdout must be TTYs)');
    return 'script';
  }
  // --no-input reads no keys either: it is a line mode even on a terminal.
  if (isDemo || (flags.tui && flags.input !== false && tty.isStdinTty && tty.isStdoutTty))
    return 'interactive';
  return 'pipe';
}

/**
 * Flags that do something only in some modes, in the table's order. A flag counts as given when it holds
 * a value other than its default (commander fills defaults in; switches are true when typed).
 */
const modeFlags = clientFlags
  .filter((spec) => spec.modes !== undefined)
  .map((spec) => {
    const key = attributeName(spec) as keyof RawFlags;
    return {
      flag: flagName(spec),
      isGiven: (f: RawFlags) => f[key] !== undefined && f[key] !== false && f[key] !== spec.default,
      modes: spec.modes!,
    };
  });

const modeNames: Record<Mode, string> = {
  interactive: 'the interactive session',
  pipe: 'pipe mode',
  script: 'script mode (-x/--expect)',
};

/** One warning naming every given flag that `mode` ignores, or undefined when there is none. */
export function ignoredFlagsWarning(mode: Mode, flags: RawFlags): string | undefined {
  const ignored = modeFlags.filter((m) => m.isGiven(flags) && !m.modes.includes(mode));
  if (ignored.length === 0) return undefined;
  const names = ignored.map((m) => m.flag);
  const list = names.length === 1 ? names[0]! : `${names.slice(0, -1).join(', ')} and ${names.at(-1)!}`;
  const does = names.length === 1 ? 'does' : 'do';
  return `${list} ${does} nothing in ${modeNames[mode]}; ignored (see wsx --help)`;
}
