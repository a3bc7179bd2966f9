// `wsx scenario FILE`: a transcript or HAR written to stdout as a .wsx scenario, or a starter scenario from
// an AsyncAPI document.

import type { Command } from 'commander';
import { commandFlags } from './command-flags.js';
import { usage } from './flag-values.js';
import { toOption } from './program.js';
import type { Outcome } from '../outcome.js';
import { LocalFileError, readLocalFile } from '../text/local-file.js';

/**
 * An AsyncAPI document starts (after comments) with, or holds at its top level, an `asyncapi` key; a
 * transcript is JSON lines and a HAR a `log` object. Told from the text, so a recording never loads the
 * contract bundle (yaml, ajv).
 */
function looksLikeAsyncApi(text: string): boolean {
  return /^\s*["']?asyncapi["']?\s*:/m.test(text.slice(0, 64 * 1024)) && !/^\s*\{\s*"log"\s*:/.test(text);
}

async function fromAsyncApi(
  file: string,
  text: string,
  flags: { channel?: string; asyncapiRole?: string },
): Promise<string> {
  const role = flags.asyncapiRole ?? 'server';
  if (role !== 'server' && role !== 'client')
    throw usage(`--asyncapi-role: "${role}" is not server or client`, 'whom the document describes');
  const { loadPlan } = await import('../contract/index.js');
  const loaded = loadPlan({
    file,
    text,
    role,
    ...(flags.channel === undefined ? {} : { channel: flags.channel }),
  });
  if ('problem' in loaded) throw usage(loaded.problem);
  const { starterScenario } = await import('../scenario/from-contract.js');
  return starterScenario(loaded.plan, file);
}

/** Adds the scenario subcommand; `done` receives how it ended. */
export function addScenarioCommand(program: Command, done: (outcome: Outcome) => void): void {
  const scenario = program
    .command('scenario')
    .description(
      'turn a recording (wsx transcript from --record, or a HAR file) or an AsyncAPI document into a .wsx scenario on stdout',
    )
    .argument('<file>', 'the transcript, HAR file or AsyncAPI document');
  for (const spec of commandFlags.scenario) scenario.addOption(toOption(spec));
  scenario
    .addHelpText(
      'after',
      '\nExamples: wsx scenario session.jsonl > session.wsx && wsx run session.wsx\n          wsx scenario api.yaml --channel ticker > ticker.wsx',
    )
    .action(async (file: string, flags: { session?: string; channel?: string; asyncapiRole?: string }) => {
      let head: string | undefined;
      try {
        head = readLocalFile(file).toString('utf8');
      } catch (err) {
        // loadRecording names the file's problem in its own words.
        if (!(err instanceof LocalFileError)) throw err;
      }
      if (head !== undefined && looksLikeAsyncApi(head)) {
        const text = await fromAsyncApi(file, head, flags);
        await new Promise<void>((resolve, reject) =>
          process.stdout.write(text, (err) => (err ? reject(err) : resolve())),
        );
        done({ ended: 'completed' });
        return;
      }
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
