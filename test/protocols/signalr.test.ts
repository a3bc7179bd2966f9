// SignalR: the test hub proved against the official @microsoft/signalr client, then the codec against it.

import { HttpTransportType, HubConnectionBuilder, LogLevel } from '@microsoft/signalr';
import { describe, expect, it } from 'vitest';
import { loadSentFrameReader } from '../../src/protocols/sent-frames.js';
import { parseArguments } from '../../src/protocols/json-values.js';
import { signalrCodec, splitRecords } from '../../src/protocols/signalr.js';
import { reconnectFast, waitingReasons } from '../helpers/connection.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import { listenOnLoopback, until } from '../helpers/servers.js';
import { messages as collect, nextMessage, openSession } from './helpers.js';
import { redirectToken, startSignalr } from './signalr-server.js';

const defer = cleanupAfterEach();

describe('the SignalR test hub, driven by the official @microsoft/signalr client', () => {
  it('handshakes, invokes with results and errors, receives a broadcast, streams, survives pings', async () => {
    const server = await startSignalr(defer, { pingMs: 50 });
    const hub = new HubConnectionBuilder()
      .withUrl(server.url.replace('ws:', 'http:'), {
        skipNegotiation: true,
        transport: HttpTransportType.WebSockets,
      })
      .configureLogging(LogLevel.None)
      .build();
    defer(() => hub.stop());
    const received: unknown[][] = [];
    hub.on('ReceiveMessage', (...args: unknown[]) => received.push(args));
    await hub.start();
    expect(await hub.invoke('Add', 2, 3)).toBe(5);
    await expect(hub.invoke('Fail')).rejects.toThrow(/HubException: it failed/);
    await hub.send('Send', 'ana', 'hi');
    await until(
      () => received.length === 1,
      1000,
      () => 'no ReceiveMessage',
    );
    expect(received).toEqual([['ana', 'hi']]);
    const items = await new Promise<unknown[]>((resolve, reject) => {
      const got: unknown[] = [];
      hub.stream('Counter', 3).subscribe({
        next: (i) => got.push(i),
        complete: () => resolve(got),
        error: reject,
      });
    });
    expect(items).toEqual([0, 1, 2]);
    // Pings from the server are taken silently, the client sends its own keep-alive records.
    expect(await hub.invoke('Echo', { x: [1] })).toEqual({ x: [1] });
    expect(server.frames[0]).toBe('{"protocol":"json","version":1}\x1e');
    const closed = new Promise<Error | undefined>((resolve) => hub.onclose(resolve));
    await hub.send('Kick');
    expect((await closed)?.message).toMatch(/kicked/);
  });
});

describe('the SignalR test hub negotiates as the official client expects', () => {
  const officialHub = (url: string) =>
    new HubConnectionBuilder()
      .withUrl(url.replace('ws:', 'http:'), { transport: HttpTransportType.WebSockets })
      .configureLogging(LogLevel.None)
      .build();

  it('negotiates (version 1), then opens the WebSocket with id=connectionToken; the token is good once', async () => {
    const server = await startSignalr(defer, { negotiate: 'required' });
    const hub = officialHub(server.url);
    defer(() => hub.stop());
    await hub.start();
    expect(await hub.invoke('Add', 2, 3)).toBe(5);
    expect(server.negotiations.map((n) => n.url)).toEqual(['/chat/negotiate?negotiateVersion=1']);
    expect(server.upgrades.map((u) => u.url)).toEqual(['/chat?id=token-1']);
    expect(hub.connectionId).toBe('conn-1');
  });

  it('follows a negotiate redirect and sends its access token as a bearer token on negotiate and upgrade', async () => {
    const server = await startSignalr(defer, { negotiate: 'required' });
    const hub = officialHub(server.url.replace('/chat', '/redirect'));
    defer(() => hub.stop());
    await hub.start();
    expect(await hub.invoke('Echo', 'via redirect')).toBe('via redirect');
    expect(server.negotiations).toEqual([
      { url: '/redirect/negotiate?negotiateVersion=1' },
      { url: '/chat/negotiate?negotiateVersion=1', authorization: `Bearer ${redirectToken}` },
    ]);
    expect(server.upgrades).toEqual([{ url: '/chat?id=token-1', authorization: `Bearer ${redirectToken}` }]);
  });

  it('a negotiate answer with an error fails the start with its words', async () => {
    const server = await startSignalr(defer);
    const hub = officialHub(server.url.replace('/chat', '/denied'));
    await expect(hub.start()).rejects.toThrow('Negotiate refused: the hub is full');
    expect(server.upgrades).toEqual([]);
  });
});

