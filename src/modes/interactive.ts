// Interactive session: the Ink UI over one Connection (and, with --demo, a built-in echo server).

import { setFlagsFromString } from 'node:v8';
import { MessageStore } from '../config/messages.js';
import { configFile, projectFile } from '../config/paths.js';
import type { Options } from '../options.js';
import { verdictFor, type Outcome } from '../outcome.js';
import { openSession } from '../protocols/open-session.js';
import { describeIoError } from '../text/io-error.js';
import { maskSecrets } from '../text/mask.js';
import { TranscriptWriter } from '../record/transcript-writer.js';
import type { Connection } from '../core/connection.js';
import { describeHandshake, negotiationNotes } from './handshake-view.js';
import { defaultHeapFlagsFor, heapFlagsFor } from './heap-flags.js';
// The screen's store and what it needs, in the program (no React, no ink): the session creates the store
// and starts the connection before it loads the screen.
import { SessionStore } from '../ui/session/session-store.js';
import { defaultLogLimits } from '../ui/log/log-buffer.js';
import { inputHint } from '../ui/log/protocol-entry.js';

/** Typed messages wait this long for a connection before they are dropped and shown as such, ms. */
export const defaultTypedDeadlineMs = 30_000;

/**
 * Runs the session until the user quits or a failure ends it. Drops are shown in the session as they
 * happen, so the outcome carries no delivery counts: quitting is a success.
 */
