// `wsx serve` in a terminal or a CI script: readiness line on stdout, connection log on stderr, clean shutdown.

import { ExitCode } from '../outcome.js';
import { closeCodeName } from '../core/close-codes.js';
import { WsxServer, type ServerOptions } from '../server/server.js';
import { sanitize } from '../text/sanitize.js';

export async function runServe(
  options: ServerOptions,
  output: { isJsonl: boolean; isQuiet: boolean },
): Promise<number> {
  const server = new WsxServer(options);
  const log = (line: string) => {
    if (!output.isQuiet) process.stderr.write(`wsx serve: ${sanitize(line)}\n`);
  };
  const event = (name: string, fields: Record<string, unknown>) => {
    if (output.isJsonl)
      process.stdout.write(`${JSON.stringify({ t: new Date().toISOString(), event: name, ...fields })}\n`);
  };
  server.on('connection', ({ id, remote, clients }) => {
    log(`client ${id} connected from ${remote} (${clients} connected)`);
    event('connect', { id, remote, clients });
  });
  server.on('disconnect', ({ id, code, reason, why, messages, clients }) => {
    log(
      `client ${id} left: ${closeCodeName(code)}${reason ? ` "${reason}"` : ''}, ${why}; ${messages} messages (${clients} connected)`,
    );
    event('disconnect', { id, code, reason, why, messages, clients });
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
    process.stderr.write(
      `wsx serve: cannot listen on ${options.host}:${options.port}: ${code ?? (err as Error).message}${hint}\n`,
    );
    return ExitCode.runtime;
  }
  // The readiness line: a CI script waits for it before connecting.
  if (output.isJsonl) event('listening', { url, mode: options.mode });
  else process.stdout.write(`listening ${url}\n`);
  log(`${options.mode} server ready; Ctrl+C stops it`);

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  // A second signal while closing means "now": exit without waiting for the close timeout.
  const forceExit = (again: NodeJS.Signals) => {
    log(`${again} again: exiting without waiting for clients`);
    process.exit(ExitCode.ok);
  };
  process.once('SIGINT', forceExit);
  process.once('SIGTERM', forceExit);
  log(`${signal}: stopped accepting; closing every client with 1001`);
  if (options.mode === 'sink') {
    for (const s of server.stats())
      log(`client ${s.id} (${s.remote}): ${s.messages} messages, ${s.bytes} bytes`);
  }
  await server.close();
  process.off('SIGINT', forceExit);
  process.off('SIGTERM', forceExit);
  return ExitCode.ok;
}
