// Loopback ws servers that hold a conversation, for scenario tests. Each starts on 127.0.0.1, port 0.

import type { WebSocket } from 'ws';
import type { Defer } from '../helpers/cleanup.js';
import { serverUntilCleanup } from '../helpers/cleanup.js';
import type { TestServer } from '../helpers/servers.js';

function json(ws: WebSocket, value: unknown): void {
  ws.send(JSON.stringify(value));
}

/**
 * Login and a price feed: `auth` with token "s3cret" gets `auth_ok` and a fresh session id; `subscribe`
 * with that session gets `count` prices on its channel, each after a heartbeat; `unsubscribe` is answered.
 * A wrong token gets `auth_fail`; a wrong session `error`.
 */
export async function startExchangeServer(
  defer: Defer,
  count = 3,
): Promise<TestServer & { sessions: string[] }> {
  const s = await serverUntilCleanup(defer);
  const sessions: string[] = [];
  s.wss.on('connection', (ws) => {
    let session: string | undefined;
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as {
        type: string;
        token?: string;
        session?: string;
        channel?: string;
      };
      if (msg.type === 'auth') {
        if (msg.token !== 's3cret') return json(ws, { type: 'auth_fail', reason: 'bad token' });
        session = `sess-${sessions.length + 1}-${Math.random().toString(36).slice(2, 8)}`;
        sessions.push(session);
        return json(ws, { type: 'auth_ok', session_id: session });
      }
      if (msg.type === 'subscribe') {
        if (!session || msg.session !== session) return json(ws, { type: 'error', reason: 'no session' });
        for (let i = 1; i <= count; i++) {
          json(ws, { type: 'heartbeat' });
          json(ws, { type: 'price', channel: msg.channel, seq: i, price: 100 + i });
        }
        return;
      }
      if (msg.type === 'unsubscribe') return json(ws, { type: 'unsubscribed' });
    });
  });
  return Object.assign(s, { sessions });
}

/** Answers every message twice: `{"type":"ack","n":1}` then `{"type":"ack","n":2}`, both in one burst. */
export async function startTwiceServer(defer: Defer): Promise<TestServer> {
  const s = await serverUntilCleanup(defer);
  s.wss.on('connection', (ws) =>
    ws.on('message', () => {
      json(ws, { type: 'ack', n: 1 });
      json(ws, { type: 'ack', n: 2 });
    }),
  );
  return s;
}

/** Accepts, reads, never answers. */
export function startSilentServer(defer: Defer): Promise<TestServer> {
  return serverUntilCleanup(defer, { mode: 'silent' });
}

/** Answers the first message with `{"type":"welcome"}`, then closes with 4001 "session expired" on the second. */
export async function startExpiringServer(defer: Defer): Promise<TestServer> {
  const s = await serverUntilCleanup(defer);
  s.wss.on('connection', (ws) => {
    let seen = 0;
    ws.on('message', () => {
      if (++seen === 1) json(ws, { type: 'welcome' });
      else ws.close(4001, 'session expired');
    });
  });
  return s;
}
