// $refs to other files: followed relative to the document that holds them (the spec's rule), URLs refused.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../src/contract/index.js';

/** A document whose message payload lives in schemas/ticker.yaml, which refers to its own #/Price. */
function files(payloadRef: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-refs-'));
  mkdirSync(join(dir, 'schemas'));
  writeFileSync(
    join(dir, 'schemas', 'ticker.yaml'),
    [
      'Ticker:',
      '  type: object',
      '  required: [event, price]',
      '  properties:',
      '    event: { const: ticker }',
      "    price: { $ref: '#/Price' }",
      'Price: { type: number }',
    ].join('\n'),
  );
  const doc = join(dir, 'api.yaml');
  writeFileSync(
    doc,
    [
      'asyncapi: 3.0.0',
      'info: { title: Ticks, version: 1.0.0 }',
      'channels:',
      '  ticks:',
      '    address: /ticks',
      "    messages: { ticker: { $ref: '#/components/messages/ticker' } }",
      'operations:',
      '  sendTicks:',
      '    action: send',
      "    channel: { $ref: '#/channels/ticks' }",
      'components:',
      '  messages:',
      '    ticker:',
      '      name: ticker',
      `      payload: { $ref: '${payloadRef}' }`,
    ].join('\n'),
  );
  return doc;
}

const load = (file: string) =>
  loadContract({
    file,
    text: readFileSync(file, 'utf8'),
    url: 'ws://127.0.0.1:1/ticks',
    role: 'server',
  });

describe('$refs to other files', () => {
  it("follows a file $ref relative to the document, and that file's own local $refs", () => {
    const loaded = load(files('schemas/ticker.yaml#/Ticker'));
    if (!('contract' in loaded)) throw new Error(loaded.problem);
    expect(loaded.contract.check('received', '{"event":"ticker","price":1.5}').isValid).toBe(true);
    // The price's type comes from the other file's #/Price: a string breaks it.
    const bad = loaded.contract.check('received', '{"event":"ticker","price":"high"}');
    expect(bad.isValid).toBe(false);
  });

  it("refuses a URL $ref with a line naming it (no fetch behind the user's back)", () => {
    const loaded = load(files('https://example.com/schemas/ticker.yaml#/Ticker'));
    expect(loaded).toEqual({
      problem: expect.stringMatching(
        /api\.yaml: \$ref https:\/\/example\.com\/schemas\/ticker\.yaml#\/Ticker is a URL: wsx reads only local files/,
      ),
    });
  });

  it('names the file a $ref points to when it cannot be read', () => {
    const loaded = load(files('schemas/missing.yaml#/Ticker'));
    expect(loaded).toEqual({
      problem: expect.stringMatching(
        /api\.yaml: \$ref schemas\/missing\.yaml#\/Ticker: cannot read .*missing\.yaml: no such file/,
      ),
    });
  });
});
