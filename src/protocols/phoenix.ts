// Phoenix Channels over WebSocket, the V2 JSON serializer (`/socket/websocket?vsn=2.0.0`): every message is
// the array [join_ref, ref, topic, event, payload]. Joins, leaves and pushes get refs and their `phx_reply`
// answers a round trip; the `phoenix` topic carries the heartbeat. A URL with `vsn=1.0.0` gets the V1
// serializer's object form instead, {topic, event, payload, ref, join_ref}, as Supabase Realtime speaks it.
// (https://hexdocs.pm/phoenix/writing_a_channels_client.html)

import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';
import { commandOf, InputError, type Codec, type CodecContext } from './codec.js';

export interface PhoenixOptions {
  /** Merged into every phx_join's params (--init JSON: a token kept out of the typed lines, masked). */
  init?: Record<string, unknown>;
  /** The heartbeat period, ms (phoenix.js: 30000); a heartbeat still unanswered at the next: reconnect. */
  heartbeatMs?: number;
}

type Ref = string | null;
type WireMessage = [Ref, Ref, string, string, unknown];

interface Channel {
  joinRef: string;
  params: Record<string, unknown>;
  /** Left by the user: not joined again after a reconnect. */
  isLeaving: boolean;
}

interface Pending {
  topic: string;
  event: string;
  sentAt: number;
}

const heartbeatTopic = 'phoenix';

/** The V1 form's object as the V2 array; V1 replies carry no join_ref. */
function fromObject(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const o = value as Record<string, unknown>;
  return [o.join_ref ?? null, o.ref ?? null, o.topic, o.event, o.payload];
}

function parseWire(text: string, isObjectForm = false): WireMessage | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (isObjectForm) value = fromObject(value);
  if (!Array.isArray(value) || value.length !== 5) return undefined;
  const [joinRef, ref, topic, event] = value as unknown[];
  const isRef = (r: unknown) => r === null || typeof r === 'string';
  if (!isRef(joinRef) || !isRef(ref) || typeof topic !== 'string' || typeof event !== 'string')
    return undefined;
  return value as WireMessage;
}

function jsonValue(text: string, what: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what}: not valid JSON (${(err as Error).message})`);
  }
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  const value = jsonValue(text, what);
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new InputError(`${what}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** Phoenix picks the serializer by vsn: "~> 1.0.0" is V1's object form. */
const isV1 = (vsn: string | null) => vsn !== null && /^1\./.test(vsn);

