// `wsx serve`: flags for the local server, validated before it listens.

import { Command, Option } from 'commander';
import { bytesFlag, durationFlag, portFlag, positiveIntFlag, usage } from './flag-values.js';
import type { MockSource, ReplaySource, ServerOptions, ServeMode } from '../server/server.js';
import { readFlagFile } from './credentials.js';
import { loadRecording, pickSession } from '../record/recording.js';
import { parseMatchRule, parseSpeed, type OnMismatch } from '../record/replay.js';
import type { Outcome } from '../outcome.js';

export interface ServeFlags {
  port: string;
  host: string;
  mode: ServeMode;
  maxClients?: string;
  maxPayload: string;
  pingInterval: string;
  pingTimeout: string;
  maxBuffered: string;
  lagTimeout: string;
  closeTimeout: string;
  jsonl?: boolean;
  quiet?: boolean;
  replay?: string;
  session?: string;
  match?: string[];
  speed?: string;
  onMismatch?: OnMismatch;
  asyncapi?: string;
  asyncapiRole?: string;
  pushInterval?: string;
}

/**
 * --asyncapi: the document read and every channel compiled before the server listens. The contract code
 * (yaml, ajv) is its own bundle, loaded only here.
 */
async function mockSource(flags: ServeFlags): Promise<MockSource | undefined> {
  const file = flags.asyncapi;
  if (file === undefined) return undefined;
  if (flags.replay !== undefined) throw usage('--asyncapi and --replay: choose one');
  const role = flags.asyncapiRole ?? 'server';
  if (role !== 'server' && role !== 'client')
    throw usage(`--asyncapi-role: "${role}" is not server or client`, 'whom the document describes');
  const pushIntervalMs = durationFlag('--push-interval', flags.pushInterval ?? '1s', { allowZero: true });
  const text = readFlagFile(undefined, '--asyncapi', file).toString('utf8');
  const { loadMock } = await import('../contract/index.js');
  const loaded = loadMock({ file, text, role });
  if ('problem' in loaded) throw usage(loaded.problem);
  return { mock: loaded.mock, pushIntervalMs };
}

/** --replay and its companions: the recording read and checked before the server listens. */
function replaySource(flags: ServeFlags): ReplaySource | undefined {
  const file = flags.replay;
  if (file === undefined) {
    for (const [flag, isSet] of [
      ['--session', flags.session !== undefined],
      ['--match', (flags.match ?? []).length > 0],
    ] as const)
      if (isSet) throw usage(`${flag} needs --replay FILE`);
    return undefined;
  }
  const speed = parseSpeed(flags.speed ?? '1');
  if (speed === undefined)
    throw usage(`--speed: "${flags.speed}" is not a speed`, 'use 0 for no delay, 1 as recorded, 10x');
  const match = (flags.match ?? []).map((rule) => {
    try {
      return parseMatchRule(rule);
    } catch (err) {
      throw usage((err as Error).message);
    }
  });
  const recording = loadRecording(file);
  if (typeof recording === 'string') throw usage(recording);
  let session;
  if (flags.session !== undefined) {
    session = pickSession(recording, flags.session, file);
    if (typeof session === 'string') throw usage(session);
  }
  return {
    recording,
    ...(session ? { session } : {}),
    options: { speed, match, onMismatch: flags.onMismatch ?? 'skip' },
  };
}

/** Validates serve's flags; throws a usage error naming the first bad one. */
export function buildServerOptions(flags: ServeFlags, mock?: MockSource): ServerOptions {
  const replay = replaySource(flags);
  return {
    host: flags.host,
    port: portFlag('--port', flags.port),
    mode: replay ? 'replay' : mock ? 'contract' : flags.mode,
    ...(replay ? { replay } : {}),
    ...(mock ? { mock } : {}),
    maxClients:
      flags.maxClients === undefined ? Infinity : positiveIntFlag('--max-clients', flags.maxClients),
    maxPayloadBytes: bytesFlag('--max-payload', flags.maxPayload),
    maxBufferedBytes: bytesFlag('--max-buffered', flags.maxBuffered),
    pingIntervalMs: durationFlag('--ping-interval', flags.pingInterval),
    pingTimeoutMs: durationFlag('--ping-timeout', flags.pingTimeout),
    lagTimeoutMs: durationFlag('--lag-timeout', flags.lagTimeout),
    closeTimeoutMs: durationFlag('--close-timeout', flags.closeTimeout),
  };
}

