// The JSON-RPC codec's dialects and its error answers, against a ws server on loopback that answers the way
// Chromium does (no "jsonrpc", id-less errors, sessions); the real Chromium is in test/e2e/cdp.test.ts.

import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { dialects, jsonRpcCodec } from '../../src/protocols/jsonrpc.js';
import { summarise } from '../../src/ui/log/protocol-entry.js';
import { messages, nextMessage, openSession, readyReached } from './helpers.js';

const defer = cleanupAfterEach();

/**
 * Answers `unreadable` with an id-less error (as Chromium answers a request it cannot read), `nullid` with
 * an error whose id is null (JSON-RPC 2.0 §5), `silent` never, `Target.attachToTarget` with a session
 * and anything else with its own request (and its session, if it named one).
 */
async function startDialectServer(defer: Defer): Promise<{ url: string; received: unknown[] }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const received: unknown[] = [];
  wss.on('connection', (ws) =>
    ws.on('message', (data) => {
      const req = JSON.parse(String(data)) as { id: number; method: string; sessionId?: string };
      received.push(req);
      const error = { code: -32600, message: 'cannot read it' };
      if (req.method === 'unreadable') ws.send(JSON.stringify({ error }));
      else if (req.method === 'nullid') ws.send(JSON.stringify({ jsonrpc: '2.0', id: null, error }));
      else if (req.method === 'Target.attachToTarget')
        ws.send(JSON.stringify({ id: req.id, result: { sessionId: 'S1AAAAAAAAAA' } }));
      // Like Chromium, an answer to a command for a session names the session.
      else if (req.method !== 'silent')
        ws.send(
          JSON.stringify({ id: req.id, result: req, ...(req.sessionId ? { sessionId: req.sessionId } : {}) }),
        );
    }),
  );
  stopAfterTest(defer, wss);
  return { url: `ws://127.0.0.1:${(wss.address() as { port: number }).port}`, received };
}

describe('JSON-RPC dialects and error answers', () => {
  it('an error answer with no id, or a null id, is an error, not a notification', async () => {
    const { url } = await startDialectServer(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    proto.input('unreadable');
    proto.input('nullid');
    const [idless, nullId] = await messages(proto, 2);
    expect(idless).toMatchObject({ kind: 'error', isError: true, json: { error: { code: -32600 } } });
    expect(idless!.id).toBeUndefined();
    expect(nullId).toMatchObject({ kind: 'error', isError: true });
    expect(summarise(idless!)).toBe('error -32600: cannot read it');
  });

  it('cdp: commands carry no "jsonrpc"; @SESSION_ID and a bare @ (the latest attach) add a sessionId', async () => {
    const { url, received } = await startDialectServer(defer);
    const { proto } = openSession(defer, jsonRpcCodec(dialects.cdp), url);
    await readyReached(proto);
    expect(proto.codec.name).toBe('cdp');
    proto.input('Target.attachToTarget {"targetId":"T1","flatten":true}');
    await nextMessage(proto);
    proto.input('@ Runtime.evaluate {"expression":"1"}');
    proto.input('@OTHER {"method":"Page.enable"}');
    const [evaluated] = await messages(proto, 2);
    expect(received).toEqual([
      { method: 'Target.attachToTarget', params: { targetId: 'T1', flatten: true }, id: 1 },
      { method: 'Runtime.evaluate', params: { expression: '1' }, sessionId: 'S1AAAAAAAAAA', id: 2 },
      { method: 'Page.enable', sessionId: 'OTHER', id: 3 },
    ]);
    // The lens names the session a message belongs to by its first 8 characters.
    expect(summarise(evaluated!)).toMatch(/^#2 @S1AAAAAA \{/);
  });

  it('says "still unanswered" once when wsx closes the socket', async () => {
    const { url } = await startDialectServer(defer);
    const { conn, proto, notes } = openSession(defer, jsonRpcCodec(), url);
    await readyReached(proto);
    proto.input('silent');
    proto.input('add [1]');
    await nextMessage(proto);
    await conn.close();
    expect(notes).toEqual(['1 request(s) still unanswered when the socket closed']);
  });
});
