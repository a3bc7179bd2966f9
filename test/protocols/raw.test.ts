// The raw codec: frames go out as typed and come back as they are, text and binary.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import type { Incoming } from '../../src/core/events.js';
import type { CodecContext } from '../../src/protocols/codec.js';
import { rawCodec } from '../../src/protocols/raw.js';
import { messages, openSession, readyReached } from './helpers.js';

const defer = cleanupAfterEach();

describe('raw codec', () => {
  it('keeps the URL and subprotocols, is ready on open, and passes text and binary frames through', async () => {
    expect(rawCodec().target('ws://h/x?y=1', ['chat'])).toEqual({ url: 'ws://h/x?y=1', protocols: ['chat'] });
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const { proto } = openSession(defer, rawCodec(), server.url);
    proto.input('hello {not json');
    await readyReached(proto);
    const [echo] = await messages(proto, 1);
    expect(echo).toMatchObject({ kind: 'frame', text: 'hello {not json' });
    server.clients()[0]!.send(Buffer.from([0, 255]));
    const [bin] = await messages(proto, 1);
    expect(bin!.binary).toEqual(Buffer.from([0, 255]));
    expect(server.received).toEqual(['hello {not json']);
  });
});

describe('raw codec with a record separator', () => {
  it('ends each sent message with the separator and splits a frame of several records into messages', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const { proto } = openSession(defer, rawCodec({ separator: '\x1e' }), server.url);
    proto.input('{"protocol":"json","version":1}');
    await readyReached(proto);
    const [echo] = await messages(proto, 1);
    expect(echo).toMatchObject({ kind: 'frame', text: '{"protocol":"json","version":1}' });
    expect(server.received).toEqual(['{"protocol":"json","version":1}\x1e']);
    // Three records in one frame, the last one ended: three messages, no empty fourth.
    server.clients()[0]!.send('a\x1e{"b":2}\x1ec\x1e');
    const got = await messages(proto, 3);
    expect(got.map((m) => m.text)).toEqual(['a', '{"b":2}', 'c']);
  });

  it('keeps a record cut by the frame end for the next frame, and empty records between separators', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const { proto } = openSession(defer, rawCodec({ separator: '\0' }), server.url);
    proto.input('x');
    await readyReached(proto);
    await messages(proto, 1);
    const ws = server.clients()[0]!;
    ws.send('one\0tw');
    ws.send('o\0\0three\0');
    const got = await messages(proto, 4);
    expect(got.map((m) => m.text)).toEqual(['one', 'two', '', 'three']);
    // A binary frame is no record stream: it passes through as bytes.
    ws.send(Buffer.from([0, 1]));
    const [bin] = await messages(proto, 1);
    expect(bin!.binary).toEqual(Buffer.from([0, 1]));
  });

  it('drops the part of a record cut by the socket ending instead of joining it to the next socket', () => {
    const codec = rawCodec({ separator: '\n' });
    const delivered: string[] = [];
    const notes: string[] = [];
    const ctx = {
      deliver: (m: { text: string }) => delivered.push(m.text),
      note: (n: string) => notes.push(n),
    } as unknown as CodecContext;
    const frame = (text: string) => ({ data: Buffer.from(text), isBinary: false }) as Incoming;
    codec.received(frame('half'), ctx);
    codec.closed(1006, '', ctx);
    codec.received(frame('whole\n'), ctx);
    expect(delivered).toEqual(['whole']);
    expect(notes).toEqual([
      'dropped 4 bytes after the last separator: the socket closed before the record ended',
    ]);
  });
});
