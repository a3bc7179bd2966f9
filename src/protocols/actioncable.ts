// Rails ActionCable over WebSocket (subprotocol actioncable-v1-json): the server's welcome, its pings every
// 3 s, subscribe/unsubscribe by an identifier that is itself a JSON string, confirm/reject, and `message`
// commands whose data is a JSON string with the action. The user writes plain JSON; the codec double-encodes.
// (actioncable/app/javascript/action_cable in rails/rails)

import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import { commandOf, InputError, type Codec, type CodecContext } from './codec.js';
import { readJsonValue } from './json-values.js';

export const actionCableProtocols = ['actioncable-v1-json', 'actioncable-unsupported'];

export interface ActionCableOptions {
  /** No ping from the server for this long: reconnect, ms (the official client: 2 × 3 s = 6000). */
  staleMs?: number;
}

interface ServerMessage {
  type?: unknown;
  identifier?: unknown;
  message?: unknown;
  reason?: unknown;
  reconnect?: unknown;
}

interface Subscription {
  sentAt: number;
  isConfirmed: boolean;
  /** Typed before the welcome: its subscribe waits in the outbox, in the order typed. */
  isQueued: boolean;
}

/** An identifier string as the user reads it: the JSON object it encodes, or the string itself. */
function decodeIdentifier(identifier: unknown): unknown {
  if (typeof identifier !== 'string') return identifier;
  try {
    return JSON.parse(identifier);
  } catch {
    return identifier;
  }
}

function channelOf(identifier: unknown): string {
  const decoded = decodeIdentifier(identifier) as { channel?: unknown } | undefined;
  return typeof decoded?.channel === 'string' ? decoded.channel : JSON.stringify(identifier);
}

