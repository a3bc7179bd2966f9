// The interactive session with --proto socketio, the whole program in a real terminal (tmux), against the
// real socket.io server on loopback.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { hasTmux, screenShows, startTmux, tmux, typeLine, typeWsx } from '../helpers/tmux.js';
import { startSocketIo } from '../protocols/servers.js';

if (!hasTmux) console.warn('tmux is not installed: skipping the --proto TUI test (.ci/run installs it)');

const defer = cleanupAfterEach();

function startSession(): { session: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-tui-proto-'));
  return { session: startTmux(defer, 'wsx-proto', [120, 30]), dir };
}

describe.skipIf(!hasTmux)('interactive session with --proto socketio in tmux', () => {
  it('connects, skips a line it cannot send, emits, shows the echo event, emits with an ack and shows its round trip, quits with 0', async () => {
    const { url } = await startSocketIo(defer);
    const { session, dir } = startSession();
    typeWsx(
      session,
      `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir}`,
      `--proto socketio ${url} --ping-interval 0`,
    );
    await screenShows(session, [
      '● open',
      'Socket.IO namespace / connected (sid ',
      '⇠ welcome "hello from /"',
    ]);
    // A line the codec refuses is skipped with a note: the session goes on (the screen is a bundle of its
    // own, and once took the codec's error for a crash).
    typeLine(session, '{bad');
    await screenShows(session, ['not sent: ']);
    typeLine(session, '["echo","hi from tmux"]');
    await screenShows(session, ['→ ["echo","hi from tmux"]', '⇠ echo "hi from tmux"']);
    typeLine(session, 'ack ["add",20,22]');
    const screen = await screenShows(session, ['⇠ ack #0 (add) 42']);
    expect(screen).toMatch(/⇠ ack #0 \(add\) 42 {2}\d+ ms/);
    tmux('send-keys', '-t', session, '/quit', 'Enter');
    await screenShows(session, ['WSX_EXIT=0']);
  }, 20_000);

  it('a refused namespace ends the session with exit 3 and the same stderr line as pipe mode', async () => {
    const { url } = await startSocketIo(defer);
    const { session, dir } = startSession();
    const stderrFile = join(dir, 'stderr');
    typeWsx(
      session,
      `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir}`,
      `--proto socketio ${url} --namespace /secure --auth '{"token":"nope"}' 2>${stderrFile}`,
    );
    await screenShows(session, ['WSX_EXIT=3']);
    // Ink shows the cursor again on stderr as it exits (\e[?25h): terminal control, not a line of text.
    const stderr = readFileSync(stderrFile, 'utf8').replace(/\x1b\[\?25[hl]/g, '');
    expect(stderr).toBe(
      'wsx: the Socket.IO server refused namespace /secure: not authorized {"reason":"bad token"} (check --auth and --namespace)\n',
    );
  }, 15_000);
});
