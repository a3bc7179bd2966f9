// ASP.NET Core SignalR's JSON hub protocol over WebSocket: the {"protocol":"json","version":1} handshake,
// then JSON records each ended by the 0x1E record separator, several to a frame. Invocations with an id are
// answered by a completion (result or error); streams send items, then a completion; ping and close.
// (https://github.com/dotnet/aspnetcore/blob/main/src/SignalR/docs/specs/HubProtocol.md)

import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';
import { InputError, type Codec, type CodecContext } from './codec.js';
import { parseArguments } from './json-values.js';
import { negotiate } from './signalr-negotiate.js';

export const recordSeparator = '\x1e';

export interface SignalrOptions {
  /** Send a ping this often, ms (the official client: 15000). */
  pingMs?: number;
  /** Nothing from the server for this long: reconnect, ms (the official client: 30000). */
  serverTimeoutMs?: number;
}

const Type = {
  Invocation: 1,
  StreamItem: 2,
  Completion: 3,
  StreamInvocation: 4,
  CancelInvocation: 5,
  Ping: 6,
  Close: 7,
} as const;

interface HubRecord {
  type?: unknown;
  invocationId?: unknown;
  target?: unknown;
  arguments?: unknown;
  item?: unknown;
  result?: unknown;
  error?: unknown;
  allowReconnect?: unknown;
}

interface Pending {
  target: string;
  isStream: boolean;
  sentAt: number;
  hasAnswered: boolean;
}

/** An error as the server wrote it: a string, or its JSON. */
const words = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value));

/** The records of one frame, without their separators; a frame must end with one. */
export function splitRecords(text: string): string[] | undefined {
  if (!text.endsWith(recordSeparator)) return undefined;
  return text.slice(0, -1).split(recordSeparator);
}