export function phoenixCodec(opts: PhoenixOptions = {}): Codec {
  const heartbeatMs = opts.heartbeatMs ?? 30_000;
  /** V1's {topic, event, payload, ref, join_ref} (vsn=1.0.0, Supabase Realtime) instead of V2's array. */
  let isObjectForm = false;
  const encode = (joinRef: Ref, ref: string, topic: string, event: string, payload: unknown) =>
    JSON.stringify(
      isObjectForm
        ? { topic, event, payload, ref, ...(joinRef === null ? {} : { join_ref: joinRef }) }
        : [joinRef, ref, topic, event, payload],
    );
  const channels = new Map<string, Channel>();
  const pending = new Map<string, Pending>();
  /** Lines typed while no socket was open, sent in the order typed once one is (after the rejoins). */
  let outbox: (() => void)[] = [];
  let nextRef = 1;
  let isOpen = false;
  let heartbeatRef: string | undefined;
  let cancelHeartbeat: CancelTimer | undefined;

  const stopTimers = () => {
    cancelHeartbeat?.();
    cancelHeartbeat = undefined;
    heartbeatRef = undefined;
  };

  const send = (ctx: CodecContext, joinRef: Ref, topic: string, event: string, payload: unknown) => {
    const ref = String(nextRef++);
    const entry: Pending = { topic, event, sentAt: ctx.now() };
    pending.set(ref, entry);
    ctx.send(encode(joinRef, ref, topic, event, payload), (at) => (entry.sentAt = at));
    return ref;
  };

  const join = (ctx: CodecContext, topic: string, channel: Channel) => {
    // A join's ref is its join_ref: every later message of this channel carries it.
    const ref = String(nextRef);
    channel.joinRef = ref;
    send(ctx, ref, topic, 'phx_join', channel.params);
  };

  // Like phoenix.js: one heartbeat in flight; still unanswered when the next is due, the server is gone.
  const scheduleHeartbeat = (ctx: CodecContext) => {
    if (heartbeatMs <= 0) return;
    cancelHeartbeat = ctx.setTimer(heartbeatMs, () => {
      if (heartbeatRef !== undefined) {
        heartbeatRef = undefined;
        ctx.reconnect(
          new WsxError(
            'heartbeat-timeout',
            `no Phoenix heartbeat reply within ${heartbeatMs} ms: the server looks dead`,
          ),
        );
        return;
      }
      heartbeatRef = String(nextRef++);
      ctx.sendOwn(encode(null, heartbeatRef, heartbeatTopic, 'heartbeat', {}));
      scheduleHeartbeat(ctx);
    });
  };

  const deliverReply = (ctx: CodecContext, frame: Incoming, msg: WireMessage, ask: Pending | undefined) => {
    const [joinRef, ref, topic, , payload] = msg;
    const { status, response } = (payload ?? {}) as { status?: unknown; response?: unknown };
    const isOk = status === 'ok';
    if (ask?.event === 'phx_join') {
      const channel = channels.get(topic);
      // A join's ref is its join_ref; V1 replies carry only the ref.
      if (!isOk && channel?.joinRef === (joinRef ?? ref)) channels.delete(topic);
    }
    if (ask?.event === 'phx_leave') channels.delete(topic);
    const json = { topic, ref, status, response };
    const answers = ask ? ` ${ask.event}` : '';
    ctx.deliver({
      kind: isOk ? 'response' : 'error',
      text: JSON.stringify(json),
      json,
      ...(isOk ? {} : { isError: true }),
      ...(ref === null ? {} : { id: ref }),
      ...(ask ? { rttMs: ctx.now() - ask.sentAt } : {}),
      summary: `${ref === null ? '' : `#${ref} `}${topic}${answers} ${String(status)} ${JSON.stringify(response ?? {})}`,
      frame,
    });
  };

  return {
    name: 'phoenix',

    target(url, protocols) {
      const u = new URL(url);
      if (u.protocol === 'http:') u.protocol = 'ws:';
      if (u.protocol === 'https:') u.protocol = 'wss:';
      // phoenix.js: new Socket("/socket") opens /socket/websocket?vsn=2.0.0.
      const path = u.pathname.replace(/\/+$/, '');
      if (!path.endsWith('/websocket')) u.pathname = `${path}/websocket`;
      if (!u.searchParams.has('vsn')) u.searchParams.set('vsn', '2.0.0');
      isObjectForm = isV1(u.searchParams.get('vsn'));
      return { url: u.toString(), protocols };
    },

    opened(ctx) {
      isOpen = true;
      pending.clear();
      heartbeatRef = undefined;
      // Channels joined on an earlier socket are joined again, as phoenix.js rejoins them; channels whose
      // join waits in the outbox go out with it, in the order typed.
      let again = 0;
      for (const [topic, channel] of channels) {
        if (channel.joinRef === '') continue;
        if (channel.isLeaving) {
          channels.delete(topic);
          continue;
        }
        again++;
        join(ctx, topic, channel);
      }
      const queued = outbox;
      outbox = [];
      for (const run of queued) run();
      scheduleHeartbeat(ctx);
      // Last: a `ready` listener may type a join at once, which must not be in the loop above.
      ctx.ready(again > 0 ? `Phoenix socket open; joining ${again} topic(s) again` : 'Phoenix socket open');
    },

    received(frame, ctx) {
      const msg = frame.isBinary ? undefined : parseWire(frame.data.toString('utf8'), isObjectForm);
      if (!msg) {
        ctx.deliver({ kind: 'invalid', text: frame.data.toString('utf8'), frame });
        return;
      }
      const [, ref, topic, event, payload] = msg;
      if (topic === heartbeatTopic && event === 'phx_reply' && ref !== null && ref === heartbeatRef) {
        heartbeatRef = undefined;
        // Keep-alive: it does not hold a pipe past --wait.
        ctx.keepAlive();
        return;
      }
      if (event === 'phx_reply') {
        const ask = ref === null ? undefined : pending.get(ref);
        if (ref !== null) pending.delete(ref);
        deliverReply(ctx, frame, msg, ask);
        return;
      }
      const json = { topic, event, payload };
      // phx_error: the channel's process on the server crashed; phx_close: the server closed the channel.
      const isError = event === 'phx_error';
      if (isError || event === 'phx_close') channels.delete(topic);
      ctx.deliver({
        kind: isError ? 'error' : 'event',
        text: JSON.stringify(json),
        json,
        ...(isError ? { isError: true } : {}),
        summary: `${topic} ${event} ${JSON.stringify(payload)}`,
        frame,
      });
    },

    closed(_code, _reason, ctx) {
      isOpen = false;
      stopTimers();
      const unanswered = [...pending.values()].filter((p) => p.topic !== heartbeatTopic).length;
      if (unanswered > 0)
        ctx.note(`${unanswered} Phoenix message(s) still unanswered when the socket closed`);
      pending.clear();
      return undefined;
    },

    input(line, ctx) {
      const command = commandOf(line);
      if (!command) return;
      const { verb, rest } = command;
      switch (verb) {
        case 'join': {
          const m = /^(\S+)\s*(.*)$/s.exec(rest);
          if (!m) throw new InputError('join needs a topic: join room:lobby {"params":…}');
          const topic = m[1]!;
          const params = { ...opts.init, ...(m[2] ? jsonObject(m[2], 'join params') : {}) };
          const existing = channels.get(topic);
          if (existing && !existing.isLeaving)
            throw new InputError(`already joined ${topic}: leave it first`);
          const channel: Channel = { joinRef: '', params, isLeaving: false };
          channels.set(topic, channel);
          if (isOpen) join(ctx, topic, channel);
          else outbox.push(() => join(ctx, topic, channel));
          return;
        }
        case 'leave': {
          const topic = rest.trim();
          const channel = channels.get(topic);
          if (!topic || !channel) throw new InputError(`not joined to ${topic || '(no topic)'}: leave TOPIC`);
          channel.isLeaving = true;
          const leave = () => send(ctx, channel.joinRef, topic, 'phx_leave', {});
          if (isOpen) leave();
          else if (channel.joinRef === '') outbox.push(leave);
          else channels.delete(topic);
          return;
        }
        case 'push': {
          const m = /^(\S+)\s+(\S+)\s*(.*)$/s.exec(rest);
          if (!m)
            throw new InputError('push needs a topic and an event: push room:lobby new_msg {"body":"hi"}');
          const [, topic = '', event = '', body = ''] = m;
          const channel = channels.get(topic);
          if (!channel || channel.isLeaving)
            throw new InputError(`not joined to ${topic}: join ${topic} first`);
          const payload = body ? jsonValue(body, 'push payload') : {};
          const push = () => send(ctx, channel.joinRef, topic, event, payload);
          if (isOpen) push();
          else outbox.push(push);
          return;
        }
        default:
          throw new InputError(
            `unknown Phoenix line "${verb}": use join TOPIC {params}, push TOPIC EVENT {payload} or leave TOPIC`,
          );
      }
    },

    dispose: stopTimers,
  };
}
