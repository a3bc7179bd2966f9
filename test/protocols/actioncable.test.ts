// ActionCable: the test server proved against the official @rails/actioncable client, then the codec.

import { adapters, createConsumer } from '@rails/actioncable';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { actionCableCodec } from '../../src/protocols/actioncable.js';
import { loadSentFrameReader } from '../../src/protocols/sent-frames.js';
import { reconnectFast, waitingReasons } from '../helpers/connection.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { until } from '../helpers/servers.js';
import { messages as collect, nextMessage, openSession } from './helpers.js';
import { startActionCable } from './actioncable-server.js';

const defer = cleanupAfterEach();

describe('the ActionCable test server, driven by the official @rails/actioncable client', () => {
  it('welcomes, confirms a subscription, carries performs and broadcasts, rejects one', async () => {
    // The client's connection monitor listens for the page's visibilitychange: Node has no page.
    const g = globalThis as unknown as Record<string, unknown>;
    const hadListener = 'addEventListener' in g;
    if (!hadListener) {
      g.addEventListener = () => {};
      g.removeEventListener = () => {};
      defer(() => {
        delete g.addEventListener;
        delete g.removeEventListener;
      });
    }
    adapters.WebSocket = WebSocket;
    const server = await startActionCable(defer, { pingMs: 100 });
    const consumer = createConsumer(server.url);
    defer(() => consumer.disconnect());
    const received: unknown[] = [];
    let isConnected = false;
    const sub = consumer.subscriptions.create(
      { channel: 'ChatChannel', room: '1' },
      { connected: () => (isConnected = true), received: (data) => received.push(data) },
    );
    await until(
      () => isConnected,
      2000,
      () => 'not connected',
    );
    sub.perform('speak', { text: 'hi' });
    await until(
      () => received.length === 1,
      2000,
      () => 'no broadcast',
    );
    expect(received).toEqual([{ text: 'hi', action: 'speak' }]);
    const rejected = await new Promise<boolean>((resolve) => {
      consumer.subscriptions.create({ channel: 'SecretChannel' }, { rejected: () => resolve(true) });
    });
    expect(rejected).toBe(true);
    expect(server.offered[0]).toEqual(['actioncable-v1-json', 'actioncable-unsupported']);
    // The identifier went as a JSON string, the data as a JSON string with the action inside.
    expect(server.received[0]).toEqual({
      command: 'subscribe',
      identifier: '{"channel":"ChatChannel","room":"1"}',
    });
    expect(server.received[1]).toEqual({
      command: 'message',
      identifier: '{"channel":"ChatChannel","room":"1"}',
      data: '{"text":"hi","action":"speak"}',
    });
  });
});

