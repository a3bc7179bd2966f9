// The raw codec: frames go out as typed and come back as they are, text and binary.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
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
