// `wsx scenario FILE`: a transcript or HAR written to stdout as a .wsx scenario.

import type { Command } from 'commander';
import { commandFlags } from './command-flags.js';
import { usage } from './flag-values.js';
import { toOption } from './program.js';
import type { Outcome } from '../outcome.js';

/** Adds the scenario subcommand; `done` receives how it ended. */
export function addScenarioCommand(program: Command, done: (outcome: Outcome) => void): void {
  const scenario = program
    .command('scenario')
    .description(
      'turn a recording (wsx transcript from --record, or a HAR file) into a .wsx scenario on stdout',
    )
    .argument('<file>', 'the transcript or HAR file');
  for (const spec of commandFlags.scenario) scenario.addOption(toOption(spec));
  scenario
    .addHelpText('after', '\nExample: wsx scenario session.jsonl > session.wsx && wsx run session.wsx')
    .action(async (file: string, flags: { session?: string }) => {
      const { loadRecording, pickSession } = await import('../record/recording.js');
      const { toScenario } = await import('../record/to-scenario.js');
      const recording = loadRecording(file);
      if (typeof recording === 'string') throw usage(recording);
      const session = pickSession(recording, flags.session, file);
      if (typeof session === 'string') throw usage(session);
      const text = toScenario(session, {
        file,
        kind: recording.kind,
        index: recording.sessions.indexOf(session),
      });
      await new Promise<void>((resolve, reject) =>
        process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
      );
      done({ ended: 'completed' });
    });
}
