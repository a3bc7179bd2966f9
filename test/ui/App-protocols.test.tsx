// The TUI over a --proto codec, against the real protocol servers on loopback: decoded entries, acks with
// their round trip, JSON-RPC errors, graphql-ws results per operation, and a refusal that ends the session.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { stateReached } from '../helpers/connection.js';
import { stripAnsi, waitForOutput } from '../helpers/ink.js';
import { renderProtoApp } from '../helpers/app.js';
import type { Codec } from '../../src/protocols/codec.js';
import { socketIoCodec } from '../../src/protocols/socketio.js';
import { jsonRpcCodec } from '../../src/protocols/jsonrpc.js';
import { graphqlWsCodec } from '../../src/protocols/graphql-ws.js';
import { startGraphqlWs, startJsonRpc, startSocketIo } from '../protocols/servers.js';
import { startHandSocketIo } from '../protocols/scripted-servers.js';

const defer = cleanupAfterEach();

const mount = (codec: Codec, url: string, opts: { isLens?: boolean } = {}) =>
  renderProtoApp(defer, codec, url, opts.isLens ? { logLimits: { maxEntries: 100, maxBytes: 1 << 20 } } : {});

describe('App with --proto', () => {
  it("says that lines held for the protocol's opening were dropped when the connection ends for good", async () => {
    // The namespace CONNECT is never answered: what is typed waits in the codec, not in the queue.
    const server = await startHandSocketIo(defer, { onConnect: () => {} });
    const { conn, instance } = mount(socketIoCodec(), server.url);
    await stateReached(conn, 'open');
    instance.stdin.write('["echo","held"]\r');
    await waitForOutput(instance, '["echo","held"]');
    await conn.close();
    const frame = await waitForOutput(instance, '1 line held for the protocol');
    expect(stripAnsi(frame)).toMatch(/1 line held for the protocol's opening was dropped: never sent/);
  });

  it('Socket.IO: shows events as entries, emits typed arrays, and shows an ack with its round trip', async () => {
    const { url } = await startSocketIo(defer);
    const { instance } = mount(socketIoCodec(), url);
    await waitForOutput(instance, 'Socket.IO namespace / connected (sid ');
    await waitForOutput(instance, '⇠ welcome "hello from /" {"n":1}');
    instance.stdin.write('["echo","hi"]\r');
    const echoed = await waitForOutput(instance, '⇠ echo "hi"');
    expect(echoed).toContain('→ ["echo","hi"]');
    // The Engine.IO and Socket.IO frames themselves (40, 42[…]) are not entries.
    expect(echoed).not.toMatch(/[←→] 4\d/);
    instance.stdin.write('ack ["add",2,3]\r');
    const acked = await waitForOutput(instance, '⇠ ack #0 (add) 5');
    expect(acked).toMatch(/⇠ ack #0 \(add\) 5 {2}\d+ ms/);
  });

  it('Socket.IO in the lens: the json filter matches decoded events, not "0 matching"', async () => {
    const { url } = await startSocketIo(defer);
    const { instance } = mount(socketIoCodec(), url, { isLens: true });
    await waitForOutput(instance, '⇠ welcome "hello from /"');
    instance.stdin.write('["echo","hi"]\r');
    await waitForOutput(instance, '⇠ echo "hi"');
    instance.stdin.write('\t/json [0] == "echo"');
    // What was typed and the decoded echo; the welcome event is left out.
    await waitForOutput(instance, '2 matching');
    const frame = stripAnsi(instance.lastFrame() ?? '');
    expect(frame).toContain('⇠ echo "hi"');
    expect(frame).not.toContain('welcome');
  });

  it('Socket.IO: a line that is not an event array is not sent and says why', async () => {
    const { url } = await startSocketIo(defer);
    const { instance, conn } = mount(socketIoCodec(), url);
    await waitForOutput(instance, 'Socket.IO namespace / connected');
    const sentBefore = conn.snapshot().counters.sent;
    instance.stdin.write('hello\r');
    await waitForOutput(instance, 'not sent: a Socket.IO line is a JSON array');
    expect(conn.snapshot().counters.sent).toBe(sentBefore);
  });

  it('Socket.IO: a refused namespace ends the session with the server message as the failure', async () => {
    const { url } = await startSocketIo(defer);
    const { conn, proto, instance } = mount(socketIoCodec({ namespace: '/secure' }), url);
    await stateReached(conn, 'closed');
    expect(proto.failure?.kind).toBe('refused');
    expect(proto.failure?.message).toContain('not authorized');
    await waitForOutput(instance, 'refused namespace /secure: not authorized');
  });

  it('JSON-RPC: responses show with their round trip, errors as errors, in the full-screen lens too', async () => {
    const { url } = await startJsonRpc(defer);
    const { conn, instance } = mount(jsonRpcCodec(), url, { isLens: true });
    await stateReached(conn, 'open');
    instance.stdin.write('add [2,3]\r');
    const out = await waitForOutput(instance, '⇠ #1 5');
    expect(out).toMatch(/⇠ #1 5 {2}\d+ ms/);
    instance.stdin.write('fail\r');
    await waitForOutput(instance, '⇠ #2 error -32000: it failed {"why":"asked to"}');
  });

  it('JSON-RPC in the lens: Ctrl+O shows each decoded message under its summary as pretty JSON', async () => {
    const { url } = await startJsonRpc(defer);
    const { conn, instance } = mount(jsonRpcCodec(), url, { isLens: true });
    await stateReached(conn, 'open');
    instance.stdin.write('add [2,3]\r');
    await waitForOutput(instance, '⇠ #1 5');
    instance.stdin.write('\x0f');
    await waitForOutput(instance, 'pretty JSON on');
    const deadline = Date.now() + 3000;
    let frame = '';
    while (!/⇠ #1 5.*\n +\{\n +"jsonrpc": "2\.0",/.test(frame) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      frame = stripAnsi(instance.lastFrame() ?? '');
    }
    expect(frame).toMatch(/⇠ #1 5.*\n +\{\n +"jsonrpc": "2\.0",/);
    expect(frame).toMatch(/^ +"result": 5,?$/m);
  });

  it('graphql-ws: a server that refuses connection_init (4403) ends the session as an auth failure', async () => {
    const { url } = await startGraphqlWs(defer, { needsToken: true });
    const { conn, proto, instance } = mount(graphqlWsCodec({ init: { token: 'wrong' } }), url);
    await stateReached(conn, 'closed');
    expect(proto.failure?.message).toBe('the GraphQL server refused the connection: 4403 Forbidden');
    await waitForOutput(instance, 'refused the connection: 4403 Forbidden');
  });

  it('graphql-ws: each next payload shows under its operation, then its completion', async () => {
    const { url } = await startGraphqlWs(defer);
    const { instance } = mount(graphqlWsCodec(), url);
    await waitForOutput(instance, 'graphql-ws connected');
    instance.stdin.write('subscription { count(to: 3) }\r');
    const out = await waitForOutput(instance, '⇠ #1 complete');
    for (const n of [1, 2, 3]) expect(out).toContain(`⇠ #1 {"data":{"count":${n}}}`);
  });
});
