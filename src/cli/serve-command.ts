// `wsx serve`: flags for the local server, validated before it listens.

import type { Command } from 'commander';
import { commandFlags } from './command-flags.js';
import { toOption } from './program.js';
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
  const serve = program
    .command('serve')
    .description(
      'run a local WebSocket server (echo, broadcast room or sink) for trying wsx and for CI fixtures',
    );
  for (const spec of commandFlags.serve) serve.addOption(toOption(spec));
  serve
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
