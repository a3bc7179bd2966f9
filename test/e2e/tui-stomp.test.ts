// The interactive session with --proto stomp in a real terminal (tmux), against the test STOMP broker.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { hasTmux, screenShows, startTmux, tmux } from '../helpers/tmux.js';
import { wsxBin } from '../helpers/run-wsx.js';
import { startStompServer } from '../protocols/stomp-server.js';

if (!hasTmux)
  console.warn('tmux is not installed: skipping the --proto stomp TUI test (.ci/run installs it)');

const defer = cleanupAfterEach();

describe.skipIf(!hasTmux)('interactive session with --proto stomp in tmux', () => {
  it('subscribes, sends, shows the MESSAGE by destination and the RECEIPT with its round trip, never shows the passcode', async () => {
    const server = await startStompServer(defer, {
      credentials: { login: 'guest', passcode: 's3cret-pass' },
    });
    const dir = mkdtempSync(join(tmpdir(), 'wsx-tui-stomp-'));
    const session = startTmux(defer, 'wsx-stomp', [120, 30]);
    tmux(
      'send-keys',
      '-t',
      session,
      `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir} ${process.execPath} ${wsxBin} --proto stomp --auth guest:s3cret-pass ${server.url} --ping-interval 0; echo "WSX_EXIT=$?"`,
      'Enter',
    );
    await screenShows(session, ['● open', 'STOMP 1.2 connected to wsx-test-stomp/1.0']);
    tmux('send-keys', '-t', session, '-l', 'publish /q hi');
    tmux('send-keys', '-t', session, 'Enter');
    await screenShows(session, ['not sent: ']);
    tmux('send-keys', '-t', session, '-l', 'subscribe /queue/a');
    tmux('send-keys', '-t', session, 'Enter');
    tmux('send-keys', '-t', session, '-l', 'send /queue/a receipt: hello tmux');
    tmux('send-keys', '-t', session, 'Enter');
    const screen = await screenShows(session, ['⇠ /queue/a "hello tmux"', '⇠ #r-1 receipt']);
    expect(screen).toMatch(/⇠ #r-1 receipt {2}\d+ ms/);
    expect(screen).not.toContain('s3cret-pass');
    tmux('send-keys', '-t', session, '/quit', 'Enter');
    await screenShows(session, ['WSX_EXIT=0']);
  }, 20_000);
});
