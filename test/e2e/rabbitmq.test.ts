// --proto stomp and mqtt through the built bin/wsx.js against a real RabbitMQ (rabbitmq_web_stomp and
// rabbitmq_web_mqtt), started for this file: subscribe, send, receive, a refused login. .ci/run installs
// rabbitmq-server; with CI=true a missing broker fails the file instead of skipping it.

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRabbitmq, startRabbitmq, type Rabbitmq } from '../helpers/rabbitmq.js';
import { lines, runWsx } from '../helpers/run-wsx.js';

const isRequired = process.env.CI === 'true';
if (!hasRabbitmq && !isRequired)
  console.warn('rabbitmq-server is not installed: skipping the RabbitMQ tests');

describe.skipIf(!hasRabbitmq && !isRequired)('RabbitMQ Web STOMP and Web MQTT', () => {
  let broker: Rabbitmq;
  beforeAll(async () => {
    if (!hasRabbitmq) throw new Error('rabbitmq-server is not installed (.ci/run installs it)');
    broker = await startRabbitmq();
  }, 100_000);
  afterAll(() => broker?.stop(), 20_000);

  // RabbitMQ reads STOMP's `host` header as the virtual host: the default one is "/".
  const stomp = ['--proto', 'stomp', '--init', '{"host":"/"}'];

  it('STOMP: subscribes to a queue, sends with a receipt, receives the MESSAGE; exit 0', async () => {
    const queue = `/queue/wsx-${randomUUID()}`;
    const result = await runWsx([...stomp, '--auth', 'guest:guest', broker.stompUrl], {
      input: `subscribe ${queue}\nsend ${queue} content-type:application/json receipt: {"id":7}\n`,
      killAfterMs: 20_000,
    });
    expect(result.stderr).toBe('');
    const out = lines(result.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out).toContainEqual({ receipt: 'r-1' });
    const message = out.find((m) => m.destination === queue);
    expect(message).toMatchObject({ body: '{"id":7}', headers: { 'content-type': 'application/json' } });
    expect(result.code).toBe(0);
  }, 30_000);

  it('STOMP: a wrong passcode is a refused CONNECT in RabbitMQ words, exit 3, the passcode masked', async () => {
    const result = await runWsx([...stomp, '--auth', 'guest:n0t-the-pass', broker.stompUrl], {
      killAfterMs: 20_000,
    });
    expect(result.stderr).toMatch(/^wsx: the STOMP server refused CONNECT: .*(Access refused|login)/i);
    expect(result.stderr).not.toContain('n0t-the-pass');
    expect(result.code).toBe(3);
  }, 30_000);

  it('MQTT: subscribes with QoS 1, publishes and receives its message with the acks; exit 0', async () => {
    const topic = `wsx/${randomUUID()}`;
    const result = await runWsx(['--proto', 'mqtt', '--auth', 'guest:guest', broker.mqttUrl], {
      input: `sub ${topic}/+ qos:1\npub ${topic}/1 qos:1 21.5\n`,
      killAfterMs: 20_000,
    });
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      '{"suback":1,"granted":[1]}',
      `{"topic":"${topic}/1","payload":"21.5","qos":1,"retain":false}`,
      '{"puback":2}',
    ]);
    expect(result.code).toBe(0);
  }, 30_000);

  it('MQTT: a wrong password (RabbitMQ closes with 1002 instead of a CONNACK) is a refusal, exit 3', async () => {
    const result = await runWsx(['--proto', 'mqtt', '--auth', 'guest:n0t-the-pass', broker.mqttUrl], {
      killAfterMs: 20_000,
    });
    expect(result.stderr).toBe(
      `wsx: the MQTT server closed the connection instead of answering CONNECT: 1002 "unauthenticated" (check --auth, and the client id: --init '{"clientId":"…"}')\n`,
    );
    expect(result.code).toBe(3);
  }, 30_000);
});
