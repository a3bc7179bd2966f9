// Which of wsx's two builds of the same program a run starts. dist/cli/wsx.cjs serves plain runs (a
// session, a pipe, a `-x … --expect` one-liner: the CI smoke test's cost is one process start) and leaves
// out what only other runs read; dist/cli/wsx-full.cjs holds everything. A run uses exactly one of them,
// so no class or module state is ever split between two copies.
//
// The choice reads argv before any parsing, so it errs one way only: a token that MIGHT ask for something
// outside the plain program (a subcommand's name, even as a message; any --proto, even raw) picks the full
// one, which does everything, at a few ms more start-up.

/** The subcommands' names (cli/subcommands.ts adds them; a test keeps the two equal). `help` is commander's. */
export const subcommandNames = ['serve', 'profiles', 'run', 'load', 'completion', 'scenario', 'help'];

/**
 * Flags whose runs read what the plain program leaves out: a profile can set any of them; --proto loads a
 * codec; --from-curl its parser; --demo the built-in server; help lists the subcommands.
 */
const fullProgramFlags = ['--profile', '--proto', '--from-curl', '--demo', '--help', '-h'];

/** Whether the run `argv` (process.argv shape) needs dist/cli/wsx-full.cjs. */
export function needsFullProgram(argv: readonly string[]): boolean {
  return argv.slice(2).some(
    (arg) =>
      subcommandNames.includes(arg) ||
      arg.startsWith('@') ||
      // -h in a group of short flags (-qh): commander reads it as --help.
      /^-[^-]*h/.test(arg) ||
      fullProgramFlags.some((flag) => arg === flag || arg.startsWith(`${flag}=`)),
  );
}
