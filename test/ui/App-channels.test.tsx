// The TUI over the Phoenix, SignalR and ActionCable codecs, against their test servers on loopback: each
// decoded message is one entry worded by its codec, answers with their round trip.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { waitForOutput } from '../helpers/ink.js';
import { renderProtoApp } from '../helpers/app.js';
import type { Codec } from '../../src/protocols/codec.js';
import { phoenixCodec } from '../../src/protocols/phoenix.js';
import { signalrCodec } from '../../src/protocols/signalr.js';
import { actionCableCodec } from '../../src/protocols/actioncable.js';
import { startPhoenix } from '../protocols/phoenix-server.js';
import { startSignalr } from '../protocols/signalr-server.js';
import { startActionCable } from '../protocols/actioncable-server.js';

const defer = cleanupAfterEach();

const mount = (codec: Codec, url: string) => renderProtoApp(defer, codec, url).instance;

describe('App with --proto phoenix, signalr, actioncable', () => {
  it('Phoenix: a join reply with its round trip, a broadcast as topic event payload, an error reply', async () => {
    const server = await startPhoenix(defer);
    const instance = mount(phoenixCodec({ heartbeatMs: 0 }), server.url);
    await waitForOutput(instance, 'Phoenix socket open');
    instance.stdin.write('join room:lobby\r');
    const joined = await waitForOutput(instance, '⇠ #1 room:lobby phx_join ok');
    expect(joined).toMatch(/⇠ #1 room:lobby phx_join ok \{"joined":"room:lobby","params":\{\}\} {2}\d+ ms/);
    instance.stdin.write('push room:lobby new_msg {"body":"hi"}\r');
    await waitForOutput(instance, '⇠ room:lobby new_msg {"body":"hi"}');
    instance.stdin.write('push room:lobby boom\r');
    await waitForOutput(instance, '⇠ #3 room:lobby boom error {"reason":"boom"}');
  });

  it('SignalR: a completion with its round trip, a broadcast as target and arguments', async () => {
    const server = await startSignalr(defer);
    const instance = mount(signalrCodec(), server.url);
    await waitForOutput(instance, 'SignalR handshake done');
    instance.stdin.write('Add 2 3\r');
    expect(await waitForOutput(instance, '⇠ #1 Add 5')).toMatch(/⇠ #1 Add 5 {2}\d+ ms/);
    instance.stdin.write('send Send "ana" "hi"\r');
    await waitForOutput(instance, '⇠ ReceiveMessage "ana" "hi"');
  });

  it('ActionCable: the confirmation with its round trip, then a message by channel', async () => {
    const server = await startActionCable(defer);
    const instance = mount(actionCableCodec(), server.url);
    await waitForOutput(instance, 'ActionCable welcome');
    instance.stdin.write('subscribe ChatChannel\r');
    expect(await waitForOutput(instance, '⇠ ChatChannel subscribed')).toMatch(
      /⇠ ChatChannel subscribed {2}\d+ ms/,
    );
    instance.stdin.write('perform ChatChannel speak {"text":"hi"}\r');
    await waitForOutput(instance, '⇠ ChatChannel {"text":"hi","action":"speak"}');
  });
});
