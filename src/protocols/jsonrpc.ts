// JSON-RPC 2.0 over WebSocket: requests get ids, responses are matched to them by id with a round-trip time.
// Its dialects (the Chrome DevTools Protocol) differ only in what a request carries: see `dialects`.

import { InputError, type Codec, type CodecContext, type ProtocolMessage } from './codec.js';
import type { Incoming } from '../core/events.js';

type Id = string | number;

interface Response {
  jsonrpc?: unknown;
  id?: Id | null;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
  method?: unknown;
}

/** What sets a JSON-RPC dialect apart: one row of `dialects` per --proto name this codec speaks. */
export interface JsonRpcDialect {
  name: 'jsonrpc' | 'cdp';
  /** The version member added to each request, `"jsonrpc":"2.0"`; undefined adds none. */
  version?: string;
  /** Whether a line may be an array of requests. */
  hasBatches: boolean;
  /** Whether `@SESSION method [params]` sends a command to an attached target (its "sessionId"). */
  hasSessions: boolean;
}

export const dialects = {
  jsonrpc: { name: 'jsonrpc', version: '2.0', hasBatches: true, hasSessions: false },
  // Chromium answers a request carrying "jsonrpc" with an id-less -32600 ("Message has property other than
  // 'id', 'method', 'sessionId', 'params'") and a batch with "Message must be an object". Commands for an
  // attached target (Target.attachToTarget with flatten: true) carry its "sessionId" at the top level.
  cdp: { name: 'cdp', hasBatches: false, hasSessions: true },
} as const satisfies Record<string, JsonRpcDialect>;

