// Which way of running the flags ask for, and which of the given flags that way ignores.

import type { Mode } from '../options.js';
import type { RawFlags } from './program.js';
import { usage } from './flag-values.js';

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

/** Flags that do something only in some modes, with the defaults commander fills in when they are absent. */
const modeFlags: { flag: string; isGiven: (f: RawFlags) => boolean; modes: readonly Mode[] }[] = [
  { flag: '--jsonl', isGiven: (f) => f.jsonl === true, modes: ['pipe', 'script'] },
  { flag: '--record', isGiven: (f) => f.record !== undefined, modes: ['pipe', 'script'] },
  { flag: '--null', isGiven: (f) => f.null === true, modes: ['pipe'] },
  // The session sends typed lines as binary frames with it.
  { flag: '--binary', isGiven: (f) => f.binary === true, modes: ['pipe', 'interactive'] },
  {
    flag: '--record-end',
    isGiven: (f) => f.recordEnd !== undefined && f.recordEnd !== 'none',
    modes: ['pipe'],
  },
  { flag: '--binary-out', isGiven: (f) => f.binaryOut !== 'base64', modes: ['pipe', 'script'] },
  { flag: '--count', isGiven: (f) => f.count !== undefined, modes: ['pipe', 'script'] },
  { flag: '--timeout', isGiven: (f) => f.timeout !== undefined, modes: ['pipe', 'script'] },
  { flag: '--wait', isGiven: (f) => f.wait !== '1s', modes: ['pipe', 'script'] },
  { flag: '--pretty', isGiven: (f) => f.pretty === true, modes: ['interactive'] },
  { flag: '--timestamps', isGiven: (f) => f.timestamps === true, modes: ['interactive'] },
  { flag: '--inline', isGiven: (f) => f.inline === true, modes: ['interactive'] },
  { flag: '--scrollback', isGiven: (f) => f.scrollback !== undefined, modes: ['interactive'] },
  // Line modes report pings and pongs only as --jsonl events, and those come with or without -P.
  { flag: '--show-ping-pong', isGiven: (f) => f.showPingPong === true, modes: ['interactive'] },
  // The session shows verdicts in its rows; the report file is the line modes' summary.
  { flag: '--asyncapi-report', isGiven: (f) => f.asyncapiReport !== undefined, modes: ['pipe', 'script'] },
  { flag: '--resend', isGiven: (f) => f.resend === true, modes: ['script'] },
];

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