export async function runInteractive(options: Options): Promise<Outcome> {
  // React's development build keeps debug data for every element it creates: under a 10,000 msg/s flood
  // the heap grew ~2 MB a second with it and stayed at 22 MB without (measured with the lens).
  // Written through an alias: a bundler that defines process.env.NODE_ENV at build time leaves this alone.
  const env = process.env;
  env.NODE_ENV ??= 'production';
  // Saved messages for /send, /save, /saved. Read whole before the screen changes: a malformed config or
  // project wsx.json stops the session here with its FILE:LINE line (exit 2), never half-loaded.
  const messages = MessageStore.load({
    configFile: configFile(process.env),
    projectFile: projectFile(process.cwd()),
    ...(options.profile !== undefined ? { profile: options.profile } : {}),
  });

  // --record FILE: created before the screen opens, so a file that cannot be written stops the session
  // with its one stderr line (exit 2) instead of behind the alternate screen. A full disk later is a
  // note in the log, and the session goes on.
  let transcript: TranscriptWriter | undefined;
  let noteWriteError = (message: string): void => void process.stderr.write(`wsx: ${message}\n`);
  if (options.recordFile !== undefined)
    transcript = new TranscriptWriter(options.recordFile, {
      displayUrl: options.displayUrl,
      secrets: options.secrets,
      ...(options.proto ? { proto: options.proto.name } : {}),
      onWriteError: (message) => noteWriteError(message),
    });
  // Attached before the protocol session (openSession's observe), as in the line modes.
  const record = (c: Connection) => transcript?.attach(c, displayUrl);

  let server: import('../server/server.js').WsxServer | undefined;
  let url = options.url;
  let displayUrl = options.displayUrl;
  if (options.isDemo) {
    const { WsxServer } = await import('../server/server.js');
    server = new WsxServer({ port: 0, mode: 'echo' });
    url = displayUrl = `${await server.listen()}/`;
    // Two lines, each under 80 columns, so a default-width terminal shows them unwrapped.
    process.stdout.write(
      `wsx demo: built-in echo server on ${url}\n` +
        `Type a message and press Enter. /help lists commands. Ctrl+C quits.\n`,
    );
  }

  // --proto: the codec decides the URL and subprotocols, and sits between the connection and the log.
  const { conn, proto } = await openSession(
    { ...options.connection, url, displayUrl },
    { proto: options.proto, observe: record },
  );
  let finalError: import('../core/errors.js').WsxError | undefined;
  conn.on('state', (change) => {
    if (change.to === 'closed') finalError = change.error;
  });
  const isLens = !options.isInline;
  const contract = options.contract?.contract;
  const store = new SessionStore(conn, {
    showPingPong: options.showPingPong,
    ...(proto ? { proto } : {}),
    ...(contract ? { contract } : {}),
    ...(isLens
      ? {
          logLimits: {
            ...defaultLogLimits,
            maxEntries: options.scrollback ?? defaultLogLimits.maxEntries,
          },
        }
      : {}),
  });
  if (options.isDemo && isLens)
    store.add({
      kind: 'info',
      at: Date.now(),
      text: `wsx demo: echo server on ${url}; Enter sends, Tab goes to the log, ? there lists keys`,
    });
  if (proto) store.add({ kind: 'info', at: Date.now(), text: inputHint(proto.codec.name) });
  noteWriteError = (text) => store.add({ kind: 'state', at: Date.now(), text, tone: 'warn' });
  // Flags this session ignores are said here, in the screen: written to stderr before the alternate
  // screen opened, they were hidden until the session ended.
  if (!options.isQuiet)
    for (const text of options.warnings) store.add({ kind: 'state', at: Date.now(), text, tone: 'warn' });
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
    // A subprotocol that --proto offered (graphql-transport-ws) is no news; one the user offered with -s is.
    const isProtoChoice = proto !== undefined && offered.protocols.length === 0;
    for (const text of negotiationNotes(isProtoChoice ? { ...info, protocol: '' } : info, offered))
      store.add({ kind: 'info', at, text });
  });
  if (options.isInsecure)
    store.add({
      kind: 'state',
      at: Date.now(),
      text: 'TLS certificate verification is off (-k)',
      tone: 'warn',
    });
  // The connection starts before the screen loads (~100 ms of the launch, measured): its handshake goes on
  // meanwhile. The store above already listens, so nothing the server sends first is missed. One turn of
  // the event loop lets the socket connect and send its upgrade request before the screen's load holds
  // the thread.
  conn.start();
  await new Promise((resolve) => setImmediate(resolve));
  // The screen (ink, React, the components) loads only now: pipe and script runs never pay for it. The
  // NODE_ENV above must be set first, for a run from source: React picks its build when it loads.
  let ui: typeof import('../ui/screen.js');
  try {
    ui = await import('../ui/screen.js');
  } catch (err) {
    store.dispose();
    await conn.close(1000);
    throw err;
  }
  const hasColour = ui.colourFor(process.env);
  // The demo's port changes every run: its history is keyed by a fixed name so it is found again.
  const historyFile = ui.historyPath(options.isDemo ? 'wsx-demo' : displayUrl, process.env);
  let hasReportedHistoryError = false;
  let isForced = false;

  // Full screen draws on the alternate screen (the shell's scrollback is left as it was) and asks for
  // bracketed paste, so a multi-line paste arrives as one piece; both are undone on the way out.
  const terminalModes = isLens ? '\x1b[?1049h\x1b[?2004h' : '\x1b[?2004h';
  const terminalRestore = isLens ? '\x1b[?2004l\x1b[?1049l' : '\x1b[?2004l';
  process.stdout.write(terminalModes);
  const restoreTerminal = () => process.stdout.write(terminalRestore);
  process.once('exit', restoreTerminal);
  // V8's heap sizing for a long session under a flood, on the V8s it was measured on (heap-flags.ts),
  // from the first frame to the last: the program and the screen loaded under V8's own flags, and are back
  // under them when the launcher makes their code caches at exit. A cache is accepted only under the flags
  // it was made under; a session used to make none for the program (and the program's cache made by a
  // pipe run was the only one a session could use).
  for (const flag of heapFlagsFor(process.versions.v8)) setFlagsFromString(flag);
  const app = ui.mount(
    {
      hasColour,
      conn,
      store,
      messages,
      ...(proto ? { proto } : {}),
      ...(options.isBinaryInput ? { binaryInput: options.inputFormat } : {}),
      ...(contract ? { contract } : {}),
      dropAfterMs: options.dropAfterMs ?? defaultTypedDeadlineMs,
      format: { showTimestamps: options.showTimestamps, isPretty: options.isPretty },
      history: ui.loadHistory(historyFile),
      onHistory(line: string) {
        try {
          ui.appendHistory(historyFile, line);
        } catch (err) {
          if (!hasReportedHistoryError)
            store.add({
              kind: 'info',
              at: Date.now(),
              text: `history not saved: ${describeIoError(err, historyFile, 'write')}`,
            });
          hasReportedHistoryError = true;
        }
      },
      onForceExit() {
        isForced = true;
        app.unmount();
      },
    },
    // Ink's own frame limit (30 a second by default) made a typed key wait for the next slot, up to 33 ms,
    // behind a frame of incoming messages. The store already publishes the connection's news at most 30
    // times a second, so Ink may draw a key's echo as soon as React has it.
    { exitOnCtrlC: false, patchConsole: false, maxFps: 1000 },
  );
  await app.waitUntilExit();
  for (const flag of defaultHeapFlagsFor(process.versions.v8)) setFlagsFromString(flag);
  process.off('exit', restoreTerminal);
  restoreTerminal();
  store.dispose();
  if (isForced) {
    const { code } = verdictFor({ ended: 'interrupted' });
    process.exitCode = code;
    process.exit(code);
  }
  await conn.close(1000);
  transcript?.close();
  await server?.close();
  // A failure that ended the session (not the user's quit) decides the exit code and the line. A protocol's
  // refusal comes first and names the server itself; with --proto "opened" means its opening finished.
  if (proto?.failure) return { ended: 'failed', error: proto.failure, hasOpened: proto.hasBeenReady };
  if (finalError)
    return {
      ended: 'failed',
      error: finalError,
      url: displayUrl,
      hasOpened: proto ? proto.hasBeenReady : conn.snapshot().hasOpened,
    };
  return { ended: 'completed' };
}
