// --record FILE in the interactive session: the whole program in a real terminal (tmux), typing into it,
// and the transcript read back afterwards.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { hasTmux, screenShows, startTmux, tmux, typeLine, typeWsx } from '../helpers/tmux.js';
import { loopbackWsServer } from '../helpers/replay.js';

if (!hasTmux) console.warn('tmux is not installed: skipping the --record session test (.ci/run installs it)');

const defer = cleanupAfterEach();

/** Greets each client, then answers every text message with a JSON echo. */
async function greetingServer(): Promise<string> {
  const wss = await loopbackWsServer(defer);
  wss.on('connection', (ws) => {
    ws.send('{"type":"welcome"}');
    ws.on('message', (data: Buffer) => ws.send(JSON.stringify({ type: 'echo', text: data.toString() })));
  });
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

/** Runs the --inline session in tmux, types one line, quits; returns the screen it left. */
async function typeAndQuit(url: string, extra: string[]): Promise<string> {
  const dir = tempDirUntilCleanup(defer, 'wsx-rec-tui-');
  const session = startTmux(defer, 'wsx-rec', [110, 30]);
  typeWsx(
    session,
    `clear; CI=false NO_COLOR=1 XDG_STATE_HOME=${dir}`,
    `${url}/room?token=s3cr3t --ping-interval 0 --inline ${extra.join(' ')}`,
  );
  await screenShows(session, ['● open', '← {"type":"welcome"}']);
  typeLine(session, 'hello s3cr3t');
  await screenShows(session, '← {"type":"echo","text":"hello s3cr3t"}');
  tmux('send-keys', '-t', session, '/quit', 'Enter');
  const screen = await screenShows(session, 'WSX_EXIT=0');
  // `clear` took the typed command (which differs between the runs) off the screen.
  return screen
    .split('\n')
    .map((l) => l.trimEnd())
    .join('\n')
    .trimEnd()
    .replace(/127\.0\.0\.1:\d+/g, 'HOST');
}

describe.skipIf(!hasTmux)('wsx --record FILE in the interactive session', () => {
  it('writes the transcript of what was typed and received, with secrets masked, and leaves the screen as it was', async () => {
    const url = await greetingServer();
    const file = join(mkdtempSync(join(tmpdir(), 'wsx-rec-')), 'session.jsonl');
    const plain = await typeAndQuit(url, []);
    const recorded = await typeAndQuit(url, ['--record', file]);
    expect(recorded).toBe(plain);
    // The screen shows what was typed; only the transcript masks it.
    expect(plain).toContain('→ hello s3cr3t');

    const events = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toEqual({ event: 'transcript', version: 1 });
    expect(events[1]).toMatchObject({ event: 'open', url: `${url}/room?token=***` });
    expect(events.filter((e) => e.event === 'send').map((e) => e.data)).toEqual(['hello ***']);
    expect(events.filter((e) => e.event === 'recv').map((e) => e.data)).toEqual([
      '{"type":"welcome"}',
      '{"type":"echo","text":"hello ***"}',
    ]);
    expect(events.at(-1)).toMatchObject({ event: 'close', code: 1000, by: 'client' });
  }, 25_000);

  it('stops before the screen opens, with one wsx: line and exit 2, when the file cannot be created', async () => {
    const url = await greetingServer();
    const session = startTmux(defer, 'wsx-rec-bad', [110, 20]);
    typeWsx(session, 'clear; CI=false NO_COLOR=1', `${url} --record /nonexistent-dir/x.jsonl`);
    // The typed command holds "WSX_EXIT=$?" too: wait for the printed one.
    const screen = await screenShows(session, 'WSX_EXIT=2');
    expect(screen).toMatch(/^wsx: --record: cannot write \/nonexistent-dir\/x\.jsonl: no such file/m);
    expect(screen).not.toContain('● open');
  }, 15_000);
});