export function signalrCodec(opts: SignalrOptions = {}): Codec {
  const pingMs = opts.pingMs ?? 15_000;
  const serverTimeoutMs = opts.serverTimeoutMs ?? 30_000;
  const pending = new Map<string, Pending>();
  /** Records typed before the handshake finished, sent once it has. */
  let outbox: Record<string, unknown>[] = [];
  let nextId = 1;
  let isReady = false;
  let cancelPing: CancelTimer | undefined;
  let cancelServerTimeout: CancelTimer | undefined;

  const stopTimers = () => {
    cancelPing?.();
    cancelServerTimeout?.();
    cancelPing = cancelServerTimeout = undefined;
  };

  const sendRecord = (ctx: CodecContext, record: Record<string, unknown>) => {
    const id = typeof record.invocationId === 'string' ? pending.get(record.invocationId) : undefined;
    if (id) id.sentAt = ctx.now();
    ctx.send(JSON.stringify(record) + recordSeparator, (at) => {
      if (id) id.sentAt = at;
    });
  };

  const schedulePing = (ctx: CodecContext) => {
    if (pingMs <= 0) return;
    cancelPing?.();
    cancelPing = ctx.setTimer(pingMs, () => {
      ctx.sendOwn(JSON.stringify({ type: Type.Ping }) + recordSeparator);
      schedulePing(ctx);
    });
  };

  // Any record resets it, as in the official client (HubConnection.serverTimeoutInMilliseconds).
  const armServerTimeout = (ctx: CodecContext) => {
    if (serverTimeoutMs <= 0) return;
    cancelServerTimeout?.();
    cancelServerTimeout = ctx.setTimer(serverTimeoutMs, () => {
      ctx.reconnect(
        new WsxError(
          'heartbeat-timeout',
          `nothing from the SignalR server in ${serverTimeoutMs} ms: it looks dead`,
        ),
      );
    });
  };

  const onRecord = (ctx: CodecContext, frame: Incoming, text: string) => {
    let record: HubRecord;
    try {
      record = JSON.parse(text) as HubRecord;
    } catch {
      record = {};
    }
    const id = typeof record.invocationId === 'string' ? record.invocationId : undefined;
    const ask = id === undefined ? undefined : pending.get(id);
    const rtt = ask && !ask.hasAnswered ? { rttMs: ctx.now() - ask.sentAt } : {};
    if (ask) ask.hasAnswered = true;
    const json = record;
    const base = { text, json, ...(id === undefined ? {} : { id }), frame };
    switch (record.type) {
      case Type.Invocation:
      case Type.StreamInvocation: {
        const args = Array.isArray(record.arguments) ? record.arguments : [];
        const summary = [String(record.target), ...args.map((a) => JSON.stringify(a))].join(' ');
        ctx.deliver({ kind: 'event', ...base, summary });
        return;
      }
      case Type.StreamItem:
        ctx.deliver({ kind: 'next', ...base, ...rtt, summary: `#${id} ${JSON.stringify(record.item)}` });
        return;
      case Type.Completion: {
        if (id !== undefined) pending.delete(id);
        if (record.error !== undefined) {
          ctx.deliver({
            kind: 'error',
            ...base,
            ...rtt,
            isError: true,
            summary: `#${id} ${ask ? `${ask.target} ` : ''}error: ${words(record.error)}`,
          });
        } else if (ask?.isStream) {
          ctx.deliver({ kind: 'complete', ...base, ...rtt });
        } else {
          const result = 'result' in record ? JSON.stringify(record.result) : '(no result)';
          ctx.deliver({
            kind: 'response',
            ...base,
            ...rtt,
            summary: `#${id} ${ask ? `${ask.target} ` : ''}${result}`,
          });
        }
        return;
      }
      case Type.Ping:
        return;
      case Type.Close: {
        const why = typeof record.error === 'string' ? record.error : '';
        if (record.allowReconnect === true) {
          ctx.reconnect(
            new WsxError(
              'closed-by-peer',
              `the SignalR server closed the connection${why ? `: ${why}` : ''}`,
            ),
          );
        } else if (why) {
          ctx.fail(
            new WsxError('protocol', `the SignalR server closed the connection with an error: ${why}`),
          );
        } else ctx.note('the SignalR server closed the connection');
        return;
      }
      default:
        ctx.deliver({ kind: 'invalid', text, frame });
    }
  };

  const invoke = (ctx: CodecContext, record: Record<string, unknown>) => {
    if (isReady) sendRecord(ctx, record);
    else outbox.push(record);
  };

  return {
    name: 'signalr',

    target(url, protocols) {
      const u = new URL(url);
      if (u.protocol === 'http:') u.protocol = 'ws:';
      if (u.protocol === 'https:') u.protocol = 'wss:';
      return { url: u.toString(), protocols };
    },

    // Before every socket, as the official client: the connection token is good for one connection.
    prepareSocket: negotiate,

    opened(ctx) {
      isReady = false;
      ctx.sendOwn(JSON.stringify({ protocol: 'json', version: 1 }) + recordSeparator);
    },

    received(frame, ctx) {
      armServerTimeout(ctx);
      const records = frame.isBinary ? undefined : splitRecords(frame.data.toString('utf8'));
      if (!records) {
        ctx.deliver({ kind: 'invalid', text: frame.data.toString('utf8'), frame });
        return;
      }
      let rest = records;
      if (!isReady) {
        const [first = '', ...others] = records;
        rest = others;
        let answer: { error?: unknown };
        try {
          answer = JSON.parse(first) as { error?: unknown };
        } catch {
          answer = { error: `not a handshake response: ${first.slice(0, 100)}` };
        }
        if (answer.error !== undefined) {
          ctx.fail(
            new WsxError('refused', `the SignalR server refused the handshake: ${words(answer.error)}`, {
              hint: 'check the hub URL',
            }),
          );
          return;
        }
        isReady = true;
        schedulePing(ctx);
        const queued = outbox;
        outbox = [];
        for (const record of queued) sendRecord(ctx, record);
        ctx.ready('SignalR handshake done (json protocol 1)');
      }
      for (const text of rest) onRecord(ctx, frame, text);
    },

    closed(_code, _reason, ctx) {
      isReady = false;
      stopTimers();
      if (pending.size > 0)
        ctx.note(`${pending.size} SignalR invocation(s) still unanswered when the socket closed`);
      pending.clear();
      return undefined;
    },

    input(line, ctx) {
      const text = line.trim();
      if (text === '') return;
      if (text.startsWith('{')) {
        let record: Record<string, unknown>;
        try {
          record = JSON.parse(text) as Record<string, unknown>;
        } catch (err) {
          throw new InputError(`not valid JSON: ${(err as Error).message}`);
        }
        if (typeof record.type !== 'number')
          throw new InputError('a hub message record needs a numeric "type"');
        if (typeof record.invocationId === 'string' && typeof record.target === 'string')
          pending.set(record.invocationId, {
            target: record.target,
            isStream: record.type === Type.StreamInvocation,
            sentAt: ctx.now(),
            hasAnswered: false,
          });
        invoke(ctx, record);
        return;
      }
      const m = /^(?:(send|stream)\s+)?([A-Za-z_][\w.]*)\s*(.*)$/s.exec(text);
      if (!m) throw new InputError('write Method arg1 arg2 (args as JSON), send Method … or stream Method …');
      const [, verb, target = '', rest = ''] = m;
      const args = parseArguments(rest);
      if (verb === 'send') {
        invoke(ctx, { type: Type.Invocation, target, arguments: args });
        return;
      }
      const invocationId = String(nextId++);
      const isStream = verb === 'stream';
      pending.set(invocationId, { target, isStream, sentAt: ctx.now(), hasAnswered: false });
      invoke(ctx, {
        type: isStream ? Type.StreamInvocation : Type.Invocation,
        invocationId,
        target,
        arguments: args,
      });
    },

    dispose: stopTimers,
  };
}
