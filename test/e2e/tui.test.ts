// The whole interactive program in a real terminal: tmux runs it, send-keys types, capture-pane reads.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, until, type TestServer } from '../helpers/servers.js';
import { wsxBin } from '../helpers/run-wsx.js';

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux)
  console.warn('tmux is not installed: skipping the whole-program TUI test (.ci/run installs it)');

const defer = cleanupAfterEach();

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

async function screenShows(session: string, text: string, timeoutMs = 5000): Promise<string> {
  let screen = '';
  await until(
    () => {
      screen = tmux('capture-pane', '-p', '-t', session);
      return screen.includes(text);
    },
    timeoutMs,
    () => `"${text}" not on screen:\n${screen}`,
  );
  return screen;
}

describe.skipIf(!hasTmux)('interactive session in tmux', () => {
  it('echoes, survives a server restart delivering a message typed offline, and quits with 0 leaving a usable shell', async () => {
    let server: TestServer = await startServer({ mode: 'echo' });
    defer(() => server.close());
    const dir = mkdtempSync(join(tmpdir(), 'wsx-tui-'));
    const session = `wsx-test-${process.pid}-${Date.now()}`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '35', 'bash', '--norc', '--noprofile');
    defer(() => void spawnSync('tmux', ['kill-session', '-t', session]));
    const command = `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir} ${process.execPath} ${wsxBin} ${server.url} --ping-interval 0; echo "WSX_EXIT=$?"`;
    tmux('send-keys', '-t', session, command, 'Enter');

    await screenShows(session, '● open');
    tmux('send-keys', '-t', session, 'hello tmux', 'Enter');
    await screenShows(session, '← hello tmux');

    const port = server.port;
    await server.kill();
    await screenShows(session, 'waiting — retry #');
    tmux('send-keys', '-t', session, 'typed offline', 'Enter');
    await screenShows(session, '… queued typed offline');
    server = await startServer({ mode: 'echo', port });
    await screenShows(session, '← typed offline', 8000);
    expect(server.received).toEqual(['typed offline']);
    expect(tmux('capture-pane', '-p', '-t', session)).toMatch(
      /↑ 2 sent {2}↓ 2 received {2}0 queued {2}0 dropped {2}1 reconnects/,
    );

    tmux('send-keys', '-t', session, '/quit', 'Enter');
    await screenShows(session, 'WSX_EXIT=0');
    // The terminal is usable again: the shell runs the next command and prints its output.
    tmux('send-keys', '-t', session, 'stty -a | grep -o -- "-\\?icanon" | head -1', 'Enter');
    const screen = await screenShows(session, 'icanon\n');
    expect(screen).not.toMatch(/^-icanon$/m);
    // History was saved for this URL.
    const historyDir = join(dir, 'wsx', 'history');
    expect(existsSync(historyDir)).toBe(true);
    const files = execFileSync('ls', [historyDir], { encoding: 'utf8' }).trim().split('\n');
    expect(readFileSync(join(historyDir, files[0]!), 'utf8')).toBe(
      '"hello tmux"\n"typed offline"\n"/quit"\n',
    );
  }, 25_000);

  it('--demo starts its own echo server, says so, and Ctrl+C stops both with exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsx-demo-'));
    const session = `wsx-demo-${process.pid}-${Date.now()}`;
    tmux('new-session', '-d', '-s', session, '-x', '110', '-y', '30', 'bash', '--norc', '--noprofile');
    defer(() => void spawnSync('tmux', ['kill-session', '-t', session]));
    tmux(
      'send-keys',
      '-t',
      session,
      `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir} ${process.execPath} ${wsxBin} --demo; echo "WSX_EXIT=$?"`,
      'Enter',
    );
    await screenShows(session, 'wsx demo: built-in echo server on ws://127.0.0.1:');
    await screenShows(session, '● open');
    tmux('send-keys', '-t', session, '{"hello":"demo"}', 'Enter');
    await screenShows(session, '← {"hello":"demo"}');
    tmux('send-keys', '-t', session, 'C-c', '');
    await screenShows(session, 'WSX_EXIT=0');
  }, 15_000);
});
