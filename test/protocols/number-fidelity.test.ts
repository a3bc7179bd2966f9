// What the user typed goes out byte for byte, members wsx adds spliced in; what the server sent is printed
// as it came. Numbers a double cannot hold (ids past 2^53, 12345678901234567890) and 1.10 stay as written.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { graphqlWsCodec } from '../../src/protocols/graphql-ws.js';
import { jsonRpcCodec } from '../../src/protocols/jsonrpc.js';
import { socketIoCodec } from '../../src/protocols/socketio.js';
import { messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startHandGraphqlWs, startHandSocketIo, startTextServer } from './scripted-servers.js';

const defer = cleanupAfterEach();

const big = '9007199254740993';

describe('jsonrpc numbers', () => {
  it('sends a request as typed, with jsonrpc and id spliced in, and prints the answer as received', async () => {
    const server = await startTextServer(defer, {
      onFrame: (ws, text) => {
        const id = /"id":(\d+)/.exec(text)![1]!;
        ws.send(`{"jsonrpc":"2.0","id":${id},"result":[12345678901234567890,1.10]}`);
      },
    });
    const { proto } = openSession(defer, jsonRpcCodec(), server.url);
    await readyReached(proto);
    proto.input(`{"jsonrpc":"2.0","id":${big},"method":"echo","params":[1.10]}`);
    const first = await nextMessage(proto);
    expect(first.text).toBe(`{"jsonrpc":"2.0","id":${big},"result":[12345678901234567890,1.10]}`);
    expect(first.rttMs).toBeGreaterThanOrEqual(0);
    proto.input('{ "method" : "echo", "params" : [12345678901234567890] }');
    proto.input('echo [1.10, 12345678901234567890]');
    await messages(proto, 2);
    expect(server.received).toEqual([
      `{"jsonrpc":"2.0","id":${big},"method":"echo","params":[1.10]}`,
      '{"jsonrpc":"2.0", "method" : "echo", "params" : [12345678901234567890] ,"id":1}',
      '{"jsonrpc":"2.0","method":"echo","params":[1.10, 12345678901234567890],"id":2}',
    ]);
  });

  it('prints each answer of a batch as the server wrote it, matched to its request', async () => {
    const server = await startTextServer(defer, {
      onFrame: (ws) =>
        ws.send(
          `[{"jsonrpc":"2.0","id":${big},"result":1.10}, {"jsonrpc":"2.0","id":1,"result":{"n":12345678901234567890}}]`,
        ),
    });
    const { proto } = openSession(defer, jsonRpcCodec(), server.url);
    proto.input(`[{"id":${big},"method":"a"},{"method":"b"}]`);
    const got = await messages(proto, 2);
    expect(server.received).toEqual([
      `[{"jsonrpc":"2.0","id":${big},"method":"a"},{"jsonrpc":"2.0","method":"b","id":1}]`,
    ]);
    expect(got.map((m) => m.text)).toEqual([
      `{"jsonrpc":"2.0","id":${big},"result":1.10}`,
      '{"jsonrpc":"2.0","id":1,"result":{"n":12345678901234567890}}',
    ]);
    expect(got.map((m) => m.kind)).toEqual(['response', 'response']);
    expect(got.every((m) => m.rttMs !== undefined)).toBe(true);
    // An id past 2^53 cannot be a JS number without changing: it is given as the text the server sent.
    expect(got.map((m) => m.id)).toEqual([big, 1]);
  });
});

describe('socketio numbers', () => {
  it('emits the typed array as it is and prints events and ack answers as received', async () => {
    const server = await startHandSocketIo(defer, {
      onEvent: (ws, packet) => {
        const ack = /^2(\d+)\[/.exec(packet);
        if (ack) ws.send(`43${ack[1]}[${big},1.10]`);
        else ws.send(`4${packet}`);
      },
    });
    const { proto } = openSession(defer, socketIoCodec(), server.url);
    await readyReached(proto);
    proto.input(`["echo", ${big}, {"price":1.10}]`);
    const echo = await nextMessage(proto, (m) => m.kind === 'event');
    expect(echo.text).toBe(`["echo", ${big}, {"price":1.10}]`);
    proto.input('ack ["add",12345678901234567890]');
    const ack = await nextMessage(proto, (m) => m.kind === 'ack');
    expect(ack.text).toBe(`{"ack":0,"event":"add","args":[${big},1.10]}`);
    expect(server.received.slice(1)).toEqual([
      `42["echo", ${big}, {"price":1.10}]`,
      '420["add",12345678901234567890]',
    ]);
  });
});

describe('graphql-ws numbers', () => {
  it('sends a JSON operation as typed inside subscribe and prints next payloads as received', async () => {
    const server = await startHandGraphqlWs(defer, {
      onSubscribe: (ws, id) => {
        ws.send(`{"id":"${id}","type":"next","payload":{"data":{"n":${big},"p":1.10}}}`);
        ws.send(`{"id":"${id}","type":"complete"}`);
      },
    });
    const { proto } = openSession(defer, graphqlWsCodec(), server.url);
    proto.input(`{"query":"query($n: ID) { n(id: $n) }", "variables": {"n": ${big}}}`);
    const next = await nextMessage(proto, (m) => m.kind === 'next');
    expect(next.text).toBe(`{"data":{"n":${big},"p":1.10}}`);
    expect(server.received[1]).toBe(
      `{"id":"1","type":"subscribe","payload":{"query":"query($n: ID) { n(id: $n) }", "variables": {"n": ${big}}}}`,
    );
  });
});
