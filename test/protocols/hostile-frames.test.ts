// Servers that send the codecs what no library would: malformed packets, a second acknowledgement, timer
// values past what Node can arm, half a binary packet, JSON nested thousands deep.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { stateReached } from '../helpers/connection.js';
import type { Codec } from '../../src/protocols/codec.js';
import { graphqlWsCodec } from '../../src/protocols/graphql-ws.js';
import { jsonRpcCodec } from '../../src/protocols/jsonrpc.js';
import { socketIoCodec } from '../../src/protocols/socketio.js';
import { failureReached, messages, nextMessage, openSession, readyReached } from './helpers.js';
import { startHandGraphqlWs, startHandSocketIo, startTextServer } from './scripted-servers.js';

const defer = cleanupAfterEach();

const deep = (n: number) => `${'['.repeat(n)}1.10${']'.repeat(n)}`;

describe('graphql-ws against a hostile server', () => {
  it('ignores a repeated connection_ack instead of subscribing every operation again, noting it for -v', async () => {
    const server = await startHandGraphqlWs(defer, {
      onSubscribe: (ws, id) => {
        ws.send(`{"id":"${id}","type":"next","payload":{"data":1}}`);
        ws.send('{"type":"connection_ack"}');
        // Answered only after the client read the second ack.
        ws.send('{"type":"ping"}');
      },
    });
    const { proto } = openSession(defer, graphqlWsCodec(), server.url);
    const details: string[] = [];
    proto.on('detail', (d) => details.push(d));
    proto.input('subscription { count }');
    await nextMessage(proto, (m) => m.kind === 'next');
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error(`received: ${server.received.join(' | ')}`)), 2000);
      server.wss.clients.forEach((ws) =>
        ws.on('message', (d) => {
          if (String(d) !== '{"type":"pong"}') return;
          clearTimeout(deadline);
          resolve();
        }),
      );
    });
    expect(server.received.filter((f) => f.includes('"subscribe"'))).toHaveLength(1);
    expect(details).toEqual(['ignored a repeated graphql-ws connection_ack']);
  });

  it('shows a null frame and a next without payload as they came, with a note, and keeps going', async () => {
    const server = await startHandGraphqlWs(defer, {
      onSubscribe: (ws, id) => {
        ws.send('null');
        ws.send(`{"id":"${id}","type":"next"}`);
        ws.send(`{"id":"${id}","type":"next","payload":${deep(5000)}}`);
      },
    });
    const { proto, notes } = openSession(defer, graphqlWsCodec(), server.url);
    proto.input('{ hello }');
    const got = await messages(proto, 3);
    expect(got.map((m) => [m.kind, m.text])).toEqual([
      ['invalid', 'null'],
      ['invalid', '{"id":"1","type":"next"}'],
      ['next', deep(5000)],
    ]);
    expect(notes).toEqual([
      'unreadable graphql-ws message: not a JSON object',
      'unreadable graphql-ws message: "next" without a payload',
    ]);
  });
});

