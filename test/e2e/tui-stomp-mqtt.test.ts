// The interactive session with --proto stomp and --proto mqtt in a real terminal (tmux), against the test
// STOMP broker and the aedes MQTT broker.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { hasTmux, screenShows, startTmux, tmux, typeLine, typeWsx } from '../helpers/tmux.js';
import { startStompServer } from '../protocols/stomp-server.js';
import { startMqttServer } from '../protocols/mqtt-server.js';

if (!hasTmux)
  console.warn('tmux is not installed: skipping the --proto stomp and mqtt TUI tests (.ci/run installs it)');

const defer = cleanupAfterEach();

describe.skipIf(!hasTmux)('interactive session with --proto stomp in tmux', () => {
  it('subscribes, sends, shows the MESSAGE by destination and the RECEIPT with its round trip, never shows the passcode', async () => {
    const server = await startStompServer(defer, {
      credentials: { login: 'guest', passcode: 's3cret-pass' },
    });
    const dir = tempDirUntilCleanup(defer, 'wsx-tui-stomp-');
    const session = startTmux(defer, 'wsx-stomp', [120, 30]);
    typeWsx(
      session,
      `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir}`,
      `--proto stomp --auth guest:s3cret-pass ${server.url} --ping-interval 0`,
    );
    await screenShows(session, ['● open', 'STOMP 1.2 connected to wsx-test-stomp/1.0']);
    typeLine(session, 'publish /q hi');
    await screenShows(session, ['not sent: ']);
    typeLine(session, 'subscribe /queue/a');
    typeLine(session, 'send /queue/a receipt: hello tmux');
    const screen = await screenShows(session, ['⇠ /queue/a "hello tmux"', '⇠ #r-1 receipt']);
    expect(screen).toMatch(/⇠ #r-1 receipt {2}\d+ ms/);
    expect(screen).not.toContain('s3cret-pass');
    tmux('send-keys', '-t', session, '/quit', 'Enter');
    await screenShows(session, ['WSX_EXIT=0']);
  }, 20_000);
});

describe.skipIf(!hasTmux)('interactive session with --proto mqtt in tmux', () => {
  it('subscribes, publishes with QoS 2, shows the message by topic and each acknowledgement with its round trip', async () => {
    const { url } = await startMqttServer(defer, {
      credentials: { username: 'sensor', password: 'm0squito-pw' },
    });
    const dir = tempDirUntilCleanup(defer, 'wsx-tui-mqtt-');
    const session = startTmux(defer, 'wsx-mqtt', [120, 30]);
    typeWsx(
      session,
      `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir}`,
      `--proto mqtt --auth sensor:m0squito-pw ${url} --ping-interval 0`,
    );
    await screenShows(session, ['● open', 'MQTT 3.1.1 connected as wsx-']);
    typeLine(session, 'sub sensors/# qos:1');
    await screenShows(session, ['⇠ #1 suback granted [1]']);
    typeLine(session, 'pub sensors/kitchen qos:2 21.5');
    const screen = await screenShows(session, ['⇠ sensors/kitchen "21.5"', '⇠ #2 pubcomp']);
    expect(screen).toMatch(/⇠ #2 pubcomp {2}\d+ ms/);
    expect(screen).not.toContain('m0squito-pw');
    tmux('send-keys', '-t', session, '/quit', 'Enter');
    await screenShows(session, ['WSX_EXIT=0']);
  }, 20_000);
});