export function actionCableCodec(opts: ActionCableOptions = {}): Codec {
  const staleMs = opts.staleMs ?? 6_000;
  /** Subscriptions by identifier string, in the order made: each is made again after a reconnect. */
  const subscriptions = new Map<string, Subscription>();
  /** Lines typed before the welcome, sent in the order typed after it (after the resubscriptions). */
  let outbox: (() => void)[] = [];
  let isWelcomed = false;
  let cancelStale: CancelTimer | undefined;

  const stopTimers = () => {
    cancelStale?.();
    cancelStale = undefined;
  };

  // As the official client's ConnectionMonitor: the server pings every 3 s; two missed, it is stale.
  const armStale = (ctx: CodecContext) => {
    if (staleMs <= 0) return;
    cancelStale?.();
    cancelStale = ctx.setTimer(staleMs, () => {
      ctx.reconnect(
        new WsxError('heartbeat-timeout', `no ActionCable ping within ${staleMs} ms: the server looks dead`),
      );
    });
  };

  const send = (ctx: CodecContext, command: Record<string, unknown>) => {
    const frame = JSON.stringify(command);
    if (isWelcomed) ctx.send(frame);
    else outbox.push(() => ctx.send(frame));
  };

  const subscribe = (ctx: CodecContext, identifier: string, sub: Subscription) => {
    sub.sentAt = ctx.now();
    sub.isConfirmed = false;
    ctx.send(JSON.stringify({ command: 'subscribe', identifier }), (at) => (sub.sentAt = at));
  };

  /** The identifier the line names: a JSON object as written, or a channel name alone. */
  const readIdentifier = (text: string): { identifier: string; end: number } => {
    const start = text.length - text.trimStart().length;
    if (text.trimStart().startsWith('{')) {
      const { value, end } = readJsonValue(text, start, 'the identifier');
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw new InputError('the identifier must be a JSON object: {"channel":"ChatChannel",…}');
      return { identifier: JSON.stringify(value), end };
    }
    // A Ruby class name (Chat::RoomChannel): anything else is a mistyped identifier, not a channel.
    const m = /^\s*([A-Za-z_][\w:]*)(?=\s|$)/.exec(text);
    if (!m) throw new InputError('name a channel: ChatChannel or {"channel":"ChatChannel","room":"1"}');
    return { identifier: JSON.stringify({ channel: m[1] }), end: m[0].length };
  };

  /** A channel name alone names the one subscription to that channel, whatever its other params. */
  const resolve = (identifier: string): string => {
    if (subscriptions.has(identifier)) return identifier;
    const channel = (JSON.parse(identifier) as { channel?: unknown }).channel;
    const byChannel = [...subscriptions.keys()].filter((id) => channelOf(id) === channel);
    if (byChannel.length === 1) return byChannel[0]!;
    if (byChannel.length > 1)
      throw new InputError(`${String(channel)}: several subscriptions; write the whole identifier JSON`);
    throw new InputError(`not subscribed to ${identifier}: subscribe first`);
  };

  return {
    name: 'actioncable',

    target(url, protocols) {
      const u = new URL(url);
      if (u.protocol === 'http:') u.protocol = 'ws:';
      if (u.protocol === 'https:') u.protocol = 'wss:';
      return { url: u.toString(), protocols: [...protocols, ...actionCableProtocols] };
    },

    opened(ctx) {
      // The server speaks first: its welcome (see received).
      isWelcomed = false;
      if (ctx.protocol() !== actionCableProtocols[0])
        ctx.note('the server chose no actioncable-v1-json subprotocol');
      armStale(ctx);
    },

    received(frame, ctx) {
      armStale(ctx);
      let msg: ServerMessage;
      try {
        msg = JSON.parse(frame.data.toString('utf8')) as ServerMessage;
      } catch {
        msg = {};
      }
      const identifier = typeof msg.identifier === 'string' ? msg.identifier : undefined;
      const sub = identifier === undefined ? undefined : subscriptions.get(identifier);
      switch (msg.type) {
        case 'welcome': {
          isWelcomed = true;
          const again = [...subscriptions.values()].filter((s) => !s.isQueued);
          for (const [id, s] of subscriptions) if (!s.isQueued) subscribe(ctx, id, s);
          const queued = outbox;
          outbox = [];
          for (const run of queued) run();
          ctx.ready(
            again.length > 0
              ? `ActionCable welcome; subscribing again to ${again.length} channel(s)`
              : 'ActionCable welcome',
          );
          return;
        }
        case 'ping':
          // Keep-alive: it does not hold a pipe past --wait.
          ctx.keepAlive();
          return;
        case 'disconnect': {
          const reason = typeof msg.reason === 'string' ? msg.reason : 'no reason given';
          const err = new WsxError(
            msg.reconnect === false ? 'refused' : 'closed-by-peer',
            `the ActionCable server disconnected us: ${reason}`,
            reason === 'unauthorized'
              ? { hint: 'check the cookies or token the connection is identified by' }
              : {},
          );
          if (msg.reconnect === false) ctx.fail(err);
          else ctx.reconnect(err);
          return;
        }
        case 'confirm_subscription':
        case 'reject_subscription': {
          const isConfirmed = msg.type === 'confirm_subscription';
          if (identifier !== undefined && !isConfirmed) subscriptions.delete(identifier);
          const json = { type: msg.type, identifier: decodeIdentifier(msg.identifier) };
          const rtt = sub && !sub.isConfirmed ? { rttMs: ctx.now() - sub.sentAt } : {};
          if (sub) sub.isConfirmed = isConfirmed;
          ctx.deliver({
            kind: isConfirmed ? 'response' : 'error',
            text: JSON.stringify(json),
            json,
            ...(isConfirmed ? {} : { isError: true }),
            ...(identifier === undefined ? {} : { id: identifier }),
            ...rtt,
            summary: `${channelOf(msg.identifier)} ${isConfirmed ? 'subscribed' : 'rejected the subscription'}`,
            frame,
          });
          return;
        }
        default: {
          if (identifier !== undefined && 'message' in msg) {
            const json = { identifier: decodeIdentifier(identifier), message: msg.message };
            ctx.deliver({
              kind: 'event',
              text: JSON.stringify(json),
              json,
              id: identifier,
              summary: `${channelOf(identifier)} ${JSON.stringify(msg.message)}`,
              frame,
            });
            return;
          }
          ctx.deliver({ kind: 'invalid', text: frame.data.toString('utf8'), frame });
        }
      }
    },

    closed(_code, _reason, ctx) {
      isWelcomed = false;
      stopTimers();
      const unconfirmed = [...subscriptions.values()].filter((s) => !s.isConfirmed).length;
      if (unconfirmed > 0)
        ctx.note(`${unconfirmed} subscription(s) still unconfirmed when the socket closed`);
      return undefined;
    },

    input(line, ctx) {
      const command = commandOf(line);
      if (!command) return;
      const { verb, rest } = command;
      switch (verb) {
        case 'subscribe': {
          const { identifier, end } = readIdentifier(rest);
          if (rest.slice(end).trim() !== '')
            throw new InputError(`subscribe takes one identifier: ${rest.slice(end)}`);
          if (subscriptions.has(identifier)) throw new InputError(`already subscribed to ${identifier}`);
          const sub: Subscription = { sentAt: ctx.now(), isConfirmed: false, isQueued: !isWelcomed };
          subscriptions.set(identifier, sub);
          if (isWelcomed) subscribe(ctx, identifier, sub);
          else
            outbox.push(() => {
              sub.isQueued = false;
              subscribe(ctx, identifier, sub);
            });
          return;
        }
        case 'unsubscribe': {
          const identifier = resolve(readIdentifier(rest).identifier);
          subscriptions.delete(identifier);
          send(ctx, { command: 'unsubscribe', identifier });
          return;
        }
        case 'perform': {
          const { identifier: named, end } = readIdentifier(rest);
          const identifier = resolve(named);
          const m = /^\s*(\S+)\s*(.*)$/s.exec(rest.slice(end));
          if (!m) throw new InputError('perform needs an action: perform ChatChannel speak {"text":"hi"}');
          const [, action = '', body = ''] = m;
          let data: Record<string, unknown> = {};
          if (body.trim() !== '') {
            const { value, end: bodyEnd } = readJsonValue(body, 0, 'the data');
            if (value === null || typeof value !== 'object' || Array.isArray(value))
              throw new InputError('the data must be a JSON object: {"text":"hi"}');
            if (body.slice(bodyEnd).trim() !== '')
              throw new InputError(`unexpected after the data: ${body.slice(bodyEnd)}`);
            data = value as Record<string, unknown>;
          }
          // The official client's perform(action, data): data with "action" added, sent as a JSON string.
          send(ctx, { command: 'message', identifier, data: JSON.stringify({ ...data, action }) });
          return;
        }
        default:
          throw new InputError(
            `unknown ActionCable line "${verb}": use subscribe {identifier}, perform CHANNEL ACTION {data} or unsubscribe CHANNEL`,
          );
      }
    },

    dispose: stopTimers,
  };
}
