// `wsx serve` in a terminal or a CI script: readiness line on stdout, connection log on stderr, clean shutdown.

import { verdictFor, type Outcome } from '../outcome.js';
import { closeCodeName } from '../core/close-codes.js';
import { WsxServer, type ServerOptions } from '../server/server.js';
import { Diagnostics } from './diagnostics.js';
import { JsonlWriter } from './jsonl.js';
import { watchWriteFailures } from './stdout-sink.js';
import { plural } from '../text/plural.js';

/** Serves until SIGINT or SIGTERM (a completed run), or fails to listen (a local error). */
export async function runServe(
  options: ServerOptions,
  output: { isJsonl: boolean; isQuiet: boolean },
): Promise<Outcome> {
  const server = new WsxServer(options);
  const diag = new Diagnostics(process.stderr, {
    isQuiet: output.isQuiet,
    isVerbose: false,
    secrets: [],
    name: 'wsx serve',
  });
  const log = (line: string) => diag.note(line);
  let stdoutFailed: ((err: NodeJS.ErrnoException) => void) | undefined;
  const stdoutFailure = watchWriteFailures(process.stdout, (err) => stdoutFailed?.(err));
  const jsonl = new JsonlWriter((line) => process.stdout.write(line), process.stdout.isTTY === true);
  const event = (name: string, fields: Record<string, unknown>) => {
    if (output.isJsonl) jsonl.event(name, fields);
  };
  server.on('connection', ({ id, remote, clients }) => {
    log(`client ${id} connected from ${remote} (${clients} connected)`);
    event('connect', { id, remote, clients });
  });
  server.on('disconnect', ({ id, code, reason, why, messages, clients, sent }) => {
    // When the server ended it, the code it sent says why; the client's answer (often none: 1006) does not.
    const how = sent
      ? `closed by wsx serve with ${closeCodeName(sent.code)}${sent.reason ? ` "${sent.reason}"` : ''}`
      : `${closeCodeName(code)}${reason ? ` "${reason}"` : ''}`;
    const because = sent && why === sent.reason ? '' : `, ${why}`;
    log(
      `client ${id} left: ${how}${because}; ${plural(messages, 'message', 'messages')} (${clients} connected)`,
    );
    event('disconnect', { id, code, reason, why, messages, clients, ...(sent ? { sent } : {}) });
  });
  // A mismatch is what a replay's user needs to see, so it prints even with -q.
  server.on('replay', ({ id, line }) => {
    diag.error(`client ${id}: ${line}`);
    event('replay', { id, line });
  });
  // A message that broke the document is what a mock's user needs to see, so it prints even with -q.
  server.on('contract', ({ id, line }) => {
    diag.error(`client ${id}: ${line}`);
    event('contract', { id, line });
  });
  server.on('refused', ({ remote, status, why }) => {
    log(`refused ${remote} with HTTP ${status}: ${why}`);
    event('refused', { remote, status, why });
  });
  if (output.isJsonl) {
    server.on('message', ({ id, data, isBinary }) => {
      event('message', {
        id,
        type: isBinary ? 'binary' : 'text',
        bytes: data.length,
        data: isBinary ? data.toString('base64') : data.toString('utf8'),
      });
    });
  }

  let url: string;
  try {
    url = await server.listen();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const hint =
      code === 'EADDRINUSE' ? ' (port in use: pick another with --port, or --port 0 for a free one)' : '';
    return {
      ended: 'local-error',
      message: `cannot listen on ${options.host}:${options.port}: ${code ?? (err as Error).message}${hint}`,
      error: err as Error,
    };
  }
  // The readiness line: a CI script waits for it before connecting.
  if (output.isJsonl) event('listening', { url, mode: options.mode });
  else process.stdout.write(`listening ${url}\n`);
  const replay = options.replay;
  log(
    replay
      ? `replaying ${plural(replay.recording.sessions.length, 'recorded session', 'recorded sessions')}${replay.session ? ` (${replay.session.url} to every client)` : ''}; Ctrl+C stops it`
      : options.mode === 'contract'
        ? 'AsyncAPI mock ready; Ctrl+C stops it'
        : `${options.mode} server ready; Ctrl+C stops it`,
  );

  const signal = await new Promise<NodeJS.Signals | NodeJS.ErrnoException>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
    // stdout gone (ENOSPC): the readiness line or events are lost, so the server stops and says so.
    void stdoutFailure().then((err) => err && resolve(err));
    stdoutFailed = resolve;
  });
  if (typeof signal !== 'string') {
    await server.close();
    return {
      ended: 'local-error',
      message: `cannot write to stdout: ${signal.code ?? signal.message}`,
      error: signal,
    };
  }
  // A second signal while closing means "now": exit without waiting for the close timeout.
  const forceExit = (again: NodeJS.Signals) => {
    log(`${again} again: exiting without waiting for clients`);
    process.exit(verdictFor({ ended: 'completed' }).code);
  };
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  log(`${signal}: stopped accepting; closing every client with 1001`);
  if (options.mode === 'sink') {
    for (const s of server.stats())
      log(
        `client ${s.id} (${s.remote}): ${plural(s.messages, 'message', 'messages')}, ${plural(s.bytes, 'byte', 'bytes')}`,
      );
  }
  await server.close();
  process.off('SIGINT', forceExit);
  process.off('SIGTERM', forceExit);
  return { ended: 'completed' };
}
