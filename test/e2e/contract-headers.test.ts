// AsyncAPI message `headers` schemas where the protocol carries headers: STOMP frames.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import { startStompServer } from '../protocols/stomp-server.js';

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
    const result = await runWsx(['--proto', 'stomp', server.url, '--asyncapi', doc, '-q', '--jsonl'], {
      input:
        'subscribe /q\nsend /q content-type:application/json {"id":1}\nsend /q content-type:text/plain {"id":2}\n',
    });
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