describe('signalrCodec negotiates', () => {
  it('negotiates before each socket: id=connectionToken, a fresh token after a reconnect', async () => {
    const server = await startSignalr(defer, { negotiate: 'required' });
    const { conn, proto } = openSession(defer, signalrCodec(), server.url, {
      reconnect: { enabled: true },
      backoff: { baseMs: 10, capMs: 10, floorMs: 10 },
    });
    proto.input('Add 1 2');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'response',
      text: '{"type":3,"invocationId":"1","result":3}',
    });
    expect(server.upgrades.map((u) => u.url)).toEqual(['/chat?id=token-1']);
    for (const ws of server.sockets()) ws.terminate();
    await until(
      () => proto.isReady && server.upgrades.length === 2,
      3000,
      () => `upgrades: ${JSON.stringify(server.upgrades)}`,
    );
    expect(server.negotiations.map((n) => n.url)).toEqual([
      '/chat/negotiate?negotiateVersion=1',
      '/chat/negotiate?negotiateVersion=1',
    ]);
    expect(server.upgrades[1]!.url).toBe('/chat?id=token-2');
    expect(conn.url).toBe(server.url);
  });

  it('follows a redirect with its access token, sent as a bearer token on negotiate and on the upgrade', async () => {
    const server = await startSignalr(defer, { negotiate: 'required' });
    const { proto } = openSession(defer, signalrCodec(), server.url.replace('/chat', '/redirect'));
    proto.input('Echo "via redirect"');
    expect(await nextMessage(proto)).toMatchObject({ kind: 'response', summary: '#1 Echo "via redirect"' });
    expect(server.negotiations).toEqual([
      { url: '/redirect/negotiate?negotiateVersion=1' },
      { url: '/chat/negotiate?negotiateVersion=1', authorization: `Bearer ${redirectToken}` },
    ]);
    expect(server.upgrades).toEqual([{ url: '/chat?id=token-1', authorization: `Bearer ${redirectToken}` }]);
  });

  it("a negotiate answer with an error ends the run with the server's words, no WebSocket opened", async () => {
    const server = await startSignalr(defer);
    const { conn } = openSession(defer, signalrCodec(), server.url.replace('/chat', '/denied'), {
      reconnect: { enabled: true },
    });
    const ended = await new Promise<{ error?: Error }>((resolve) =>
      conn.on('state', (c) => c.to === 'closed' && resolve(c)),
    );
    expect(ended.error?.message).toBe(
      'the SignalR server refused the negotiation: Negotiate refused: the hub is full',
    );
    expect(server.upgrades).toEqual([]);
  });

  it('a negotiate that never answers fails within the handshake deadline; closing while negotiating leaves nothing running', async () => {
    const http = createServer(() => {});
    const sockets = new Set<Socket>();
    http.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    const port = await listenOnLoopback(http);
    defer(() => {
      http.closeAllConnections();
      return new Promise<void>((resolve) => http.close(() => resolve()));
    });
    const url = `ws://127.0.0.1:${port}/chat`;
    const { conn } = openSession(defer, signalrCodec(), url, { handshakeTimeoutMs: 300 });
    const ended = await new Promise<{ error?: { kind: string; message: string } }>((resolve) =>
      conn.on('state', (c) => c.to === 'closed' && resolve(c)),
    );
    expect(ended.error).toMatchObject({
      kind: 'timeout',
      message: 'the opening handshake did not finish within 300 ms',
    });
    // The POST was aborted with the attempt: the server sees its socket close.
    await until(
      () => sockets.size === 0,
      2000,
      () => `${sockets.size} connection(s) still open`,
    );
    const second = openSession(defer, signalrCodec(), url, { handshakeTimeoutMs: 5000 });
    await until(
      () => sockets.size === 1,
      2000,
      () => 'the negotiate request never came',
    );
    await second.conn.close();
    expect(second.conn.currentState).toBe('closed');
    await until(
      () => sockets.size === 0,
      2000,
      () => `${sockets.size} connection(s) still open after close()`,
    );
  });

  it('a hub without /negotiate (404) is opened directly, as with skipNegotiation', async () => {
    const server = await startSignalr(defer, { negotiate: 'absent' });
    const { proto } = openSession(defer, signalrCodec(), server.url);
    proto.input('Add 2 2');
    expect(await nextMessage(proto)).toMatchObject({ kind: 'response', summary: '#1 Add 4' });
    expect(server.negotiations).toEqual([]);
    expect(server.upgrades.map((u) => u.url)).toEqual(['/chat']);
  });
});

