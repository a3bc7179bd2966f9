// JSON-RPC 2.0 over WebSocket: requests get ids, responses are matched to them by id with a round-trip time.

import { InputError, type Codec, type CodecContext, type ProtocolMessage } from './codec.js';
import type { Incoming } from '../core/events.js';
import {
  elementsOf,
  exactNumber,
  isExactNumber,
  memberOf,
  parseJsonText,
  sliceOf,
  withMembers,
  type Span,
} from './json-text.js';

type Id = string | number;

interface Response {
  jsonrpc?: unknown;
  id?: Id | null;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
  method?: unknown;
}

/**
 * The key that matches a response's id to its request's: a string by its value, a number by its exact
 * value (so 1 and "1" stay apart, 1.0 matches 1, and ids past 2^53 that a double confuses do not meet).
 * Undefined for an id that names no request (null, an object).
 */
export function idKey(idText: string): string | undefined {
  const value: unknown = JSON.parse(idText);
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') return exactNumber(idText.trim());
  return undefined;
}

/** An id as ProtocolMessage gives it: a number a double holds exactly, else the text the server sent. */
export function idValue(idText: string): Id | undefined {
  const value: unknown = JSON.parse(idText);
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return isExactNumber(idText.trim()) ? value : idText.trim();
  return undefined;
}

export function jsonRpcCodec(): Codec {
  let nextId = 1;
  /** Requests sent and not yet answered, by idKey. */
  const pending = new Map<string, { method: string; sentAt: number }>();

  /**
   * One request object of the user's text, with `jsonrpc` and a fresh `id` spliced in where missing (the
   * rest goes out byte for byte); records the request.
   */
  const prepare = (text: string, span: Span, raw: unknown, now: number, keys: string[]): string => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new InputError('a JSON-RPC request is a JSON object with a "method"');
    const req = raw as Record<string, unknown>;
    if (typeof req.method !== 'string') throw new InputError('a JSON-RPC request needs a "method" string');
    const first = 'jsonrpc' in req ? [] : ['"jsonrpc":"2.0"'];
    const last: string[] = [];
    let key: string | undefined;
    if ('id' in req) {
      key = idKey(sliceOf(text, memberOf(text, span, 'id')!));
    } else {
      // Skip ids the user already took by hand, so two requests never share one.
      while (pending.has(idKey(String(nextId))!)) nextId++;
      last.push(`"id":${nextId}`);
      key = idKey(String(nextId++));
    }
    if (key !== undefined) {
      keys.push(key);
      pending.set(key, { method: req.method, sentAt: now });
    }
    return withMembers(text, span, first, last);
  };

  /** One response (or notification) at `span` of the received `text`, printed as the server wrote it. */
  const describe = (r: unknown, text: string, span: Span, frame: Incoming, now: number): ProtocolMessage => {
    const shown = sliceOf(text, span);
    if (
      r !== null &&
      typeof r === 'object' &&
      !Array.isArray(r) &&
      ('result' in r || 'error' in r) &&
      'id' in r
    ) {
      // Most ids are strings or small integers, which the parsed value holds exactly; only other numbers
      // are read from the text (a walk over the response: ~2x JSON.parse's time on an 8 MB answer).
      const parsedId = (r as Response).id;
      const idText =
        typeof parsedId === 'string' || Number.isSafeInteger(parsedId)
          ? JSON.stringify(parsedId)
          : sliceOf(text, memberOf(text, span, 'id')!);
      const key = idKey(idText);
      const req = key === undefined ? undefined : pending.get(key);
      if (key !== undefined) pending.delete(key);
      const isError = 'error' in r;
      const id = idValue(idText);
      return {
        kind: isError ? 'error' : 'response',
        text: shown,
        json: r,
        ...(id === undefined ? {} : { id }),
        ...(req ? { rttMs: now - req.sentAt } : {}),
        ...(isError ? { isError: true } : {}),
        frame,
      };
    }
    // A notification (eth_subscription) or a request from the server: shown as it comes.
    return { kind: 'notification', text: shown, json: r, frame };
  };

  return {
    name: 'jsonrpc',
    target: (url, protocols) => ({ url, protocols }),
    opened: (ctx) => ctx.ready(''),

    received(frame, ctx) {
      const raw = frame.isBinary ? frame.data.toString('base64') : frame.data.toString('utf8');
      let parsed: ReturnType<typeof parseJsonText> | undefined;
      try {
        parsed = frame.isBinary ? undefined : parseJsonText(raw);
      } catch {
        parsed = undefined;
      }
      if (!parsed || parsed.value === null || typeof parsed.value !== 'object') {
        ctx.deliver({ kind: 'invalid', text: raw, frame });
        return;
      }
      const { text, value, span } = parsed;
      const now = ctx.now();
      // A batch answer: each response on its own line, each with its own round trip.
      if (Array.isArray(value)) {
        elementsOf(text, span).forEach((at, i) => ctx.deliver(describe(value[i], text, at, frame, now)));
        return;
      }
      ctx.deliver(describe(value, text, span, frame, now));
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
        let parsed: ReturnType<typeof parseJsonText>;
        try {
          parsed = parseJsonText(text);
        } catch (err) {
          throw new InputError(`not valid JSON: ${(err as Error).message}`);
        }
        const { value, span } = parsed;
        if (Array.isArray(value)) {
          if (value.length === 0) throw new InputError('an empty batch is not a JSON-RPC request');
          const items = elementsOf(text, span);
          const requests = items.map((at, i) => ({ at, text: prepare(text, at, value[i], now, keys) }));
          let batch = '';
          let from = span.start;
          for (const r of requests) {
            batch += text.slice(from, r.at.start) + r.text;
            from = r.at.end;
          }
          send(batch + text.slice(from, span.end));
        } else {
          send(prepare(text, span, value, now, keys));
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
      // The params go out as typed; only the envelope is wsx's.
      const request = `{"method":${JSON.stringify(method)}${rest === '' ? '' : `,"params":${rest}`}}`;
      const parsed = parseJsonText(request);
      send(prepare(request, parsed.span, parsed.value, now, keys));
    },

    dispose: () => {},
  };
}
