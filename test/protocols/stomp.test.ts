// The stomp codec against the test STOMP broker (proven against @stomp/stompjs) on loopback.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { reconnectFast, stateReached, waitingReasons } from '../helpers/connection.js';
import { until } from '../helpers/servers.js';
import { bodyJson, stompCodec } from '../../src/protocols/stomp.js';
import { header } from '../../src/protocols/stomp-frame.js';
import { failureReached, messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startStompServer } from './stomp-server.js';

const defer = cleanupAfterEach();

describe('stomp codec', () => {
  it('connects with accept-version, host, login, passcode and heart-beat, on the v12.stomp subprotocol', async () => {
    const server = await startStompServer(defer, { credentials: { login: 'guest', passcode: 'pw' } });
    const { proto, conn } = openSession(defer, stompCodec({ login: 'guest', passcode: 'pw' }), server.url);
    const ready = await readyReached(proto);
    expect(ready.detail).toBe('STOMP 1.2 connected to wsx-test-stomp/1.0 (heart-beat 0/0 ms)');
    expect(conn.snapshot().protocol).toBe('v12.stomp');
    expect(server.frames[0]!.command).toBe('CONNECT');
    expect(server.frames[0]!.headers).toEqual([
      ['accept-version', '1.2,1.1'],
      ['host', '127.0.0.1'],
      ['login', 'guest'],
      ['passcode', 'pw'],
      ['heart-beat', '10000,10000'],
    ]);
  });

  it('--init headers win over its own: host for a RabbitMQ vhost, heart-beat', async () => {
    const server = await startStompServer(defer);
    const { proto } = openSession(
      defer,
      stompCodec({ init: { host: '/', 'heart-beat': '0,0' } }),
      server.url,
    );
    await readyReached(proto);
    expect(header(server.frames[0]!, 'host')).toBe('/');
    expect(header(server.frames[0]!, 'heart-beat')).toBe('0,0');
  });

  for (const framing of ['whole', 'batched', 'split'] as const) {
    it(`subscribes, sends with headers and a receipt, shows the MESSAGE and the RECEIPT (${framing} frames)`, async () => {
      const server = await startStompServer(defer, { framing });
      const { proto } = openSession(defer, stompCodec(), server.url);
      // Typed before CONNECTED: held, then sent in order.
      proto.input('subscribe /queue/a');
      proto.input('send /queue/a content-type:text/plain receipt: hello  world');
      const [message, receipt] = await messages(proto, 2);
      expect(message).toMatchObject({ kind: 'message', id: 'sub-1' });
      expect(message!.json).toEqual({
        destination: '/queue/a',
        headers: {
          'message-id': 'm-1',
          subscription: 'sub-1',
          'content-type': 'text/plain',
          'content-length': '12',
        },
        body: 'hello  world',
      });
      expect(message!.text).toBe(JSON.stringify(message!.json));
      expect(receipt).toMatchObject({ kind: 'receipt', id: 'r-1', text: '{"receipt":"r-1"}' });
      expect(receipt!.rttMs).toBeGreaterThanOrEqual(0);
      expect(server.frames.map((f) => f.command)).toEqual(['CONNECT', 'SUBSCRIBE', 'SEND']);
      expect(server.frames[1]!.headers).toEqual([
        ['destination', '/queue/a'],
        ['id', 'sub-1'],
        ['ack', 'auto'],
      ]);
    });
  }

  it('`--` starts a body that looks like a header', async () => {
    const server = await startStompServer(defer);
    const { proto } = openSession(defer, stompCodec(), server.url);
    proto.input('subscribe /q id:s');
    proto.input('send /q -- a:b');
    expect((await nextMessage(proto)).json).toMatchObject({ body: 'a:b' });
  });

  it('shows a body as text when it is UTF-8, else as {"$binary": base64}', () => {
    expect(bodyJson(Buffer.from('héllo'))).toBe('héllo');
    expect(bodyJson(Buffer.from([0xff, 0x00, 0x41]))).toEqual({ $binary: '/wBB' });
  });

  it('acks with the ack header and unsubscribes by id; ack and client modes go through', async () => {
    const server = await startStompServer(defer);
    const { proto } = openSession(defer, stompCodec(), server.url);
    proto.input('subscribe /q ack:client-individual id:7');
    proto.input('send /q one');
    const msg = await nextMessage(proto);
    const ack = (msg.json as { headers: { ack: string } }).headers.ack;
    proto.input(`ack ${ack} receipt:`);
    proto.input('nack m-0');
    proto.input('unsubscribe 7 receipt:bye');
    await messages(proto, 2, (m) => m.kind === 'receipt');
    expect(server.frames.slice(3).map((f) => [f.command, f.headers])).toEqual([
      [
        'ACK',
        [
          ['id', ack],
          ['receipt', 'r-1'],
        ],
      ],
      ['NACK', [['id', 'm-0']]],
      [
        'UNSUBSCRIBE',
        [
          ['id', '7'],
          ['receipt', 'bye'],
        ],
      ],
    ]);
    expect(() => proto.input('unsubscribe 7')).toThrow(/no active subscription with id 7/);
  });

  it('refuses lines it cannot send, naming the syntax', async () => {
    const server = await startStompServer(defer);
    const { proto } = openSession(defer, stompCodec(), server.url);
    await readyReached(proto);
    expect(() => proto.input('publish /q hi')).toThrow(/a STOMP line is send DEST/);
    expect(() => proto.input('subscribe')).toThrow(/subscribe needs a destination/);
    expect(() => proto.input('begin')).toThrow(/begin needs a transaction name/);
    expect(() => proto.input('subscribe /q hi')).toThrow(/subscribe takes no body/);
    expect(server.frames).toHaveLength(1);
  });

  it('an ERROR for a CONNECT is a refusal: the run ends with the server message', async () => {
    const server = await startStompServer(defer, { credentials: { login: 'guest', passcode: 'pw' } });
    const { proto, conn } = openSession(
      defer,
      stompCodec({ login: 'guest', passcode: 'no' }),
      server.url,
      reconnectFast,
    );
    const err = await failureReached(proto);
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(
      'the STOMP server refused CONNECT: Access refused for user: bad login or passcode',
    );
    await stateReached(conn, 'closed', 2000);
    expect(server.connections()).toBe(1);
  });

  it('an ERROR after CONNECTED is an error answer with its message, headers and body', async () => {
    const server = await startStompServer(defer);
    const { proto } = openSession(defer, stompCodec(), server.url);
    proto.input('subscribe /forbidden/x receipt:');
    const err = await nextMessage(proto);
    expect(err).toMatchObject({ kind: 'error', isError: true, id: 'r-1' });
    expect(err.json).toEqual({
      error: {
        message: 'access denied',
        headers: { 'receipt-id': 'r-1', 'content-length': '25' },
        body: 'no access to /forbidden/x',
      },
    });
  });

  it('after an ERROR (the server then closes) the subscriptions are not sent again: a refused one would loop', async () => {
    const server = await startStompServer(defer);
    const { proto, notes } = openSession(defer, stompCodec(), server.url, reconnectFast);
    proto.input('subscribe /queue/fine');
    proto.input('subscribe /forbidden/x');
    await nextMessage(proto, (m) => m.kind === 'error');
    const again = await readyReached(proto);
    expect(again).toEqual({
      detail: 'STOMP 1.2 connected to wsx-test-stomp/1.0 (heart-beat 0/0 ms)',
      isReconnect: true,
    });
    expect(notes).toContain('not subscribing again to 2 destination(s): the server sent an ERROR');
    expect(server.frames.filter((f) => f.command === 'SUBSCRIBE')).toHaveLength(2);
  });

  it('sends heart-beats at the negotiated rate, and reconnects when the server stops sending its own', async () => {
    const server = await startStompServer(defer, { heartBeat: [40, 40], isSilent: true });
    const { conn, proto } = openSession(
      defer,
      stompCodec({ init: { 'heart-beat': '40,40' } }),
      server.url,
      reconnectFast,
    );
    const waits = waitingReasons(conn);
    expect((await readyReached(proto)).detail).toContain('(heart-beat 40/40 ms)');
    proto.input('subscribe /q');
    await until(
      () => server.heartBeats() >= 1,
      2000,
      () => `heart-beats: ${server.heartBeats()}`,
    );
    const again = await readyReached(proto);
    expect(again.isReconnect).toBe(true);
    expect(again.detail).toContain('subscribing again to 1 destination(s)');
    expect(waits[0]).toContain('no STOMP heart-beat for 80 ms: the server looks dead');
    await until(
      () => server.frames.filter((f) => f.command === 'SUBSCRIBE').length === 2,
      2000,
      () => server.frames.map((f) => f.command).join(' '),
    );
  });
});
