// The entry point: parse flags, pick the mode, run it, and turn its outcome into the exit code and stderr lines.

import { readFileSync } from 'node:fs';
import chalk, { chalkStderr } from 'chalk';
import { CommanderError, type Command } from 'commander';
import { Diagnostics } from '../modes/diagnostics.js';
import { outcomeOfThrown, verdictFor, type Outcome } from '../outcome.js';
import { buildOptions, type Options } from './options.js';
import { buildProgram, type RawFlags } from './program.js';
import { addSubcommands } from './subcommands.js';
import { configFile } from '../config/paths.js';
import { usage } from './flag-values.js';
import type { ProfileInput } from './options.js';

/** Baked in by scripts/build.mjs, so a run reads nothing from disk to know it. */
declare const WSX_VERSION: string | undefined;

function readVersion(): string {
  if (typeof WSX_VERSION === 'string') return WSX_VERSION;
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

/** Runs one mode; the mode modules load lazily so pipe and script runs never load React. */
async function runMode(options: Options): Promise<Outcome> {
  const io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
  switch (options.mode) {
    case 'interactive': {
      const { runInteractive } = await import('../modes/interactive.js');
      return runInteractive(options);
    }
    case 'script': {
      const { runScript } = await import('../modes/script.js');
      return runScript(options, io);
    }
    case 'pipe': {
      const { runPipe } = await import('../modes/pipe.js');
      return runPipe(options, io);
    }
  }
}

/**
 * The profile named by `wsx @NAME` or `--profile NAME`, read from the config file, with which of its keys the
 * command line overrides; undefined when none is named. Naming it both ways is a usage error.
 */
async function profileFor(
  program: Command,
  url: string | undefined,
  flags: RawFlags,
): Promise<ProfileInput | undefined> {
  const isAtProfile = url?.startsWith('@') === true;
  if (isAtProfile && flags.profile !== undefined)
    throw usage('name the profile once: wsx @NAME or wsx --profile NAME');
  const profileName = url !== undefined && isAtProfile ? url.slice(1) : flags.profile;
  if (profileName === undefined) return undefined;
  const { findProfile } = await import('../config/config-file.js');
  return {
    name: profileName,
    profile: findProfile(configFile(process.env), profileName),
    isGiven: (key) => program.getOptionValueSource(key) === 'cli',
  };
}

/** The first error stdout reported (see main). */
let firstStdoutError: NodeJS.ErrnoException | undefined;

/**
 * A reader that left is its own choice, as in pipe mode: not a failure. Any other write failure of a run
 * that otherwise succeeded fails it, with pipe mode's line.
 */
function withStdoutFailure(outcome: Outcome, isVerbose: boolean): Outcome {
  const stdoutError: NodeJS.ErrnoException | null = process.stdout.errored ?? firstStdoutError ?? null;
  if (!stdoutError || stdoutError.code === 'EPIPE' || verdictFor(outcome, { isVerbose }).code !== 0)
    return outcome;
  const message = `cannot write to stdout: ${stdoutError.code ?? stdoutError.message}`;
  return { ended: 'local-error', message, error: stdoutError };
}

/**
 * Runs wsx with `argv` (process.argv shape). Sets process.exitCode and returns; it never calls
 * process.exit, so whatever is still on its way to a stdout pipe gets there.
 */
export async function main(argv: string[]): Promise<void> {
  // chalk honours --no-color and FORCE_COLOR but not NO_COLOR (no-color.org: set and not empty).
  // The screen has its own chalk and does the same (ui/screen.ts).
  if (process.env.NO_COLOR) chalk.level = chalkStderr.level = 0;
  // Help, --version, reporters and logs write to stdout directly. Without a listener, a reader that left
  // (`wsx --help | head -1`: EPIPE) or a full disk crashed wsx with a stack trace. The failure is read from
  // stdout.errored below; pipe and script runs also stop on it through their own listener (StdoutSink).
  // Kept here too: Node's stdout clears `errored` a tick after the error (its destroy() undestroys the stream),
  // so a failed `wsx --help > /dev/full` read no error by the time the verdict was made, and exited 0.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => (firstStdoutError ??= err));
  const isVerbose = argv.includes('-v') || argv.includes('--verbose');
  const program = buildProgram(readVersion());
  program.exitOverride();
  program.configureOutput({
    outputError: (text, write) => write(`wsx: ${text.replace(/^error: /, '').trim()} (see wsx --help)\n`),
  });
  let outcome: Outcome = { ended: 'completed' };
  /** Strings the verdict must mask, known once the options are built. */
  let secrets: string[] = [];
  addSubcommands(program, (subcommandOutcome) => (outcome = subcommandOutcome));
  program.action(async (url: string | undefined, flags: RawFlags) => {
    const isAtProfile = url?.startsWith('@') === true;
    const profile = await profileFor(program, url, flags);
    const options = await buildOptions(
      isAtProfile ? undefined : url,
      flags,
      {
        env: process.env,
        isStdinTty: process.stdin.isTTY === true,
        isStdoutTty: process.stdout.isTTY === true,
      },
      profile,
    );
    secrets = options.secrets;
    // The interactive session shows its warnings in its own screen (stderr is hidden behind it).
    if (!options.isQuiet && options.mode !== 'interactive')
      for (const warning of options.warnings) process.stderr.write(`wsx: ${warning}\n`);
    outcome = await runMode(options);
  });
  try {
    await program.parseAsync(argv);
  } catch (err) {
    // Commander has printed its own usage error (or the help and version, which are no error).
    if (err instanceof CommanderError) outcome = { ended: err.exitCode === 0 ? 'completed' : 'usage' };
    else outcome = outcomeOfThrown(err);
  }
  const verdict = verdictFor(withStdoutFailure(outcome, isVerbose), { isVerbose });
  const isQuiet = argv.includes('-q') || argv.includes('--quiet');
  new Diagnostics(process.stderr, { isQuiet, isVerbose, secrets }).verdict(verdict);
  process.exitCode = verdict.code;
}