describe('signalr framing', () => {
  it('splits a frame into its records; a frame without the final separator is not readable', () => {
    expect(splitRecords('{}\x1e{"type":6}\x1e')).toEqual(['{}', '{"type":6}']);
    expect(splitRecords('{"type":6}')).toBeUndefined();
  });

  it('reads arguments as JSON values one after another, refusing a bare word', () => {
    expect(parseArguments(' "ana b" {"n":[1,{"m":"}"}]} [2, 3] true null -4.5 "q\\"x"')).toEqual([
      'ana b',
      { n: [1, { m: '}' }] },
      [2, 3],
      true,
      null,
      -4.5,
      'q"x',
    ]);
    expect(parseArguments('')).toEqual([]);
    expect(() => parseArguments('1 hello')).toThrow(
      /argument 2 is not JSON: hello \(write strings in quotes\)/,
    );
  });

  it('--jsonl reads sent frames: invocations decoded, the handshake and pings left out', async () => {
    const read = await loadSentFrameReader('signalr');
    expect(read('{"protocol":"json","version":1}\x1e')).toBeUndefined();
    expect(read('{"type":6}\x1e')).toBeUndefined();
    expect(read('{"type":1,"invocationId":"1","target":"Add","arguments":[1,2]}\x1e')).toEqual({
      kind: 'invocation',
      text: '{"type":1,"invocationId":"1","target":"Add","arguments":[1,2]}',
      id: '1',
    });
  });
});

