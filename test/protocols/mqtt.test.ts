// The mqtt codec against the real aedes broker behind a ws server on loopback.

import { WebSocketServer } from 'ws';
import { describe, expect, it, beforeAll } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { reconnectFast, stateReached, waitingReasons } from '../helpers/connection.js';
import { until } from '../helpers/servers.js';
import { loadMqttPackets, mqttCodec } from '../../src/protocols/mqtt.js';
import { failureReached, messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startMqttServer } from './mqtt-server.js';

const defer = cleanupAfterEach();

// The packet codec is a bundle of its own, loaded as loadCodec does.
beforeAll(loadMqttPackets);

describe('mqtt codec', () => {
  it('connects with client id, clean start, keep-alive, username and password on the mqtt subprotocol', async () => {
    const { url, broker } = await startMqttServer(defer, { credentials: { username: 'u', password: 'pw' } });
    const seen: { id: string; keepalive: number; clean: boolean }[] = [];
    broker.on('client', (c) => seen.push({ id: c.id, keepalive: 0, clean: c.clean }));
    const { proto, conn } = openSession(
      defer,
      mqttCodec({ login: 'u', passcode: 'pw', init: { clientId: 'wsx-test', keepalive: 30 } }),
      url,
    );
    expect((await readyReached(proto)).detail).toBe('MQTT 3.1.1 connected as wsx-test (keep-alive 30 s)');
    expect(conn.snapshot().protocol).toBe('mqtt');
    expect(seen).toEqual([{ id: 'wsx-test', keepalive: 0, clean: true }]);
  });

  for (const isSplitting of [false, true]) {
    it(`subscribes with QoS 0/1/2 and shows published messages as topic + payload${isSplitting ? ' (packets split across frames)' : ''}`, async () => {
      const { url } = await startMqttServer(defer, { isSplitting });
      const { proto } = openSession(defer, mqttCodec(), url);
      proto.input('sub sensors/+ qos:2');
      const suback = await nextMessage(proto);
      expect(suback).toMatchObject({ kind: 'receipt', id: 1, text: '{"suback":1,"granted":[2]}' });
      expect(suback.rttMs).toBeGreaterThanOrEqual(0);
      proto.input('pub sensors/1 21.5');
      proto.input('pub sensors/2 qos:1 {"t":22}');
      proto.input('pub sensors/3 qos:2 hot');
      const got = await messages(proto, 5);
      const texts = got.map((m) => `${m.kind} ${m.text}`);
      expect(texts).toEqual(
        expect.arrayContaining([
          'message {"topic":"sensors/1","payload":"21.5","qos":0,"retain":false}',
          'message {"topic":"sensors/2","payload":"{\\"t\\":22}","qos":1,"retain":false}',
          'message {"topic":"sensors/3","payload":"hot","qos":2,"retain":false}',
          'receipt {"puback":2}',
          'receipt {"pubcomp":3}',
        ]),
      );
    });
  }

  it('a retained message reaches a later subscriber with retain set; binary payloads show as $binary', async () => {
    const { url, broker } = await startMqttServer(defer);
    const { proto } = openSession(defer, mqttCodec(), url);
    proto.input('pub config/mode retain:1 qos:1 eco');
    await nextMessage(proto, (m) => m.text === '{"puback":1}');
    broker.publish(
      {
        cmd: 'publish',
        topic: 'raw/bytes',
        payload: Buffer.from([0xff, 0x00]),
        qos: 0,
        retain: false,
        dup: false,
      },
      () => {},
    );
    proto.input('sub config/# raw/#');
    const retained = await nextMessage(proto, (m) => m.kind === 'message');
    expect(retained.json).toMatchObject({ topic: 'config/mode', payload: 'eco', retain: true });
    broker.publish(
      {
        cmd: 'publish',
        topic: 'raw/bytes',
        payload: Buffer.from([0xff, 0x00]),
        qos: 0,
        retain: false,
        dup: false,
      },
      () => {},
    );
    const bytes = await nextMessage(proto, (m) => m.kind === 'message');
    expect(bytes.json).toMatchObject({ topic: 'raw/bytes', payload: { $binary: '/wA=' } });
  });

  it('answers the broker QoS 1 and 2 deliveries with PUBACK and PUBREC/PUBCOMP', async () => {
    const { url, broker } = await startMqttServer(defer);
    // aedes emits `ack` once a delivery is acknowledged: PUBACK for QoS 1, PUBREC then PUBCOMP for QoS 2.
    let acks = 0;
    broker.on('ack', () => acks++);
    const { proto } = openSession(defer, mqttCodec(), url);
    proto.input('sub q/# qos:2');
    await nextMessage(proto, (m) => m.kind === 'receipt');
    broker.publish(
      { cmd: 'publish', topic: 'q/1', payload: Buffer.from('a'), qos: 1, retain: false, dup: false },
      () => {},
    );
    broker.publish(
      { cmd: 'publish', topic: 'q/2', payload: Buffer.from('b'), qos: 2, retain: false, dup: false },
      () => {},
    );
    await messages(proto, 2, (m) => m.kind === 'message');
    await until(
      () => acks === 2,
      2000,
      () => `acks: ${acks}`,
    );
  });

  it('a refused subscription (SUBACK 0x80) is an error answer naming the filter', async () => {
    const { url } = await startMqttServer(defer);
    const { proto } = openSession(defer, mqttCodec(), url);
    proto.input('sub fine/# forbidden/x qos:1');
    const err = await nextMessage(proto);
    expect(err).toMatchObject({ kind: 'error', isError: true, id: 1 });
    expect(err.json).toEqual({
      error: { message: 'subscription refused', topics: ['forbidden/x'], granted: [1, 128] },
    });
  });

  it('a CONNACK with a return code is a refusal: no retry', async () => {
    const { url } = await startMqttServer(defer, { credentials: { username: 'u', password: 'pw' } });
    const { proto, conn } = openSession(
      defer,
      mqttCodec({ login: 'u', passcode: 'nope' }),
      url,
      reconnectFast,
    );
    const err = await failureReached(proto);
    expect(err.kind).toBe('refused');
    expect(err.message).toBe('the MQTT server refused CONNECT: 5 not authorized');
    await stateReached(conn, 'closed', 2000);
  });

  it('a server that closes instead of answering CONNECT (RabbitMQ 3.10 on a bad login: 1002 "unauthenticated") is a refusal', async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'mqtt' });
    defer(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    await new Promise((resolve) => wss.once('listening', resolve));
    wss.on('connection', (ws) => ws.once('message', () => ws.close(1002, 'unauthenticated')));
    const { port } = wss.address() as { port: number };
    const { proto, conn } = openSession(
      defer,
      mqttCodec({ login: 'u', passcode: 'nope' }),
      `ws://127.0.0.1:${port}/ws`,
      {
        reconnect: { enabled: true },
      },
    );
    const err = await failureReached(proto);
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(
      'the MQTT server closed the connection instead of answering CONNECT: 1002 "unauthenticated"',
    );
    // No retry: the connection ends.
    await until(
      () => conn.currentState === 'closed',
      2000,
      () => `state ${conn.currentState}`,
    );
  });

  it('sends PINGREQ each keep-alive period, which aedes answers', async () => {
    const { url, pingreqs } = await startMqttServer(defer);
    const { proto, notes } = openSession(defer, mqttCodec({ init: { keepalive: 1 } }), url);
    await readyReached(proto);
    await until(
      () => pingreqs() >= 2,
      3500,
      () => `pingreqs: ${pingreqs()}`,
    );
    expect(notes).toEqual([]);
  });

  it('reconnects when no PINGRESP comes within the keep-alive, subscribing again', async () => {
    // A server that acknowledges CONNECT and SUBSCRIBE, then ignores PINGREQ: a broker gone quiet.
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, handleProtocols: () => 'mqtt' });
    defer(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const subscribes: number[] = [];
    wss.on('connection', (ws) =>
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0x10) ws.send(Buffer.from([0x20, 0x02, 0x00, 0x00]));
        if (data[0] === 0x82) {
          subscribes.push(data.readUInt16BE(2));
          ws.send(Buffer.from([0x90, 0x03, data[2]!, data[3]!, 0x00]));
        }
      }),
    );
    await new Promise((resolve) => wss.once('listening', resolve));
    const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
    const { conn, proto } = openSession(defer, mqttCodec({ init: { keepalive: 1 } }), url, reconnectFast);
    const waits = waitingReasons(conn);
    proto.input('sub a/b');
    await readyReached(proto);
    const again = await readyReached(proto, 4000);
    expect(again.detail).toEqual(expect.stringContaining('subscribing again to 1 filter(s)'));
    expect(waits[0]).toContain('no MQTT PINGRESP within 1 s: the server looks dead');
    await until(
      () => subscribes.length === 2,
      2000,
      () => `subscribes: ${subscribes.length}`,
    );
  }, 8000);

  it('refuses lines it cannot send', async () => {
    const { url } = await startMqttServer(defer);
    const { proto } = openSession(defer, mqttCodec(), url);
    await readyReached(proto);
    expect(() => proto.input('send a b')).toThrow(/an MQTT line is sub FILTER/);
    expect(() => proto.input('sub')).toThrow(/sub needs a topic filter/);
    expect(() => proto.input('pub a qos:3 x')).toThrow(/qos is 0, 1 or 2/);
  });
});
