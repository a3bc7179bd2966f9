// wsx's subcommands (serve, profiles, run, load, completion, scenario), added to the root program. Only
// the full program (dist/cli/wsx-full.cjs) holds them; the plain-run program's build replaces this module
// with one that adds none (scripts/build.mjs), and the launcher never hands it a subcommand (programs.ts).

import type { Command } from 'commander';
import type { Outcome } from '../outcome.js';
import { addCompletionCommand } from './completion.js';
import { addLoadCommand } from './load-command.js';
import { addProfilesCommand } from './profiles-command.js';
import { addRunCommand } from './run-command.js';
import { addScenarioCommand } from './scenario-command.js';
import { addServeCommand } from './serve-command.js';

/** Adds every subcommand to `program`; `done` receives the outcome of the one that runs. */
export function addSubcommands(program: Command, done: (outcome: Outcome) => void): void {
  const io = { env: process.env, cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr };
  addServeCommand(program, done);
  addProfilesCommand(program, io, () => done({ ended: 'completed' }));
  addRunCommand(program, done);
  addLoadCommand(program, done);
  addCompletionCommand(program, io, () => done({ ended: 'completed' }));
  addScenarioCommand(program, done);
}