describe('actionCableCodec', () => {
  it('subscribes with the identifier double-encoded, shows the confirmation with a round trip, performs', async () => {
    const server = await startActionCable(defer);
    const { proto } = openSession(defer, actionCableCodec(), server.url);
    proto.input('subscribe {"channel":"ChatChannel","room":"1"}');
    proto.input('perform ChatChannel speak {"text":"hi"}');
    const [confirmed, broadcast] = await collect(proto, 2);
    expect(confirmed).toMatchObject({
      kind: 'response',
      text: '{"type":"confirm_subscription","identifier":{"channel":"ChatChannel","room":"1"}}',
      summary: 'ChatChannel subscribed',
    });
    expect(confirmed!.rttMs).toBeGreaterThanOrEqual(0);
    expect(broadcast).toMatchObject({
      kind: 'event',
      text: '{"identifier":{"channel":"ChatChannel","room":"1"},"message":{"text":"hi","action":"speak"}}',
      summary: 'ChatChannel {"text":"hi","action":"speak"}',
    });
    expect(server.received).toEqual([
      { command: 'subscribe', identifier: '{"channel":"ChatChannel","room":"1"}' },
      {
        command: 'message',
        identifier: '{"channel":"ChatChannel","room":"1"}',
        data: '{"text":"hi","action":"speak"}',
      },
    ]);
    expect(server.offered[0]).toEqual(['actioncable-v1-json', 'actioncable-unsupported']);
  });

  it('a rejected subscription is an error answer; unsubscribe sends the identifier; perform after it is refused', async () => {
    const server = await startActionCable(defer);
    const { proto } = openSession(defer, actionCableCodec(), server.url);
    proto.input('subscribe SecretChannel');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'error',
      isError: true,
      text: '{"type":"reject_subscription","identifier":{"channel":"SecretChannel"}}',
    });
    expect(() => proto.input('perform SecretChannel x')).toThrow(
      /not subscribed to \{"channel":"SecretChannel"\}/,
    );
    proto.input('subscribe ChatChannel');
    await nextMessage(proto);
    proto.input('unsubscribe ChatChannel');
    await until(
      () => server.received.length === 3,
      1000,
      () => JSON.stringify(server.received),
    );
    expect(server.received[2]).toEqual({ command: 'unsubscribe', identifier: '{"channel":"ChatChannel"}' });
    expect(() => proto.input('perform ChatChannel speak')).toThrow(/not subscribed/);
  });

  it('an unauthorized disconnect ends the run with the reason', async () => {
    const server = await startActionCable(defer);
    const { proto } = openSession(defer, actionCableCodec(), `${server.url}?token=bad`);
    const failure = await new Promise<Error>((resolve) => proto.on('failure', resolve));
    expect(failure.message).toBe('the ActionCable server disconnected us: unauthorized');
  });

  it('pings are never shown; a server that stops pinging is reconnected to and subscribed again', async () => {
    const server = await startActionCable(defer, { pingMs: 30 });
    const { conn, proto, messages, notes } = openSession(
      defer,
      actionCableCodec({ staleMs: 800 }),
      server.url,
      reconnectFast,
    );
    const waits = waitingReasons(conn);
    proto.input('subscribe ChatChannel');
    await nextMessage(proto);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(messages).toHaveLength(1);
    server.isPinging = false;
    await until(
      () => server.received.filter((c) => c.command === 'subscribe').length === 2,
      3000,
      () => `not subscribed again; notes: ${notes.join(' | ')}`,
    );
    expect(waits[0]).toMatch(/no ActionCable ping within 800 ms: the server looks dead/);
  });

  it('lines typed before the welcome go out in the order typed', async () => {
    const server = await startActionCable(defer);
    const { proto } = openSession(defer, actionCableCodec(), server.url);
    proto.input('subscribe ChatChannel');
    proto.input('perform ChatChannel echo {"n":1}');
    proto.input('subscribe SecretChannel');
    await collect(proto, 3);
    expect(server.received.map((c) => c.command)).toEqual(['subscribe', 'message', 'subscribe']);
  });

  it('refuses lines it cannot send', () => {
    const codec = actionCableCodec();
    const ctx = { send: () => {}, now: () => 0 } as unknown as Parameters<typeof codec.input>[1];
    expect(() => codec.input('speak hi', ctx)).toThrow(/unknown ActionCable line "speak"/);
    expect(() => codec.input('subscribe {"channel":', ctx)).toThrow(/the identifier is not JSON/);
    expect(() => codec.input('subscribe [1]', ctx)).toThrow(/name a channel: ChatChannel or/);
    codec.input('subscribe {"channel":"A","room":"1"}', ctx);
    codec.input('subscribe {"channel":"A","room":"2"}', ctx);
    expect(() => codec.input('perform A x', ctx)).toThrow(
      /A: several subscriptions; write the whole identifier JSON/,
    );
    expect(() => codec.input('perform {"channel":"A","room":"2"}', ctx)).toThrow(/perform needs an action/);
    expect(() => codec.input('perform {"channel":"A","room":"2"} x [1]', ctx)).toThrow(
      /the data must be a JSON object/,
    );
  });

  it('--jsonl reads sent frames: commands with their identifier and data decoded', async () => {
    const read = await loadSentFrameReader('actioncable');
    expect(
      read('{"command":"message","identifier":"{\\"channel\\":\\"A\\"}","data":"{\\"action\\":\\"x\\"}"}'),
    ).toEqual({
      kind: 'perform',
      text: '{"identifier":{"channel":"A"},"data":{"action":"x"}}',
    });
  });
});