describe('socketio against a hostile server', () => {
  for (const open of [
    '0{bad json',
    '0null',
    '0{"sid":"x","pingTimeout":20000}',
    '0{"sid":"x","pingInterval":"25000","pingTimeout":20000}',
  ]) {
    it(`fails the opening on the open packet ${open}: not a Socket.IO server?`, async () => {
      const server = await startHandSocketIo(defer, { open });
      const { proto, conn } = openSession(defer, socketIoCodec(), server.url);
      const closed = stateReached(conn, 'closed');
      const err = await failureReached(proto);
      expect(err.kind).toBe('protocol');
      expect(err.describe()).toMatch(
        /^the server's Engine\.IO opening is not valid: its open packet .* \(not a Socket\.IO server\? check the URL and --path\)$/,
      );
      await closed;
    });
  }

  it('clamps timer values past what Node can arm instead of reconnecting every millisecond', async () => {
    const server = await startHandSocketIo(defer, {
      open: '0{"sid":"x","upgrades":[],"pingInterval":1e12,"pingTimeout":1e12,"maxPayload":1000000}',
      onEvent: (ws, packet) => ws.send(`4${packet}`),
    });
    const { proto, conn } = openSession(defer, socketIoCodec(), server.url, { reconnect: { enabled: true } });
    await readyReached(proto);
    // Three round trips to the server and back: far longer than the 1 ms an overflowing timer waits.
    for (const n of [1, 2, 3]) {
      proto.input(`["n",${n}]`);
      await nextMessage(proto, (m) => m.text === `["n",${n}]`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(server.connections()).toBe(1);
    expect(conn.currentState).toBe('open');
  });

  it('a dead server (no pings) is retried through the backoff and --max-retries, not at once forever', async () => {
    const server = await startHandSocketIo(defer, {
      open: '0{"sid":"x","upgrades":[],"pingInterval":30,"pingTimeout":30,"maxPayload":1000000}',
    });
    const { conn } = openSession(defer, socketIoCodec(), server.url, {
      reconnect: { enabled: true, maxRetries: 2 },
      backoff: { baseMs: 20, capMs: 40, floorMs: 10 },
    });
    const closed = await stateReached(conn, 'closed', 3000);
    expect(closed.reason).toBe('no Socket.IO ping for 60 ms: the server looks dead; gave up after 2 retries');
    expect(server.connections()).toBe(3);
  });

  it('without --reconnect a dead server ends the run as a heartbeat timeout', async () => {
    const server = await startHandSocketIo(defer, {
      open: '0{"sid":"x","upgrades":[],"pingInterval":30,"pingTimeout":30,"maxPayload":1000000}',
    });
    const { conn } = openSession(defer, socketIoCodec(), server.url);
    const closed = await stateReached(conn, 'closed', 3000);
    expect(closed.error?.kind).toBe('heartbeat-timeout');
    expect(server.connections()).toBe(1);
  });

  it('shows malformed packets as they came with a note, and the events after them', async () => {
    const server = await startHandSocketIo(defer, {
      onConnect: (ws) => {
        ws.send('40{"sid":"n1"}');
        for (const bad of ['42{bad json', '42null', '49', '43']) ws.send(bad);
        ws.send(`42["deep",${deep(5000)}]`);
      },
    });
    const { proto, notes } = openSession(defer, socketIoCodec(), server.url);
    const got = await messages(proto, 5);
    expect(got.map((m) => [m.kind, m.text])).toEqual([
      ['invalid', '42{bad json'],
      ['invalid', '42null'],
      ['invalid', '49'],
      ['invalid', '43'],
      ['event', `["deep",${deep(5000)}]`],
    ]);
    expect(notes).toEqual([
      'unreadable Socket.IO packet: its payload is not JSON',
      'unreadable Socket.IO packet: its payload does not fit its type',
      'unreadable Socket.IO packet: unknown packet type "9"',
      'unreadable Socket.IO packet: its payload does not fit its type',
    ]);
  });

  it('reports a binary packet cut short once and decodes the events after it', async () => {
    const server = await startHandSocketIo(defer, {
      onConnect: (ws) => {
        ws.send('40{"sid":"n1"}');
        // Two attachments announced, one sent, then a plain event.
        ws.send('452-["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]');
        ws.send(Buffer.from([1]));
        ws.send('42["after",1]');
        // A placeholder naming an attachment that does not exist, then another plain event.
        ws.send('451-["file",{"_placeholder":true,"num":7}]');
        ws.send(Buffer.from([2]));
        ws.send('42["after",2]');
        ws.send('451-["file",{"_placeholder":true,"num":0}]');
        ws.send(Buffer.from([3]));
      },
    });
    const { proto, notes } = openSession(defer, socketIoCodec(), server.url);
    const got = await messages(proto, 5);
    expect(got.map((m) => [m.kind, m.text])).toEqual([
      ['invalid', '452-["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}]'],
      ['event', '["after",1]'],
      ['invalid', '451-["file",{"_placeholder":true,"num":7}]'],
      ['event', '["after",2]'],
      ['event', '["file",{"$binary":"Aw=="}]'],
    ]);
    expect(notes).toEqual([
      'unreadable Socket.IO packet: a binary packet got 1 of its 2 attachment(s) before the next packet',
      'unreadable Socket.IO packet: attachment placeholder {"_placeholder":true,"num":7} names no attachment',
    ]);
  });
});

describe('a codec that throws', () => {
  it('ends the run with one failure naming the codec, not an exception from an event handler', async () => {
    const server = await startTextServer(defer, { onOpen: (ws) => ws.send('boom') });
    const broken: Codec = {
      ...jsonRpcCodec(),
      received: () => {
        throw new TypeError("Cannot read properties of null (reading 'id')");
      },
    };
    const { proto, conn } = openSession(defer, broken, server.url);
    const closed = stateReached(conn, 'closed');
    const err = await failureReached(proto);
    expect(err.describe()).toBe(
      "the jsonrpc codec failed on a message from the server: Cannot read properties of null (reading 'id') (a bug in wsx; run with --verbose for the stack trace)",
    );
    await closed;
  });
});

describe('jsonrpc against a hostile server', () => {
  it('prints a batch answer nested 5,000 deep as received', async () => {
    const server = await startTextServer(defer, {
      onFrame: (ws) => ws.send(`[{"jsonrpc":"2.0","id":1,"result":${deep(5000)}}]`),
    });
    const { proto } = openSession(defer, jsonRpcCodec(), server.url);
    proto.input('x');
    expect((await nextMessage(proto)).text).toBe(`{"jsonrpc":"2.0","id":1,"result":${deep(5000)}}`);
  });
});

describe('a codec that throws on input', () => {
  it('ends the run with one failure; a line the protocol refuses is still only skipped', async () => {
    const server = await startTextServer(defer, {});
    const codec = jsonRpcCodec();
    const broken: Codec = {
      ...codec,
      input: (line, ctx) => {
        if (line === 'bug') throw new RangeError('Maximum call stack size exceeded');
        codec.input(line, ctx);
      },
    };
    const { proto } = openSession(defer, broken, server.url);
    expect(() => proto.input('{"no method":1}')).toThrow(/"method"/);
    const failed = failureReached(proto);
    expect(() => proto.input('bug')).not.toThrow();
    expect((await failed).message).toBe(
      'the jsonrpc codec failed on an input line: Maximum call stack size exceeded',
    );
  });
});
