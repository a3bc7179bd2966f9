// AsyncAPI messages inside a protocol's envelope: STOMP frames and MQTT 5 publishes carry headers, Socket.IO
// events name the message.

import mqtt from 'mqtt';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { collect, runWsx, spawnWsx, waitForOutput } from '../helpers/run-wsx.js';
import { startMqtt5Server } from '../protocols/mqtt5-server.js';
import { startStompServer } from '../protocols/stomp-server.js';
import { startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

/** Orders over STOMP: the body is the payload, the frame's headers are checked against `headers`. */
const ordersYaml = `
asyncapi: 3.0.0
info: { title: Orders, version: 1.0.0 }
channels:
  orders:
    address: /ws
    messages:
      order:
        name: order
        headers:
          type: object
          required: [content-type]
          properties: { content-type: { const: application/json } }
        payload:
          type: object
          required: [id]
          properties: { id: { type: integer } }
operations:
  place: { action: receive, channel: { $ref: '#/channels/orders' } }
  fill: { action: send, channel: { $ref: '#/channels/orders' } }
`;

describe('--asyncapi with --proto stomp', () => {
  it("checks a frame's body against the payload and its headers against the headers schema", async () => {
    const server = await startStompServer(defer);
    const doc = join(mkdtempSync(join(tmpdir(), 'wsx-headers-')), 'orders.yaml');
    writeFileSync(doc, ordersYaml);
    const result = await runWsx(
      ['--proto', 'stomp', server.url, '--asyncapi', doc, '--contract', 'strict', '-q', '--jsonl'],
      {
        input:
          'subscribe /q\nsend /q content-type:application/json {"id":1}\nsend /q content-type:text/plain {"id":2}\n',
      },
    );
    // The text/plain order, once sent and once received; SUBSCRIBE is a control frame, not a message.
    expect(result.stderr).toBe(`wsx: 2 messages broke the contract (${doc}, channel orders)\n`);
    expect(result.code).toBe(7);
    const verdicts = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; kind?: string; contract?: unknown })
      .filter((e) => e.event === 'recv' && e.kind === 'message')
      .map((e) => e.contract);
    expect(verdicts).toEqual([
      { message: 'order', valid: true, errors: [] },
      {
        message: 'order',
        valid: false,
        errors: [
          {
            path: 'headers$["content-type"]',
            message: 'must be equal to constant "application/json" (got "text/plain")',
          },
        ],
      },
    ]);
  });
});

/** Socket.IO: the event name names the message, its argument is the payload. */
const chatYaml = `
asyncapi: 3.0.0
info: { title: Chat, version: 1.0.0 }
channels:
  root:
    address: /
    messages:
      welcome:
        name: welcome
        payload: { type: array, items: [{ type: string }, { type: object }] }
      echo:
        name: echo
        payload: { type: object, required: [x], properties: { x: { type: integer } } }
operations:
  hear: { action: send, channel: { $ref: '#/channels/root' } }
  say:
    action: receive
    channel: { $ref: '#/channels/root' }
    messages: [{ $ref: '#/channels/root/messages/echo' }]
`;

describe('--asyncapi with --proto socketio', () => {
  it("takes the event's name as the message's and its argument as the payload", async () => {
    const { url } = await startSocketIo(defer);
    const doc = join(mkdtempSync(join(tmpdir(), 'wsx-sio-')), 'chat.yaml');
    writeFileSync(doc, chatYaml);
    const result = await runWsx(['--proto', 'socketio', url, '--asyncapi', doc, '--contract', 'strict'], {
      input: '["echo",{"x":1}]\n["echo",{"x":"no"}]\n',
    });
    expect(result.stderr).toBe(
      [
        'wsx: contract: sent echo invalid: $.x: must be integer (got "no")',
        'wsx: contract: received echo invalid: $.x: must be integer (got "no")',
        `wsx: 2 messages broke the contract (${doc}, channel root)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });
});

/** Readings over MQTT 5: the publish's payload is the payload, its user properties are the headers. */
const readingsYaml = `
asyncapi: 3.0.0
info: { title: Readings, version: 1.0.0 }
channels:
  mqtt:
    address: /mqtt
    messages:
      reading:
        name: reading
        headers:
          type: object
          required: [unit]
          properties: { unit: { enum: [C, F] } }
        payload: { type: number }
operations:
  publish: { action: send, channel: { $ref: '#/channels/mqtt' } }
`;

describe('--asyncapi with --proto mqtt (MQTT 5)', () => {
  it("checks a publish's user properties against the message's headers schema", async () => {
    const server = await startMqtt5Server(defer);
    const doc = join(mkdtempSync(join(tmpdir(), 'wsx-mqtt-headers-')), 'readings.yaml');
    writeFileSync(doc, readingsYaml);
    const child = spawnWsx([
      '--proto',
      'mqtt',
      '--init',
      '{"protocolVersion":5}',
      server.url,
      '--asyncapi',
      doc,
      '--contract',
      'strict',
      '--jsonl',
    ]);
    const done = collect(child, { keepStdinOpen: true });
    const subscribed = waitForOutput(child.stdout, /suback/);
    child.stdin.write('sub sensors/+\n');
    await subscribed;
    // Another client publishes with user properties (MQTT 5 §3.3.2.3.7: the broker forwards them as sent).
    const publisher = mqtt.connect(server.url, { protocolVersion: 5, reconnectPeriod: 0 });
    defer(() => publisher.endAsync(true));
    await new Promise((resolve) => publisher.once('connect', resolve));
    const bothSeen = waitForOutput(child.stdout, /sensors\/2[^\n]*\n/);
    await publisher.publishAsync('sensors/1', '21.5', { properties: { userProperties: { unit: 'C' } } });
    await publisher.publishAsync('sensors/2', '70', { properties: { userProperties: { unit: 'K' } } });
    await bothSeen;
    child.stdin.end();
    const result = await done;
    const recv = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; kind?: string; data?: string; contract?: unknown })
      .filter((e) => e.event === 'recv' && e.kind === 'message');
    expect(recv.map((e) => e.data)).toEqual([
      '{"topic":"sensors/1","payload":"21.5","qos":0,"retain":false,"userProperties":{"unit":"C"}}',
      '{"topic":"sensors/2","payload":"70","qos":0,"retain":false,"userProperties":{"unit":"K"}}',
    ]);
    expect(recv.map((e) => e.contract)).toEqual([
      { message: 'reading', valid: true, errors: [] },
      {
        message: 'reading',
        valid: false,
        errors: [
          {
            path: 'headers$.unit',
            message: 'must be equal to one of the allowed values ["C","F"] (got "K")',
          },
        ],
      },
    ]);
    // SUBSCRIBE and SUBACK are the protocol's control frames, no messages of the channel: one violation.
    expect(result.stderr).toBe(
      [
        'wsx: contract: received reading invalid: headers$.unit: must be equal to one of the allowed values ["C","F"] (got "K")',
        `wsx: 1 message broke the contract (${doc}, channel mqtt)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });
});
