// Interactive session: the Ink UI over one Connection (and, with --demo, a built-in echo server).

import type { Options } from '../options.js';
import { verdictFor, type Outcome } from '../outcome.js';
import { Connection } from '../core/connection.js';
import { maskSecrets } from '../text/mask.js';
import { describeHandshake, negotiationNotes } from './handshake-view.js';

/** Typed messages wait this long for a connection before they are dropped and shown as such, ms. */
export const defaultTypedDeadlineMs = 30_000;

/**
 * Runs the session until the user quits or a failure ends it. Drops are shown in the session as they
 * happen, so the outcome carries no delivery counts: quitting is a success.
 */
export async function runInteractive(options: Options): Promise<Outcome> {
  // Loaded here, not at the top: pipe and script runs never pay for React.
  const [{ render }, React, { App }, { SessionStore }, history] = await Promise.all([
    import('ink'),
    import('react'),
    import('../ui/App.js'),
    import('../ui/session-store.js'),
    import('../ui/history-file.js'),
  ]);

  let server: import('../server/server.js').WsxServer | undefined;
  let url = options.url;
  if (options.isDemo) {
    const { WsxServer } = await import('../server/server.js');
    server = new WsxServer({ port: 0, mode: 'echo' });
    url = `${await server.listen()}/`;
    process.stdout.write(
      `wsx demo: built-in echo server on ${url} — type a message and press Enter; /help lists commands; Ctrl+C quits\n`,
    );
  }

  const conn = new Connection({ ...options.connection, url });
  let finalError: import('../core/errors.js').WsxError | undefined;
  conn.on('state', (change) => {
    if (change.to === 'closed') finalError = change.error;
  });
  const store = new SessionStore(conn, { showPingPong: options.showPingPong });
  const historyFile = history.historyPath(url, process.env);
  let hasReportedHistoryError = false;
  let isForced = false;

  const app = render(
    React.createElement(App, {
      conn,
      store,
      dropAfterMs: options.dropAfterMs ?? defaultTypedDeadlineMs,
      format: { showTimestamps: options.showTimestamps, isPretty: options.isPretty },
      history: history.loadHistory(historyFile),
      onHistory(line: string) {
        try {
          history.appendHistory(historyFile, line);
        } catch (err) {
          if (!hasReportedHistoryError)
            store.add({
              kind: 'info',
              at: Date.now(),
              text: `history not saved: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
            });
          hasReportedHistoryError = true;
        }
      },
      onForceExit() {
        isForced = true;
        app.unmount();
      },
    }),
    { exitOnCtrlC: false, patchConsole: false },
  );
  conn.on('handshake', (info) => {
    const at = Date.now();
    if (options.showHandshake) {
      const lines = describeHandshake(info, options.secretHeaders).map((line) =>
        maskSecrets(line, options.secrets),
      );
      store.add({ kind: 'info', at, text: lines.join('\n') });
    }
    const offered = {
      protocols: options.connection.protocols ?? [],
      compress: options.connection.compress === true,
    };
    for (const text of negotiationNotes(info, offered)) store.add({ kind: 'info', at, text });
  });
  if (options.isInsecure)
    store.add({
      kind: 'state',
      at: Date.now(),
      text: 'TLS certificate verification is off (-k)',
      tone: 'warn',
    });
  conn.start();
  await app.waitUntilExit();
  store.dispose();
  if (isForced) {
    const { code } = verdictFor({ ended: 'interrupted' });
    process.exitCode = code;
    process.exit(code);
  }
  await conn.close(1000);
  await server?.close();
  // A failure that ended the session (not the user's quit) decides the exit code and the line.
  if (finalError)
    return { ended: 'failed', error: finalError, url: conn.url, hasOpened: conn.snapshot().hasOpened };
  return { ended: 'completed' };
}
