// The test STOMP server is only worth testing wsx against if the official client library agrees with it:
// @stomp/stompjs (on Node with ws) connects, subscribes, sends, receives, gets receipts and ERROR frames.

import { Client, type IFrame, type IMessage } from '@stomp/stompjs';
import { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, type Defer } from '../helpers/cleanup.js';
import { until } from '../helpers/servers.js';
import { startStompServer } from './stomp-server.js';

const defer = cleanupAfterEach();

/** A stompjs client on `url` (no reconnect), deactivated after the test. */
function stompjs(defer: Defer, url: string, extra: Partial<ConstructorParameters<typeof Client>[0]> = {}) {
  const client = new Client({
    webSocketFactory: () => new WebSocket(url, ['v12.stomp', 'v11.stomp']),
    reconnectDelay: 0,
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    ...extra,
  });
  defer(() => client.deactivate({ force: true }));
  return client;
}

function connected(client: Client): Promise<IFrame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('stompjs did not connect within 2000 ms')), 2000);
    client.onConnect = (frame) => {
      clearTimeout(timer);
      resolve(frame);
    };
    client.activate();
  });
}

function stompError(client: Client): Promise<IFrame> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no ERROR frame within 2000 ms')), 2000);
    client.onStompError = (frame) => {
      clearTimeout(timer);
      resolve(frame);
    };
  });
}

describe('the test STOMP server, driven by @stomp/stompjs', () => {
  for (const framing of ['whole', 'batched', 'split'] as const) {
    it(`connects, subscribes, sends with a receipt and receives the message (${framing} frames)`, async () => {
      const server = await startStompServer(defer, {
        credentials: { login: 'guest', passcode: 'pw' },
        framing,
      });
      const client = stompjs(defer, server.url, { connectHeaders: { login: 'guest', passcode: 'pw' } });
      const hello = await connected(client);
      expect(hello.headers).toMatchObject({ version: '1.2', server: 'wsx-test-stomp/1.0' });
      const got: IMessage[] = [];
      client.subscribe('/queue/a', (m) => got.push(m), { id: 'mine' });
      const receipt = new Promise<IFrame>((resolve) => client.watchForReceipt('r1', resolve));
      client.publish({ destination: '/queue/a', body: 'héllo', headers: { receipt: 'r1', 'x-n': '1' } });
      expect((await receipt).headers['receipt-id']).toBe('r1');
      await until(
        () => got.length === 1,
        2000,
        () => `messages: ${got.length}`,
      );
      expect(got[0]!.body).toBe('héllo');
      expect(got[0]!.headers).toMatchObject({ destination: '/queue/a', subscription: 'mine', 'x-n': '1' });
      expect(server.protocols).toEqual(['v12.stomp']);
    });
  }

  it('acks a client-ack message and unsubscribes', async () => {
    const server = await startStompServer(defer);
    const client = stompjs(defer, server.url);
    await connected(client);
    const got: IMessage[] = [];
    const sub = client.subscribe('/queue/b', (m) => got.push(m), { ack: 'client-individual' });
    client.publish({ destination: '/queue/b', body: 'one' });
    await until(
      () => got.length === 1,
      2000,
      () => `messages: ${got.length}`,
    );
    expect(got[0]!.headers.ack).toBe('m-1');
    got[0]!.ack();
    sub.unsubscribe();
    await until(
      () => server.frames.some((f) => f.command === 'UNSUBSCRIBE'),
      2000,
      () => server.frames.map((f) => f.command).join(' '),
    );
    const ack = server.frames.find((f) => f.command === 'ACK')!;
    expect(ack.headers).toContainEqual(['id', 'm-1']);
  });

  it('refuses a bad passcode with an ERROR frame', async () => {
    const server = await startStompServer(defer, { credentials: { login: 'guest', passcode: 'pw' } });
    const client = stompjs(defer, server.url, { connectHeaders: { login: 'guest', passcode: 'nope' } });
    const error = stompError(client);
    client.activate();
    expect((await error).headers.message).toBe('Access refused for user');
  });

  it('answers a refused SUBSCRIBE with an ERROR naming the receipt', async () => {
    const server = await startStompServer(defer);
    const client = stompjs(defer, server.url);
    await connected(client);
    const error = stompError(client);
    client.subscribe('/forbidden/x', () => {}, { receipt: 'r9' });
    const frame = await error;
    expect(frame.headers).toMatchObject({ message: 'access denied', 'receipt-id': 'r9' });
    expect(frame.body).toBe('no access to /forbidden/x');
  });

  it('negotiates heart-beats both ways', async () => {
    const server = await startStompServer(defer, { heartBeat: [50, 50] });
    const client = stompjs(defer, server.url, { heartbeatIncoming: 50, heartbeatOutgoing: 50 });
    const hello = await connected(client);
    expect(hello.headers['heart-beat']).toBe('50,50');
    await until(
      () => server.heartBeats() >= 2,
      2000,
      () => `heart-beats: ${server.heartBeats()}`,
    );
  });
});
