// Protocol tests: a real Connection wrapped in a ProtocolSession, and waits on its events that fail naming what was seen.

import { Connection, type ConnectionOptions } from '../../src/core/connection.js';
import type { WsxError } from '../../src/core/errors.js';
import type { Codec, ProtocolMessage } from '../../src/protocols/codec.js';
import { ProtocolSession } from '../../src/protocols/session.js';
import type { Defer } from '../helpers/cleanup.js';

/** A started ProtocolSession over `url`, closed after the test; records every message it delivers. */
export function openSession(
  defer: Defer,
  codec: Codec,
  url: string,
  opts: Partial<ConnectionOptions> = {},
): { conn: Connection; proto: ProtocolSession; messages: ProtocolMessage[]; notes: string[] } {
  const target = codec.target(url, []);
  const conn = new Connection({ url: target.url, protocols: target.protocols, heartbeat: false, ...opts });
  const proto = new ProtocolSession(conn, codec);
  const messages: ProtocolMessage[] = [];
  const notes: string[] = [];
  proto.on('message', (m) => messages.push(m));
  proto.on('note', (n) => notes.push(n));
  conn.on('error', () => {});
  defer(() => conn.close());
  conn.start();
  return { conn, proto, messages, notes };
}

/** Resolves with the next delivered message matching `pred`; rejects after `timeoutMs` listing what came. */
export function nextMessage(
  proto: ProtocolSession,
  pred: (m: ProtocolMessage) => boolean = () => true,
  timeoutMs = 2000,
): Promise<ProtocolMessage> {
  return new Promise((resolve, reject) => {
    const seen: string[] = [];
    const onMessage = (m: ProtocolMessage) => {
      seen.push(`${m.kind} ${m.text}`);
      if (!pred(m)) return;
      clearTimeout(timer);
      proto.off('message', onMessage);
      resolve(m);
    };
    const timer = setTimeout(() => {
      proto.off('message', onMessage);
      reject(new Error(`no matching message within ${timeoutMs} ms; saw: ${seen.join(' | ') || 'nothing'}`));
    }, timeoutMs);
    proto.on('message', onMessage);
  });
}

/** Collects `n` messages matching `pred`. */
export async function messages(
  proto: ProtocolSession,
  n: number,
  pred: (m: ProtocolMessage) => boolean = () => true,
  timeoutMs = 2000,
): Promise<ProtocolMessage[]> {
  const got: ProtocolMessage[] = [];
  return new Promise((resolve, reject) => {
    const onMessage = (m: ProtocolMessage) => {
      if (!pred(m)) return;
      got.push(m);
      if (got.length < n) return;
      clearTimeout(timer);
      proto.off('message', onMessage);
      resolve(got);
    };
    const timer = setTimeout(() => {
      proto.off('message', onMessage);
      reject(
        new Error(
          `${got.length}/${n} messages within ${timeoutMs} ms: ${got.map((m) => m.text).join(' | ')}`,
        ),
      );
    }, timeoutMs);
    proto.on('message', onMessage);
  });
}

export function readyReached(
  proto: ProtocolSession,
  timeoutMs = 2000,
): Promise<{ detail: string; isReconnect: boolean }> {
  return eventReached(proto, 'ready', timeoutMs);
}

export function failureReached(proto: ProtocolSession, timeoutMs = 2000): Promise<WsxError> {
  return eventReached(proto, 'failure', timeoutMs);
}

function eventReached<E extends 'ready' | 'failure'>(
  proto: ProtocolSession,
  event: E,
  timeoutMs: number,
): Promise<E extends 'ready' ? { detail: string; isReconnect: boolean } : WsxError> {
  return new Promise((resolve, reject) => {
    const notes: string[] = [];
    const onNote = (n: string) => notes.push(n);
    const timer = setTimeout(() => {
      proto.off(event, done as never);
      proto.off('note', onNote);
      reject(
        new Error(
          `no "${event}" within ${timeoutMs} ms; notes: ${notes.join(' | ') || 'none'}; state ${proto.conn.currentState}`,
        ),
      );
    }, timeoutMs);
    const done = (value: unknown) => {
      clearTimeout(timer);
      proto.off('note', onNote);
      resolve(value as never);
    };
    proto.once(event, done as never);
    proto.on('note', onNote);
  });
}
