// JSON-RPC 2.0 over WebSocket: requests get ids, responses are matched to them by id with a round-trip time.
// Its dialects (the Chrome DevTools Protocol) differ only in what a request carries: see `dialects`.

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
  /** Requests sent and not yet answered, by idKey. */
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

  /**
   * One request object of the user's text, with the dialect's version, a fresh `id` and the session
   * spliced in where they belong (the rest goes out byte for byte); records the request.
   */
  const prepare = (
    text: string,
    span: Span,
    raw: unknown,
    now: number,
    keys: string[],
    sessionId: string | undefined,
  ): string => {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw new InputError('a JSON-RPC request is a JSON object with a "method"');
    const req = raw as Record<string, unknown>;
    if (typeof req.method !== 'string') throw new InputError('a JSON-RPC request needs a "method" string');
    const first =
      dialect.version === undefined || 'jsonrpc' in req
        ? []
        : [`"jsonrpc":${JSON.stringify(dialect.version)}`];
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
    // Last, so it wins over one the user wrote (JSON readers keep a repeated key's last value).
    if (sessionId !== undefined) last.push(`"sessionId":${JSON.stringify(sessionId)}`);
    if (key !== undefined) {
      keys.push(key);
      pending.set(key, { method: req.method, sentAt: now });
    }
    return withMembers(text, span, first, last);
  };

  /** One response (or notification) at `span` of the received `text`, printed as the server wrote it. */
  const describe = (r: unknown, text: string, span: Span, frame: Incoming, now: number): ProtocolMessage => {
    const shown = sliceOf(text, span);
    // A response, or an error that names no request: a server that cannot read a request answers with an
    // id of null (JSON-RPC 2.0 §5) or, like Chromium, with no id at all. Shown as a notification, such an
    // error would pass for good news (green, exit 0).
    const isObject = r !== null && typeof r === 'object' && !Array.isArray(r);
    const res = r as Response;
    const isAnswer = isObject && ('id' in res || (typeof res.method !== 'string' && 'error' in res));
    if (isAnswer && ('result' in res || 'error' in res)) {
      // Most ids are strings or small integers, which the parsed value holds exactly; only other numbers
      // are read from the text (a walk over the response: ~2x JSON.parse's time on an 8 MB answer).
      const parsedId = res.id;
      const idText = !('id' in res)
        ? undefined
        : typeof parsedId === 'string' || Number.isSafeInteger(parsedId)
          ? JSON.stringify(parsedId)
          : sliceOf(text, memberOf(text, span, 'id')!);
      const key = idText === undefined ? undefined : idKey(idText);
      const req = key === undefined ? undefined : pending.get(key);
      if (key !== undefined) pending.delete(key);
      const isError = 'error' in res;
      if (req && dialect.hasSessions) noteSession(req.method, res);
      const id = idText === undefined ? undefined : idValue(idText);
      return {
        kind: isError ? 'error' : 'response',
        text: shown,
        json: r,
        ...(id === undefined ? {} : { id }),
        ...(req ? { rttMs: now - req.sentAt, answers: req.method } : {}),
        ...(isError ? { isError: true } : {}),
        frame,
      };
    }
    // A notification (eth_subscription, a CDP event) or a request from the server: shown as it comes.
    if (isObject && dialect.hasSessions) noteSession(undefined, res);
    return { kind: 'notification', text: shown, json: r, frame };
  };

  return {
    name: dialect.name,
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
        let parsed: ReturnType<typeof parseJsonText>;
        try {
          parsed = parseJsonText(text);
        } catch (err) {
          throw new InputError(`not valid JSON: ${(err as Error).message}`);
        }
        const { value, span } = parsed;
        if (Array.isArray(value)) {
          if (!dialect.hasBatches)
            throw new InputError(`${dialect.name} has no batches: one command per line`);
          if (value.length === 0) throw new InputError('an empty batch is not a JSON-RPC request');
          const requests = elementsOf(text, span).map((at, i) => ({
            at,
            text: prepare(text, at, value[i], now, keys, sessionId),
          }));
          let batch = '';
          let from = span.start;
          for (const r of requests) {
            batch += text.slice(from, r.at.start) + r.text;
            from = r.at.end;
          }
          send(batch + text.slice(from, span.end));
        } else {
          send(prepare(text, span, value, now, keys, sessionId));
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
      send(prepare(request, parsed.span, parsed.value, now, keys, sessionId));
    },

    dispose: () => {},
  };
}
