// `wsx serve`: flags for the local server, validated before it listens.

import { Command, Option } from 'commander';
import { WsxError } from '../core/errors.js';
import { parseDuration } from '../text/duration.js';
import { parseBytes } from './options.js';
import type { ServerOptions, ServeMode } from '../server/server.js';
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
  jsonl?: boolean;
  quiet?: boolean;
}

function invalid(message: string): WsxError {
  return new WsxError('invalid-option', message);
}

export function buildServerOptions(flags: ServeFlags): ServerOptions {
  const port = Number(flags.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw invalid(`--port: "${flags.port}" is not a port (0-65535; 0 picks a free one)`);
  const maxClients = flags.maxClients === undefined ? Infinity : Number(flags.maxClients);
  if (!(Number.isInteger(maxClients) || maxClients === Infinity) || maxClients < 1)
    throw invalid(`--max-clients: "${flags.maxClients}" is not a whole number above 0`);
  const maxPayloadBytes = parseBytes(flags.maxPayload);
  if (!maxPayloadBytes) throw invalid(`--max-payload: "${flags.maxPayload}" is not a size (e.g. 1M)`);
  const maxBufferedBytes = parseBytes(flags.maxBuffered);
  if (!maxBufferedBytes) throw invalid(`--max-buffered: "${flags.maxBuffered}" is not a size (e.g. 4M)`);
  const pingIntervalMs = parseDuration(flags.pingInterval);
  const pingTimeoutMs = parseDuration(flags.pingTimeout);
  if (!pingIntervalMs) throw invalid(`--ping-interval: "${flags.pingInterval}" is not a duration`);
  if (!pingTimeoutMs) throw invalid(`--ping-timeout: "${flags.pingTimeout}" is not a duration`);
  return {
    host: flags.host,
    port,
    mode: flags.mode,
    maxClients,
    maxPayloadBytes,
    maxBufferedBytes,
    pingIntervalMs,
    pingTimeoutMs,
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
      'broadcast: disconnect a client with more than this waiting to be sent',
      '4M',
    )
    .option('--ping-interval <duration>', 'ping each client this often', '10s')
    .option('--ping-timeout <duration>', 'drop a client silent this long after a ping', '5s')
    .option('--jsonl', 'write one JSON event per connection, message and disconnect to stdout')
    .option('-q, --quiet', 'do not log connections on stderr')
    .addHelpText(
      'after',
      '\nOn start it prints "listening ws://HOST:PORT" to stdout (with --jsonl, a "listening" event).\nSIGINT/SIGTERM close every client with 1001 and exit 0.',
    )
    .action(async (flags: ServeFlags) => {
      const { runServe } = await import('../modes/serve.js');
      done(
        await runServe(buildServerOptions(flags), {
          isJsonl: flags.jsonl === true,
          isQuiet: flags.quiet === true,
        }),
      );
    });
}
