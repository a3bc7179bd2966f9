// The commander program: flags, their groups in --help, and the examples. Parsing only; options.ts validates.

import { Command, Option } from 'commander';
import { clientFlags, type FlagSpec, type SharedWith, type TableFlags } from './flags.js';

/**
 * Flag values exactly as commander hands them over, before validation: the table's types, and what no row
 * says alone: --no-tui and --no-input stand without a --tui or --input, so they hold true unless typed.
 */
export type RawFlags = Omit<TableFlags, 'tui' | 'input' | 'color'> & {
  tui: boolean;
  /** false with --no-input: stdin is not read. */
  input?: boolean;
  /** --expect and --expect-json in the order given: they are matched in that order. */
  expectations: { kind: 'regex' | 'json'; text: string }[];
};

const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * The commander Option for a row of the flag table. --expect and --expect-json also push onto
 * `expectations`, so the two kinds are matched in the order they were typed.
 */
export function toOption(spec: FlagSpec, expectations?: RawFlags['expectations']): Option {
  const option = new Option(spec.flags, spec.help);
  if (spec.choices) option.choices(spec.choices);
  if (spec.default !== undefined) option.default(spec.default);
  if (spec.isRepeatable) option.argParser(collect);
  const kind = spec.expectation;
  if (kind && expectations)
    option.argParser((text: string) => {
      expectations.push({ kind, text });
      return text;
    });
  if (spec.isHidden) option.hideHelp();
  return option;
}

const examples = `
Examples:
  wsx ws://localhost:8080/chat                       interactive session (in a terminal)
  wsx --demo                                         try it against a built-in echo server
  seq 1 1000 | wsx ws://localhost:8080 > replies.txt pipe: stdin lines out, replies to stdout
  wsx wss://api.example.com --bearer-env API_TOKEN -x '{"op":"ping"}' --expect pong --timeout 5s
  wsx serve --port 0 --mode echo                     a local server; prints "listening ws://…"
  wsx profiles add prod wss://api.example.com --bearer-env API_TOKEN; wsx @prod   a saved connection
  wsx run login.wsx --junit report.xml               run a scenario file (docs/scenarios.md)
  wsx ws://localhost:8080 --record s.jsonl < in.txt; wsx serve --replay s.jsonl; wsx scenario s.jsonl > s.wsx
  wsx load ws://localhost:8080 -c 100 --rate 1000 -d 30s   load: 100 connections, round trips (docs/load.md)
  echo Target.getTargets | wsx --proto cdp ws://127.0.0.1:9222/devtools/browser/ID   Chrome DevTools

Durations take ms, s, m or h (500ms, 5s, 2m); a bare number means seconds.
Exit codes: 0 ok, 1 local error (stdin, stdout), 2 usage, 3 could not connect, 4 timeout,
expectation not met or a --proto error answer, 5 connection ended abnormally or messages undelivered,
6 a load threshold failed, 7 a message broke the --asyncapi contract, 130/143 interrupted.
NO_COLOR turns colour off.`;

/** Builds the program: flags, help and examples. main.ts adds the action and the serve subcommand. */
export function buildProgram(version: string): Command {
  const expectations: RawFlags['expectations'] = [];
  const program = new Command('wsx')
    .description(
      'A WebSocket client for the terminal: an interactive session, lossless pipes, and CI smoke tests.',
    )
    .usage(
      '[options] <url>\n       wsx [options] @PROFILE\n       wsx serve [options]\n       wsx profiles [add|rm]\n       wsx run [options] <file...>\n       wsx load [options] <url>\n       wsx scenario <file>',
    )
    .argument(
      '[url]',
      'ws://, wss://, http(s):// (mapped to ws), host:port/path (ws:// assumed), ws+unix://, or @NAME (a profile)',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    // Without it `wsx help` would connect to ws://help/.
    .helpCommand('help [command]', 'show this help, or the help of a command (wsx help serve)')
    .showSuggestionAfterError(true)
    // `wsx serve --jsonl` must reach serve's own flags, not the client's flags of the same name.
    .enablePositionalOptions()
    .addHelpText('after', examples);

  let group: string | undefined;
  for (const spec of clientFlags) {
    // Commander lists options under the heading set before they are added.
    if (spec.group !== group) program.optionsGroup((group = spec.group) ?? '');
    program.addOption(toOption(spec, expectations));
  }
  program.optionsGroup('');
  program.setOptionValue('expectations', expectations);
  return program;
}

/**
 * The program's own Options that `command` takes as they are (the table's `sharedWith`), in --help order:
 * a flag marked there reaches the subcommand with its help, default and heading.
 */
export function sharedOptions(program: Command, command: SharedWith): Option[] {
  const shared = new Set<string>(
    clientFlags.filter((spec) => spec.sharedWith?.includes(command)).map((spec) => spec.flags),
  );
  return program.options.filter((option) => shared.has(option.flags));
}
