// graphql-ws codec against the real graphql-ws server (graphql 16 schema) on loopback.

import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { describe, expect, it } from 'vitest';
import { reconnectFast, stateReached } from '../helpers/connection.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { graphqlWsCodec } from '../../src/protocols/graphql-ws.js';
import { failureReached, messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startGraphqlWs, subscriptionsStopped } from './servers.js';

const defer = cleanupAfterEach();

describe('graphql-ws codec', () => {
  it('sends connection_init with the --init payload and answers a query with its next, then complete', async () => {
    const { url, inits } = await startGraphqlWs(defer);
    const { proto, conn } = openSession(defer, graphqlWsCodec({ init: { token: 't' } }), url);
    proto.input('{ hello }');
    const [next, complete] = await messages(proto, 2);
    expect(conn.snapshot().protocol).toBe('graphql-transport-ws');
    expect(inits).toEqual([{ token: 't' }]);
    expect(next).toMatchObject({ kind: 'next', id: '1', text: '{"data":{"hello":"hello world"}}' });
    expect(next!.rttMs).toBeGreaterThanOrEqual(0);
    expect(complete).toMatchObject({ kind: 'complete', id: '1' });
  });

  it('reads a JSON operation with variables and operationName', async () => {
    const { url } = await startGraphqlWs(defer);
    const { proto } = openSession(defer, graphqlWsCodec(), url);
    await readyReached(proto);
    proto.input(
      '{"query":"query Q($n: String) { hello(name: $n) }","variables":{"n":"wsx"},"operationName":"Q"}',
    );
    expect((await nextMessage(proto)).json).toEqual({ data: { hello: 'hello wsx' } });
  });

  it('a subscription yields three values and completes, each operation under its own id', async () => {
    const { url } = await startGraphqlWs(defer);
    const { proto } = openSession(defer, graphqlWsCodec(), url);
    proto.input('subscription { count }');
    proto.input('subscription { count(to: 2) }');
    const got = await messages(proto, 7);
    const of = (id: string) =>
      got.filter((m) => m.id === id).map((m) => (m.kind === 'next' ? m.text : m.kind));
    expect(of('1')).toEqual([
      '{"data":{"count":1}}',
      '{"data":{"count":2}}',
      '{"data":{"count":3}}',
      'complete',
    ]);
    expect(of('2')).toEqual(['{"data":{"count":1}}', '{"data":{"count":2}}', 'complete']);
  });

  it('shows a validation error as an error of that operation', async () => {
    const { url } = await startGraphqlWs(defer);
    const { proto } = openSession(defer, graphqlWsCodec(), url);
    proto.input('{ nope }');
    const err = await nextMessage(proto);
    expect(err).toMatchObject({ kind: 'error', id: '1', isError: true });
    expect(err.text).toMatch(/^\{"errors":\[\{"message":"Cannot query field \\"nope\\" on type \\"Query\\"/);
  });

  it('stops a subscription with `complete ID`', async () => {
    const { url } = await startGraphqlWs(defer);
    const { proto } = openSession(defer, graphqlWsCodec(), url);
    proto.input('subscription { count(to: 1000, delayMs: 20) }');
    await nextMessage(proto, (m) => m.kind === 'next');
    const stopped = once(subscriptionsStopped, 'stopped');
    proto.input('complete 1');
    const [atCount] = (await stopped) as [number];
    expect(atCount).toBeLessThan(1000);
    expect(() => proto.input('complete 1')).toThrow(/no active operation/);
  });

  it('an onConnect that refuses (4403) is an auth failure and the connection closes', async () => {
    const { url } = await startGraphqlWs(defer, { needsToken: true });
    const { proto, conn } = openSession(
      defer,
      graphqlWsCodec({ init: { token: 'bad' } }),
      url,
      reconnectFast,
    );
    const closed = stateReached(conn, 'closed');
    const err = await failureReached(proto);
    expect(err.kind).toBe('refused');
    expect(err.message).toBe('the GraphQL server refused the connection: 4403 Forbidden');
    await closed;
    expect(conn.snapshot().attempt).toBe(1);
  });

  it('subscribes again to active operations after a reconnect, with a fresh connection_init', async () => {
    const { url, wss, inits } = await startGraphqlWs(defer);
    const { proto } = openSession(defer, graphqlWsCodec({ init: { n: 1 } }), url, reconnectFast);
    proto.input('subscription { count(to: 1000, delayMs: 30) }');
    await nextMessage(proto, (m) => m.kind === 'next');
    for (const ws of wss.clients) ws.terminate();
    const again = await readyReached(proto, 3000);
    expect(again).toEqual({
      detail: 'graphql-ws connected; subscribing again to 1 operation(s)',
      isReconnect: true,
    });
    const next = await nextMessage(proto, (m) => m.kind === 'next');
    expect(next).toMatchObject({ id: '1', text: '{"data":{"count":1}}' });
    expect(inits).toEqual([{ n: 1 }, { n: 1 }]);
  });

  it('answers the server ping, and its own keepalive ping is answered', async () => {
    const { url, wss } = await startGraphqlWs(defer);
    const { proto, conn } = openSession(defer, graphqlWsCodec({ keepaliveMs: 30 }), url);
    await readyReached(proto);
    const client = [...wss.clients][0]!;
    const pong = new Promise<string>((resolve) => client.on('message', (d) => resolve(String(d))));
    client.send('{"type":"ping"}');
    expect(await pong).toBe('{"type":"pong"}');
    const sent: string[] = [];
    conn.on('sent', (m) => sent.push(String(m.data)));
    // Three rounds of ping, pong, ping: each ping after the first needs the pong before it.
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`pings sent: ${sent.join(' ')}`)), 2000);
      conn.on('sent', () => {
        if (sent.filter((s) => s === '{"type":"ping"}').length < 3) return;
        clearTimeout(deadline);
        resolve();
      });
    });
    expect(conn.snapshot().counters.reconnects).toBe(0);
  });

  it('says clearly when the server speaks only the old subscriptions-transport-ws protocol', async () => {
    // What an Apollo subscriptions-transport-ws server does: it accepts only the subprotocol "graphql-ws".
    const wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      handleProtocols: (offered: Set<string>) => (offered.has('graphql-ws') ? 'graphql-ws' : false),
    });
    await once(wss, 'listening');
    defer(() => new Promise<void>((resolve) => wss.close(() => resolve())));
    const received: string[] = [];
    wss.on('connection', (ws) => ws.on('message', (d) => received.push(String(d))));
    const { proto, conn } = openSession(
      defer,
      graphqlWsCodec(),
      `ws://127.0.0.1:${(wss.address() as { port: number }).port}`,
    );
    const closed = stateReached(conn, 'closed');
    const err = await failureReached(proto);
    expect(err.message).toBe(
      'the server speaks only the old subscriptions-transport-ws protocol (subprotocol "graphql-ws"), which wsx does not support',
    );
    await closed;
    expect(received).toEqual([]);
  });
});
