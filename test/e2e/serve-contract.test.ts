import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runWsx, serveWsx } from '../helpers/run-wsx.js';

const quotesDoc = fileURLToPath(new URL('../fixtures/asyncapi/quotes-3.0.yaml', import.meta.url));

const defer = cleanupAfterEach();

const serveMock = (...args: string[]) => serveWsx(defer, ['--asyncapi', quotesDoc, ...args]);

/** Opens a client and collects what it receives, and how it was closed. */
async function client(url: string): Promise<{
  ws: WebSocket;
  got: string[];
  closed: Promise<{ code: number; reason: string }>;
}> {
  const ws = new WebSocket(url);
  defer(() => ws.terminate());
  const got: string[] = [];
  ws.on('message', (d) => got.push(String(d)));
  const closed = once(ws, 'close').then(([code, reason]) => ({
    code: code as number,
    reason: String(reason),
  }));
  await once(ws, 'open');
  return { ws, got, closed };
}

async function until(check: () => boolean, what: () => string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting: ${what()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('wsx serve --asyncapi: a mock that follows the document', () => {
  it('answers each valid message with an example of its reply', async () => {
    const mock = await serveMock('--push-interval', '0');
    const c = await client(`${mock.url}/quotes`);
    c.ws.send('{"event":"ping","reqid":42}');
    c.ws.send('{"event":"subscribe","pair":"ETH/EUR"}');
    await until(
      () => c.got.length >= 2,
      () => JSON.stringify(c.got),
    );
    expect(c.got).toEqual(['{"event":"pong","reqid":7}', '{"event":"subscribed","pair":"XBT/USD"}']);
  });

  it('closes on an invalid message with 1008 and a reason that says why', async () => {
    const mock = await serveMock('--push-interval', '0');
    const c = await client(`${mock.url}/quotes`);
    c.ws.send('{"event":"subscribe","pair":"btc"}');
    expect(await c.closed).toEqual({
      code: 1008,
      reason: 'subscribe invalid: $.pair: must match pattern "^[A-Z]+/[A-Z]+$" (got "btc")',
    });
    expect(mock.stderr()).toMatch(
      /client 1: received subscribe invalid: \$\.pair: must match pattern "\^\[A-Z\]\+\/\[A-Z\]\+\$" \(got "btc"\); closing with 1008/,
    );
  });

  it('pushes the messages the server sends on its own on a timer', async () => {
    const mock = await serveMock('--push-interval', '50ms');
    const c = await client(`${mock.url}/quotes`);
    await until(
      () => c.got.length >= 3,
      () => JSON.stringify(c.got),
    );
    // ticker and error in turn, each its example.
    expect(c.got.slice(0, 3)).toEqual([
      '{"event":"ticker","pair":"XBT/USD","price":97000.5}',
      '{"event":"error","reason":"unknown pair"}',
      '{"event":"ticker","pair":"XBT/USD","price":97000.5}',
    ]);
  });

  it('refuses a path that is no channel of the document with 404, naming the channels', async () => {
    const mock = await serveMock();
    const ws = new WebSocket(`${mock.url}/nope`);
    // The refusal ends the socket with an error of its own; the status is what this test reads.
    ws.on('error', () => {});
    const [, res] = (await once(ws, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(404);
    await until(
      () =>
        /refused .* with HTTP 404: no channel matches \/nope: the document has quotes \(\/quotes\)/.test(
          mock.stderr(),
        ),
      () => mock.stderr(),
    );
  });

  it('passes the starter scenario wsx scenario writes from the same document', async () => {
    const mock = await serveMock('--push-interval', '20ms');
    const made = await runWsx(['scenario', quotesDoc]);
    const file = join(mkdtempSync(join(tmpdir(), 'wsx-mock-')), 'starter.wsx');
    writeFileSync(file, made.stdout);
    const run = await runWsx(['run', file, '--url', `${mock.url}/quotes`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('refuses a document it cannot read before listening (exit 2)', async () => {
    const doc = join(mkdtempSync(join(tmpdir(), 'wsx-mock-')), 'bad.yaml');
    writeFileSync(doc, 'asyncapi: 1.2.0\n');
    const result = await runWsx(['serve', '--port', '0', '--asyncapi', doc]);
    expect(result.stderr).toBe(
      `wsx: ${doc}: unsupported AsyncAPI version 1.2.0 (wsx reads 2.x and 3.0) (at #/asyncapi)\n`,
    );
    expect(result.code).toBe(2);
  });
});