/** Adds the serve subcommand; `done` receives how it ended. */
export function addServeCommand(program: Command, done: (outcome: Outcome) => void): void {
  program
    .command('serve')
    .description(
      'run a local WebSocket server (echo, broadcast room or sink) for trying wsx and for CI fixtures',
    )
    .option('-p, --port <n>', 'port to listen on; 0 picks a free one', '8080')
    .option('--host <address>', 'address to listen on (0.0.0.0 exposes it to the network)', '127.0.0.1')
    .addOption(
      new Option(
        '-m, --mode <mode>',
        'echo: reply to the sender; broadcast: send to every other client; sink: count only',
      )
        .choices(['echo', 'broadcast', 'sink'])
        .default('echo'),
    )
    .option('--max-clients <n>', 'refuse connections beyond this many with HTTP 503')
    .option('--max-payload <bytes>', 'close clients that send a larger message with 1009', '16M')
    .option(
      '--max-buffered <bytes>',
      'a client with more than this waiting holds back its senders (echo: itself; see --lag-timeout)',
      '4M',
    )
    .option(
      '--lag-timeout <duration>',
      'close a client that stays over --max-buffered this long with 1008 "too slow"',
      '2s',
    )
    .option(
      '--close-timeout <duration>',
      'on shutdown, cut off a client that has not answered the close frame after this long',
      '2s',
    )
    .option('--ping-interval <duration>', 'ping each client this often', '10s')
    .option('--ping-timeout <duration>', 'drop a client silent this long after a ping', '5s')
    .option('--replay <file>', 'play a recording (wsx transcript or HAR) to each client instead of --mode')
    .option('--session <index|url-part>', 'with --replay: the session to play when the file holds several')
    .option(
      '--match <rule>',
      "with --replay: compare only this field of client messages, 'json PATH' (repeatable)",
      (value: string, previous: string[]) => [...previous, value],
      [] as string[],
    )
    .option(
      '--speed <n>',
      'with --replay: recorded gaps divided by this (0 no delay, 1 as recorded, 10x)',
      '1',
    )
    .addOption(
      new Option(
        '--on-mismatch <what>',
        'with --replay, a client message that differs from the recording: skip it, hold the walk, or close',
      )
        .choices(['skip', 'hold', 'close'])
        .default('skip'),
    )
    .option(
      '--asyncapi <file>',
      "be the server an AsyncAPI document describes: answer each valid message with its reply's example, close on an invalid one with 1008",
    )
    .option(
      '--asyncapi-role <role>',
      'with --asyncapi: whom the document describes, server (default) or client',
    )
    .option(
      '--push-interval <duration>',
      "with --asyncapi: send the examples of the server's own messages this often (0: never)",
      '1s',
    )
    .option('--jsonl', 'write one JSON event per connection, message and disconnect to stdout')
    .option('-q, --quiet', 'do not log connections on stderr')
    .addHelpText(
      'after',
      '\nOn start it prints "listening ws://HOST:PORT" to stdout (with --jsonl, a "listening" event).\nSIGINT/SIGTERM stop accepting at once, close every client with 1001 and exit 0;\na second signal exits at once.',
    )
    .action(async (flags: ServeFlags) => {
      const mock = await mockSource(flags);
      const { runServe } = await import('../modes/serve.js');
      done(
        await runServe(buildServerOptions(flags, mock), {
          isJsonl: flags.jsonl === true,
          isQuiet: flags.quiet === true,
        }),
      );
    });
}