export function jsonRpcCodec(dialect: JsonRpcDialect = dialects.jsonrpc): Codec {
  let nextId = 1;
  /** Requests sent and not yet answered, by JSON.stringify(id) (so 1 and "1" stay apart). */
  const pending = new Map<string, { method: string; sentAt: number }>();

  /** The session the latest attach created, for `@ method`: the one the user most likely means. */
  let latestSession: string | undefined;
  /** Learns a session from an attach's result or a Target.attachedToTarget event (`requested`: undefined). */
  const noteSession = (requested: string | undefined, r: Response): void => {
    const { result, params, method } = r as {
      result?: { sessionId?: unknown };
      params?: { sessionId?: unknown };
    } & Response;
    if (requested?.startsWith('Target.attachTo') && typeof result?.sessionId === 'string')
      latestSession = result.sessionId;
    else if (method === 'Target.attachedToTarget' && typeof params?.sessionId === 'string')
      latestSession = params.sessionId;
  };

  /** Fills in `jsonrpc` and a fresh `id` where missing; records the request. */
  const prepare = (
    raw: unknown,
    now: number,
    keys: string[],
    sessionId: string | undefined,
  ): Record<string, unknown> => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new InputError('a JSON-RPC request is a JSON object with a "method"');
    const req: Record<string, unknown> = {
      ...(dialect.version === undefined ? {} : { jsonrpc: dialect.version }),
      ...(raw as Record<string, unknown>),
      ...(sessionId === undefined ? {} : { sessionId }),
    };
    if (typeof req.method !== 'string') throw new InputError('a JSON-RPC request needs a "method" string');
    if (!('id' in req)) {
      // Skip ids the user already took by hand, so two requests never share one.
      while (pending.has(JSON.stringify(nextId))) nextId++;
      req.id = nextId++;
    }
    if (typeof req.id === 'string' || typeof req.id === 'number') {
      keys.push(JSON.stringify(req.id));
      pending.set(JSON.stringify(req.id), { method: req.method, sentAt: now });
    }
    return req;
  };

  const describe = (r: Response, frame: Incoming, now: number, text: string): ProtocolMessage => {
    // A response, or an error that names no request: a server that cannot read a request answers with an
    // id of null (JSON-RPC 2.0 §5) or, like Chromium, with no id at all. Shown as a notification, such an
    // error would pass for good news (green, exit 0).
    const isObject = r !== null && typeof r === 'object';
    const isAnswer = isObject && ('id' in r || (typeof r.method !== 'string' && 'error' in r));
    if (isAnswer && ('result' in r || 'error' in r)) {
      const key = JSON.stringify(r.id);
      const req = pending.get(key);
      pending.delete(key);
      const isError = 'error' in r;
      if (req && dialect.hasSessions) noteSession(req.method, r);
      return {
        kind: isError ? 'error' : 'response',
        text,
        json: r,
        ...(r.id === null || r.id === undefined ? {} : { id: r.id }),
        ...(req ? { rttMs: now - req.sentAt } : {}),
        ...(isError ? { isError: true } : {}),
        frame,
      };
    }
    // A notification (eth_subscription, a CDP event) or a request from the server: shown as it comes.
    if (isObject && dialect.hasSessions) noteSession(undefined, r);
    return { kind: 'notification', text, json: r, frame };
  };

  return {
    name: dialect.name,
    target: (url, protocols) => ({ url, protocols }),
    opened: (ctx) => ctx.ready(''),

    received(frame, ctx) {
      const text = frame.isBinary ? frame.data.toString('base64') : frame.data.toString('utf8');
      let value: unknown;
      try {
        value = frame.isBinary ? undefined : JSON.parse(text);
      } catch {
        value = undefined;
      }
      if (value === undefined || value === null || typeof value !== 'object') {
        ctx.deliver({ kind: 'invalid', text, frame });
        return;
      }
      const now = ctx.now();
      // A batch answer: each response on its own line, each with its own round trip.
      if (Array.isArray(value)) {
        for (const r of value) ctx.deliver(describe(r as Response, frame, now, JSON.stringify(r)));
        return;
      }
      ctx.deliver(describe(value, frame, now, text.trim()));
    },

    closed(_code, _reason, ctx: CodecContext) {
      if (pending.size > 0) ctx.note(`${pending.size} request(s) still unanswered when the socket closed`);
      return undefined;
    },

    input(line, ctx) {
      let text = line.trim();
      if (text === '') return;
      // `@SESSION method [params]`: a command for an attached target; a bare `@` means the latest session.
      let sessionId: string | undefined;
      if (dialect.hasSessions && text.startsWith('@')) {
        const at = /^@(\S*)\s*(.*)$/s.exec(text)!;
        sessionId = at[1] || latestSession;
        if (sessionId === undefined)
          throw new InputError(
            'no session yet: attach first (Target.attachToTarget {"targetId":"…","flatten":true}) or write @SESSION_ID',
          );
        text = at[2]!;
        if (text === '') throw new InputError('a command follows the session: @SESSION_ID method [params]');
      }
      const now = ctx.now();
      const keys: string[] = [];
      // The round trip starts when the socket takes the request.
      const send = (frame: string) =>
        ctx.send(frame, (at) => {
          for (const key of keys) {
            const req = pending.get(key);
            if (req) req.sentAt = at;
          }
        });
      if (text.startsWith('{') || text.startsWith('[')) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new InputError(`not valid JSON: ${(err as Error).message}`);
        }
        if (Array.isArray(value)) {
          if (!dialect.hasBatches)
            throw new InputError(`${dialect.name} has no batches: one command per line`);
          if (value.length === 0) throw new InputError('an empty batch is not a JSON-RPC request');
          send(JSON.stringify(value.map((r) => prepare(r, now, keys, sessionId))));
        } else {
          send(JSON.stringify(prepare(value, now, keys, sessionId)));
        }
        return;
      }
      // Shorthand: `method [JSON params]`, e.g. eth_getBalance ["0xabc…","latest"]
      const match = /^(\S+)\s*(.*)$/s.exec(text)!;
      const method = match[1]!;
      const rest = match[2]!.trim();
      let params: unknown;
      if (rest !== '') {
        try {
          params = JSON.parse(rest);
        } catch {
          throw new InputError(`params after "${method}" must be JSON (an array or an object)`);
        }
        if (params === null || typeof params !== 'object')
          throw new InputError('JSON-RPC params are an array or an object');
      }
      send(
        JSON.stringify(prepare(params === undefined ? { method } : { method, params }, now, keys, sessionId)),
      );
    },

    dispose: () => {},
  };
}
