// MQTT 5: the test broker proved against the official mqtt client at protocolVersion 5 (aedes speaks only
// 3.1.1), then the mqtt codec against it: CONNACK and SUBACK reason codes, PUBACK's, a refused CONNECT.

import mqtt from 'mqtt';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadMqttPackets, mqttCodec } from '../../src/protocols/mqtt.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { reconnectFast, stateReached } from '../helpers/connection.js';
import { failureReached, messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startMqtt5Server } from './mqtt5-server.js';

const defer = cleanupAfterEach();

beforeAll(loadMqttPackets);

describe('the MQTT 5 test broker, driven by the official mqtt client (protocolVersion 5)', () => {
  it('CONNACK with properties, SUBACK reason codes per filter, QoS 1 round trip, PUBACK 0x10 with no subscriber', async () => {
    const server = await startMqtt5Server(defer);
    const client = mqtt.connect(server.url, { protocolVersion: 5, reconnectPeriod: 0 });
    defer(() => client.endAsync(true));
    const connack = await new Promise((resolve) => client.once('connect', resolve));
    expect(connack).toMatchObject({ cmd: 'connack', reasonCode: 0, properties: { maximumQoS: 2 } });
    const granted = await client.subscribeAsync({ 'sensors/+': { qos: 1 } });
    expect(granted.map((g) => [g.topic, g.qos])).toEqual([['sensors/+', 1]]);
    // The client reads a SUBACK reason code from 0x80 as a refusal, naming it.
    await expect(client.subscribeAsync('forbidden/x')).rejects.toThrow('Subscribe error: Not authorized');
    await expect(client.subscribeAsync('quota/x')).rejects.toThrow('Subscribe error: Quota exceeded');
    const got = new Promise<[string, string]>((resolve) =>
      client.once('message', (topic, payload) => resolve([topic, payload.toString()])),
    );
    const pubacks: unknown[] = [];
    client.on('packetreceive', (p) => p.cmd === 'puback' && pubacks.push(p));
    await client.publishAsync('sensors/1', '21.5', { qos: 1 });
    expect(await got).toEqual(['sensors/1', '21.5']);
    // 0x10 is a success code: the client's publish resolves.
    await client.publishAsync('nobody/here', 'x', { qos: 1 });
    expect(pubacks).toMatchObject([
      { cmd: 'puback', reasonCode: 0 },
      { cmd: 'puback', reasonCode: 0x10 },
    ]);
    expect(server.received[0]).toMatchObject({ cmd: 'connect', protocolVersion: 5 });
  });

  it('bad credentials: CONNACK 0x86 with its reason string, and the client gives up', async () => {
    const server = await startMqtt5Server(defer, { credentials: { username: 'u', password: 'pw' } });
    const failed = mqtt.connectAsync(server.url, {
      protocolVersion: 5,
      username: 'u',
      password: 'nope',
      reconnectPeriod: 0,
    });
    await expect(failed).rejects.toMatchObject({ code: 0x86 });
  });
});

describe('mqtt codec at protocol version 5', () => {
  it('connects as MQTT 5, subscribes with per-filter reason codes: a refused filter is an error answer naming why', async () => {
    const server = await startMqtt5Server(defer);
    const { proto } = openSession(
      defer,
      mqttCodec({ init: { protocolVersion: 5, clientId: 'v5' } }),
      server.url,
    );
    expect((await readyReached(proto)).detail).toBe('MQTT 5 connected as v5 (keep-alive 60 s)');
    expect(server.received[0]).toMatchObject({ cmd: 'connect', protocolVersion: 5, clientId: 'v5' });
    proto.input('sub sensors/+ qos:1');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'receipt',
      id: 1,
      text: '{"suback":1,"granted":[1]}',
    });
    proto.input('sub ok/1 forbidden/x quota/x');
    const refused = await nextMessage(proto);
    expect(refused).toMatchObject({ kind: 'error', isError: true, id: 2 });
    expect(refused.json).toEqual({
      error: {
        message: 'subscription refused',
        topics: ['forbidden/x', 'quota/x'],
        granted: [0, 0x87, 0x97],
        reasons: ['0x87 not authorized', '0x97 quota exceeded'],
      },
    });
    proto.input('pub sensors/1 qos:1 21.5');
    const [delivered, puback] = await messages(proto, 2);
    expect(delivered).toMatchObject({
      kind: 'message',
      text: '{"topic":"sensors/1","payload":"21.5","qos":1,"retain":false}',
    });
    expect(puback).toMatchObject({ kind: 'receipt', text: '{"puback":3}' });
  });

  it('a PUBACK reason code is shown: 0x10 no matching subscribers', async () => {
    const server = await startMqtt5Server(defer);
    const { proto } = openSession(defer, mqttCodec({ init: { protocolVersion: 5 } }), server.url);
    proto.input('pub nobody/here qos:1 x');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'receipt',
      text: '{"puback":1,"reasonCode":16,"reason":"0x10 no matching subscribers"}',
    });
  });

  it('a refused CONNECT (bad credentials) fails with the reason code, its name and the server reason string: no retry', async () => {
    const server = await startMqtt5Server(defer, { credentials: { username: 'u', password: 'pw' } });
    const { proto, conn } = openSession(
      defer,
      mqttCodec({ login: 'u', passcode: 'nope', init: { protocolVersion: 5 } }),
      server.url,
      reconnectFast,
    );
    const err = await failureReached(proto);
    expect(err.kind).toBe('refused');
    expect(err.message).toBe(
      'the MQTT server refused CONNECT: 0x86 bad user name or password (user name or password is wrong)',
    );
    await stateReached(conn, 'closed', 2000);
  });
});