describe('signalrCodec', () => {
  it('handshakes, invokes with an id and matches the completion with a round trip; send has no id', async () => {
    const server = await startSignalr(defer);
    const { proto } = openSession(defer, signalrCodec(), server.url);
    proto.input('Add 20 22');
    const answer = await nextMessage(proto);
    expect(answer).toMatchObject({
      kind: 'response',
      id: '1',
      text: '{"type":3,"invocationId":"1","result":42}',
      summary: '#1 Add 42',
    });
    expect(answer.rttMs).toBeGreaterThanOrEqual(0);
    expect(server.frames[0]).toBe('{"protocol":"json","version":1}\x1e');
    proto.input('send Send "ana" "hi"');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'event',
      text: '{"type":1,"target":"ReceiveMessage","arguments":["ana","hi"]}',
      summary: 'ReceiveMessage "ana" "hi"',
    });
    expect(server.received[1]).toEqual({ type: 1, target: 'Send', arguments: ['ana', 'hi'] });
  });

  it('several records in one frame each come out; an invocation with an id gets its completion too', async () => {
    const server = await startSignalr(defer);
    const { proto } = openSession(defer, signalrCodec(), server.url);
    proto.input('Send "ana" "hi"');
    const [broadcast, done] = await collect(proto, 2);
    expect(broadcast).toMatchObject({ kind: 'event', summary: 'ReceiveMessage "ana" "hi"' });
    expect(done).toMatchObject({ kind: 'response', id: '1', summary: '#1 Send (no result)' });
    // Both came in one frame.
    expect(broadcast!.frame).toBe(done!.frame);
  });

  it('an error completion is an error answer; streams give items then complete', async () => {
    const server = await startSignalr(defer);
    const { proto } = openSession(defer, signalrCodec(), server.url);
    proto.input('Fail');
    expect(await nextMessage(proto)).toMatchObject({
      kind: 'error',
      isError: true,
      id: '1',
      summary:
        "#1 Fail error: An unexpected error occurred invoking 'Fail' on the server. HubException: it failed",
    });
    proto.input('stream Counter 2');
    const got = await collect(proto, 3);
    expect(got.map((m) => [m.kind, m.text])).toEqual([
      ['next', '{"type":2,"invocationId":"2","item":0}'],
      ['next', '{"type":2,"invocationId":"2","item":1}'],
      ['complete', '{"type":3,"invocationId":"2"}'],
    ]);
    expect(got[0]!.rttMs).toBeGreaterThanOrEqual(0);
    expect(got[1]!.rttMs).toBeUndefined();
    expect(server.received[1]).toEqual({ type: 4, invocationId: '2', target: 'Counter', arguments: [2] });
  });

  it('records that share a frame with the handshake response are read too', async () => {
    const server = await serverUntilCleanup(defer);
    server.wss.on('connection', (ws) =>
      ws.once('message', () => ws.send('{}\x1e{"type":1,"target":"Hello","arguments":["you"]}\x1e')),
    );
    const { proto } = openSession(defer, signalrCodec(), server.url);
    expect(await nextMessage(proto)).toMatchObject({ kind: 'event', summary: 'Hello "you"' });
    expect(proto.isReady).toBe(true);
  });

  it('a close record with an error ends the run with it', async () => {
    const server = await startSignalr(defer);
    const { proto } = openSession(defer, signalrCodec(), server.url);
    const failed = new Promise<Error>((resolve) => proto.on('failure', resolve));
    proto.input('send Kick');
    expect((await failed).message).toBe(
      'the SignalR server closed the connection with an error: Connection closed with an error. kicked',
    );
  });

  it('pings every pingMs, server pings are never shown; a server gone quiet is reconnected to', async () => {
    const server = await startSignalr(defer, { pingMs: 30 });
    const { conn, proto, messages, notes } = openSession(
      defer,
      signalrCodec({ pingMs: 50, serverTimeoutMs: 800 }),
      server.url,
      reconnectFast,
    );
    const waits = waitingReasons(conn);
    await new Promise((resolve) => proto.once('ready', resolve));
    await until(
      () => server.received.filter((r) => r.type === 6).length >= 2,
      2000,
      () => 'fewer than 2 pings from the client',
    );
    expect(messages).toEqual([]);
    server.isTalking = false;
    await until(
      () => server.frames.filter((f) => f.startsWith('{"protocol"')).length === 2,
      3000,
      () => `no second handshake; notes: ${notes.join(' | ')}`,
    );
    expect(waits[0]).toMatch(/nothing from the SignalR server in 800 ms: it looks dead/);
  });

  it('refuses lines it cannot send', () => {
    const codec = signalrCodec();
    const ctx = { send: () => {}, now: () => 0 } as unknown as Parameters<typeof codec.input>[1];
    expect(() => codec.input('Add 1 two', ctx)).toThrow(/argument 2 is not JSON: two/);
    expect(() => codec.input('{"target":"x"}', ctx)).toThrow(/needs a numeric "type"/);
    expect(() => codec.input('42 Add', ctx)).toThrow(/write Method arg1 arg2/);
  });
});
