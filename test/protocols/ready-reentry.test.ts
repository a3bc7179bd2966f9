// A line sent from inside a `ready` listener (wsx run's send step right after connect does that): the
// codec must not send it twice or out of order with what it was holding from before the opening.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { graphqlWsCodec } from '../../src/protocols/graphql-ws.js';
import { socketIoCodec } from '../../src/protocols/socketio.js';
import { messages, openSession } from './helpers.js';
import { startGraphqlWs, startSocketIo } from './servers.js';

const defer = cleanupAfterEach();

describe('input from a ready listener', () => {
  it('graphql-ws: an operation subscribed from `ready` is sent once (no 4409 "Subscriber already exists")', async () => {
    const { url } = await startGraphqlWs(defer);
    const { proto, conn } = openSession(defer, graphqlWsCodec(), url, { reconnect: { enabled: false } });
    const closes: number[] = [];
    conn.on('state', (c) => c.closeCode !== undefined && closes.push(c.closeCode));
    proto.once('ready', () => proto.input('subscription { count(to: 2) }'));
    const got = await messages(proto, 3);
    expect(got.map((m) => `${m.kind} ${m.id} ${m.text}`)).toEqual([
      'next 1 {"data":{"count":1}}',
      'next 1 {"data":{"count":2}}',
      'complete 1 ',
    ]);
    expect(closes).toEqual([]);
  });

  it('Socket.IO: an emit from `ready` goes after the emits held from before the CONNECT answer', async () => {
    const { url } = await startSocketIo(defer);
    const { proto } = openSession(defer, socketIoCodec(), url);
    proto.input('["echo","first"]');
    proto.once('ready', () => proto.input('["echo","second"]'));
    const echoes = await messages(proto, 2, (m) => m.text.startsWith('["echo"'));
    expect(echoes.map((m) => m.text)).toEqual(['["echo","first"]', '["echo","second"]']);
  });
});
