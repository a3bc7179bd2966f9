// `wsx run FILE...`: scenario files, with every connection and reliability flag of the client.

import type { Command } from 'commander';
import { durationRefusal, parseDuration } from '../text/duration.js';
import type { Outcome } from '../outcome.js';
import { usage } from './flag-values.js';
import { buildOptions, type Options } from './options.js';
import { commandFlags } from './command-flags.js';
import { sharedOptions, toOption, type RawFlags } from './program.js';
import { subcommandFlags } from './subcommand-flags.js';

export interface RunCommandFlags {
  url?: string;
  var?: string[];
  junit?: string;
  jsonl?: boolean;
  record?: string;
  stepTimeout: string;
}

/** `NAME=VALUE` pairs → a map; a bad name is a usage error. */
export function parseVars(pairs: string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
      throw usage(`--var: expected NAME=VALUE, got "${pair}"`, 'e.g. --var user=alice');
    vars.set(name, pair.slice(eq + 1));
  }
  return vars;
}

/**
 * Adds the run subcommand. It takes the client's connection, protocol and reliability flags (-H, -s, TLS,
 * proxy, --reconnect …) that the flag table shares with run, from `program`. Call after buildProgram.
 */
export function addRunCommand(program: Command, done: (outcome: Outcome) => void): void {
  const run = program
    .command('run')
    .description('run scenario files (*.wsx): send, expect, capture, close; exit 0 when every step passes')
    .argument('<file...>', 'scenario files, run one after another');
  for (const spec of commandFlags.run) run.addOption(toOption(spec));
  for (const option of sharedOptions(program, 'run')) run.addOption(option);
  run.addHelpText(
    'after',
    '\nExit codes: 0 every step passed, 2 usage or syntax (FILE:LINE), 3 could not connect,\n4 an expectation failed or timed out, 5 the connection ended abnormally. See docs/scenarios.md.',
  );
  run.action(async (files: string[], flags: RunCommandFlags & Partial<RawFlags>) => {
    const stepTimeoutMs = parseDuration(flags.stepTimeout);
    if (!stepTimeoutMs)
      throw usage(
        `--step-timeout: "${flags.stepTimeout}" ${durationRefusal(flags.stepTimeout)}`,
        'use e.g. 500ms, 5s',
      );
    const vars = parseVars(flags.var ?? []);
    // The client's flag set with run's values; what run does not have keeps the client's defaults.
    const raw = subcommandFlags(program, flags);
    // tui is off, so a terminal only lets buildOptions ask for an encrypted --key's passphrase.
    const env = { env: process.env, isStdinTty: process.stdin.isTTY === true, isStdoutTty: false };
    // One Options per URL and protocol: the passphrase is asked once however many files share it.
    const byUrl = new Map<string, Promise<Options>>();
    // --profile: the saved connection under the typed flags, as `wsx @NAME` uses it. Its URL replaces each
    // file's connect line (the point of naming a profile is to say where to run); --url still wins.
    const profile =
      flags.profile === undefined
        ? undefined
        : await (
            await import('./profile-flags.js')
          ).loadProfile(flags.profile, process.env, (key) => run.getOptionValueSource(key) === 'cli');
    const url = flags.url ?? profile?.profile.url;
    const { runFiles } = await import('../modes/run.js');
    done(
      await runFiles(
        {
          files,
          url,
          vars,
          stepTimeoutMs,
          junitPath: flags.junit,
          isJsonl: flags.jsonl === true,
          ...(flags.record !== undefined ? { recordFile: flags.record } : {}),
          env: process.env,
          optionsFor: (url, proto, asyncapi) => {
            // --proto on the command line wins over the file's `proto` line; --namespace, --init… go with either.
            // --asyncapi likewise wins over the file's `asyncapi` line.
            const withProto = {
              ...raw,
              ...(raw.proto === undefined && proto ? { proto } : {}),
              ...(raw.asyncapi === undefined && asyncapi ? { asyncapi } : {}),
            };
            const key = `${withProto.proto ?? 'raw'} ${withProto.asyncapi ?? ''} ${url}`;
            let options = byUrl.get(key);
            // The profile's own URL goes in unrendered: applyProfile fills in its {{env.VAR}} and masks them.
            const isProfileUrl =
              profile !== undefined && flags.url === undefined && url === profile.profile.url;
            if (!options)
              byUrl.set(
                key,
                (options = buildOptions(isProfileUrl ? undefined : url, withProto, env, profile)),
              );
            return options;
          },
        },
        { stdout: process.stdout, stderr: process.stderr },
      ),
    );
  });
}
