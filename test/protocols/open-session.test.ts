import { describe, expect, it } from 'vitest';
import { openSession } from '../../src/protocols/open-session.js';

describe('openSession', () => {
  it('lets the codec pick the URL while the display URL stays the one given', async () => {
    const { conn, proto } = await openSession(
      { url: 'ws://127.0.0.1:1/', displayUrl: 'ws://127.0.0.1:1/?token=***' },
      { proto: { name: 'socketio' } },
    );
    expect(proto?.codec.name).toBe('socketio');
    expect(conn.url).toContain('/socket.io/');
    expect(conn.snapshot().url).toBe('ws://127.0.0.1:1/?token=***');
  });

  it('runs observe before the protocol session listens, so a transcript hears each frame first', async () => {
    const first = () => {};
    const { conn } = await openSession(
      { url: 'ws://127.0.0.1:1/' },
      { proto: { name: 'jsonrpc' }, observe: (c) => c.on('message', first) },
    );
    const listeners = conn.listeners('message');
    expect(listeners.length).toBeGreaterThan(1);
    expect(listeners[0]).toBe(first);
  });

  it('opens a plain connection without a protocol: no session, the URL untouched', async () => {
    let observed = 0;
    const { conn, proto } = await openSession({ url: 'ws://127.0.0.1:1/x' }, { observe: () => observed++ });
    expect(proto).toBeUndefined();
    expect(conn.url).toBe('ws://127.0.0.1:1/x');
    expect(observed).toBe(1);
  });
});
