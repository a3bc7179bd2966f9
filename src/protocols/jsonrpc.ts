// JSON-RPC 2.0 over WebSocket: requests get ids, responses are matched to them by id with a round-trip time.

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

export function jsonRpcCodec(): Codec {
  let nextId = 1;
  /** Requests sent and not yet answered, by JSON.stringify(id) (so 1 and "1" stay apart). */
  const pending = new Map<string, { method: string; sentAt: number }>();

  /** Fills in `jsonrpc` and a fresh `id` where missing; records the request. */
  const prepare = (raw: unknown, now: number, keys: string[]): Record<string, unknown> => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new InputError('a JSON-RPC request is a JSON object with a "method"');
    const req: Record<string, unknown> = { jsonrpc: '2.0', ...(raw as Record<string, unknown>) };
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
    if (r !== null && typeof r === 'object' && ('result' in r || 'error' in r) && 'id' in r) {
      const key = JSON.stringify(r.id);
      const req = pending.get(key);
      pending.delete(key);
      const isError = 'error' in r;
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
    // A notification (eth_subscription) or a request from the server: shown as it comes.
    return { kind: 'notification', text, json: r, frame };
  };

  return {
    name: 'jsonrpc',
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
      const text = line.trim();
      if (text === '') return;
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
          if (value.length === 0) throw new InputError('an empty batch is not a JSON-RPC request');
          send(JSON.stringify(value.map((r) => prepare(r, now, keys))));
        } else {
          send(JSON.stringify(prepare(value, now, keys)));
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
      send(JSON.stringify(prepare(params === undefined ? { method } : { method, params }, now, keys)));
    },

    dispose: () => {},
  };
}
