// JSON-RPC codec against a JSON-RPC 2.0 server written here over ws: ids, errors, notifications, batches.

import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { jsonRpcCodec } from '../../src/protocols/jsonrpc.js';
import { messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startJsonRpc } from './servers.js';

const defer = cleanupAfterEach();

describe('jsonrpc codec', () => {
  it('adds jsonrpc and an id to a request object and matches the response with a round-trip time', async () => {
    const { url, received } = await startJsonRpc(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    await readyReached(proto);
    proto.input('{"method":"add","params":[1,2]}');
    const res = await nextMessage(proto);
    expect(received[0]).toEqual({ jsonrpc: '2.0', method: 'add', params: [1, 2], id: 1 });
    expect(res).toMatchObject({ kind: 'response', id: 1, text: '{"jsonrpc":"2.0","id":1,"result":3}' });
    expect(res.rttMs).toBeGreaterThanOrEqual(0);
    expect(res.json).toEqual({ jsonrpc: '2.0', id: 1, result: 3 });
  });

  it('reads the shorthand `method [JSON params]` and keeps ids the user chose', async () => {
    const { url, received } = await startJsonRpc(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    proto.input('{"jsonrpc":"2.0","id":"mine","method":"add","params":[5,5]}');
    proto.input('add [2,2]');
    proto.input('nothing');
    const got = await messages(proto, 3);
    expect(received).toEqual([
      { jsonrpc: '2.0', id: 'mine', method: 'add', params: [5, 5] },
      { jsonrpc: '2.0', method: 'add', params: [2, 2], id: 1 },
      { jsonrpc: '2.0', method: 'nothing', id: 2 },
    ]);
    expect(got.map((m) => [m.id, m.kind])).toEqual([
      ['mine', 'response'],
      [1, 'response'],
      [2, 'error'],
    ]);
    expect(got.every((m) => m.rttMs !== undefined)).toBe(true);
  });

  it('shows an error response as an error with its code and message', async () => {
    const { url } = await startJsonRpc(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    proto.input('fail');
    const res = await nextMessage(proto);
    expect(res.kind).toBe('error');
    expect(res.isError).toBe(true);
    expect(res.json).toMatchObject({ error: { code: -32000, message: 'it failed' } });
  });

  it('matches responses that arrive out of order to their own requests', async () => {
    const { url } = await startJsonRpc(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    proto.input('slow [300]');
    proto.input('add [1,1]');
    const [first, second] = await messages(proto, 2);
    expect(first).toMatchObject({ id: 2, json: { result: 2 } });
    expect(second).toMatchObject({ id: 1, json: { result: 'slow done' } });
    expect(second!.rttMs!).toBeGreaterThanOrEqual(290);
    expect(first!.rttMs!).toBeLessThan(second!.rttMs!);
  });

  it('prints notifications (eth_subscription) as they come', async () => {
    const { url } = await startJsonRpc(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    proto.input('subscribe ["newHeads"]');
    const got = await messages(proto, 3);
    expect(got.map((m) => m.kind)).toEqual(['response', 'notification', 'notification']);
    expect(got[2]!.json).toMatchObject({ method: 'eth_subscription', params: { result: 2 } });
    expect(got[2]!.rttMs).toBeUndefined();
  });

  it('sends a batch with an id for each request and splits the batch answer into one message each', async () => {
    const { url, received } = await startJsonRpc(defer);
    const { proto } = openSession(defer, jsonRpcCodec(), url);
    proto.input('[{"method":"add","params":[1,2]},{"method":"fail"},{"id":9,"method":"add","params":[0,0]}]');
    const got = await messages(proto, 3);
    expect((received[0] as { id: unknown }[]).map((r) => r.id)).toEqual([1, 2, 9]);
    expect(got.map((m) => [m.id, m.kind, m.text])).toEqual([
      [1, 'response', '{"jsonrpc":"2.0","id":1,"result":3}'],
      [
        2,
        'error',
        '{"jsonrpc":"2.0","id":2,"error":{"code":-32000,"message":"it failed","data":{"why":"asked to"}}}',
      ],
      [9, 'response', '{"jsonrpc":"2.0","id":9,"result":0}'],
    ]);
  });

  it('starts the round trip when the socket takes the request, not while it waits for the socket to open', async () => {
    // The upgrade is held for 300 ms; the request typed meanwhile must not count that wait as its round trip.
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: (_info, done) => void setTimeout(() => done(true), 300),
    });
    await once(wss, 'listening');
    defer(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    wss.on('connection', (ws) =>
      ws.on('message', (d) => {
        const req = JSON.parse(String(d)) as { id: number };
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: req.id, result: 'ok' }));
      }),
    );
    const { proto } = openSession(
      defer,
      jsonRpcCodec(),
      `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    );
    proto.input('ping');
    const res = await nextMessage(proto);
    expect(res.json).toEqual({ jsonrpc: '2.0', id: 1, result: 'ok' });
    expect(res.rttMs).toBeLessThan(250);
  });

  it('refuses lines that are not requests', () => {
    const { proto } = openSession(defer, jsonRpcCodec(), 'ws://127.0.0.1:9');
    expect(() => proto.input('{"params":[]}')).toThrow(/"method"/);
    expect(() => proto.input('add 5')).toThrow(/array or an object/);
    expect(() => proto.input('{not json')).toThrow(/not valid JSON/);
    expect(() => proto.input('[]')).toThrow(/empty batch/);
  });
});
