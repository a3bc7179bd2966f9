// Socket.IO v4 over its WebSocket transport: Engine.IO open/ping/pong, namespace CONNECT, events and acks.
// Framing comes from engine.io-parser and socket.io-parser; the socket, queue and reconnect stay the core's.

import { decodePacket, encodePacket, type Packet as EioPacket } from 'engine.io-parser';
import { Decoder, Encoder, PacketType, type Packet } from 'socket.io-parser';
import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';
import { fromBinaryJson, toBinaryJson } from './binary-json.js';
import { InputError, type Codec, type CodecContext } from './codec.js';

export interface SocketIoOptions {
  /** The Engine.IO endpoint's path. Default '/socket.io/' (the server's `path` option). */
  path?: string;
  /** Namespace to join. Default: the URL's path if it has one (as socket.io-client reads it), else '/'. */
  namespace?: string;
  /** The CONNECT packet's auth payload (the server reads it as `socket.handshake.auth`). */
  auth?: Record<string, unknown>;
}

// Names the client library itself reserves: emitting them would confuse the server's handlers.
const reservedEvents = new Set(['connect', 'connect_error', 'disconnect', 'disconnecting']);

/** The Engine.IO open packet's body (https://socket.io/docs/v4/engine-io-protocol/). */
interface OpenInfo {
  sid: string;
  pingInterval: number;
  pingTimeout: number;
}

export function socketIoCodec(opts: SocketIoOptions = {}): Codec {
  const encoder = new Encoder();
  let decoder: Decoder | undefined;
  let nsp = opts.namespace ?? '/';
  let isConnected = false;
  /** Emits typed before the namespace CONNECT was answered; sent in order once it is. */
  let held: Packet[] = [];
  let nextAckId = 0;
  const acks = new Map<number, { event: string; sentAt: number }>();
  let deadAfterMs = 0;
  let cancelDeadTimer: CancelTimer | undefined;

  const sendEio = (ctx: CodecContext, packet: EioPacket) =>
    // encodePacket calls back at once in Node; supportsBinary: attachments go out as binary frames.
    encodePacket(packet, true, (encoded: string | Buffer) => ctx.send(encoded));

  const sendPacket = (ctx: CodecContext, packet: Packet) => {
    const parts = encoder.encode(packet) as (string | Buffer)[];
    const ack = packet.id === undefined ? undefined : acks.get(packet.id);
    parts.forEach((part, i) => {
      // An ack's round trip starts when the socket takes the packet's last frame.
      const onWritten = i === parts.length - 1 && ack ? (at: number) => (ack.sentAt = at) : undefined;
      encodePacket({ type: 'message', data: part }, true, (encoded: string | Buffer) =>
        ctx.send(encoded, onWritten),
      );
    });
  };

  /** A server that stops pinging past pingInterval + pingTimeout is gone (the client library's own rule). */
  const armDeadTimer = (ctx: CodecContext) => {
    cancelDeadTimer?.();
    if (deadAfterMs <= 0) return;
    cancelDeadTimer = ctx.setTimer(deadAfterMs, () => {
      cancelDeadTimer = undefined;
      ctx.reconnect(
        new WsxError('heartbeat-timeout', `no Socket.IO ping for ${deadAfterMs} ms: the server looks dead`),
      );
    });
  };

  const onPacket = (packet: Packet, frame: Incoming, ctx: CodecContext) => {
    if (packet.nsp !== nsp) return;
    switch (packet.type) {
      case PacketType.CONNECT: {
        isConnected = true;
        const sid = (packet.data as { sid?: string } | undefined)?.sid;
        // The held emits first: a `ready` listener may emit at once, and that must come after them.
        for (const p of held.splice(0)) sendPacket(ctx, p);
        ctx.ready(`Socket.IO namespace ${nsp} connected${sid ? ` (sid ${sid})` : ''}`);
        return;
      }
      case PacketType.CONNECT_ERROR: {
        const data = packet.data as { message?: unknown; data?: unknown } | undefined;
        const why = typeof data?.message === 'string' ? data.message : JSON.stringify(data);
        const extra = data?.data === undefined ? '' : ` ${JSON.stringify(data.data)}`;
        ctx.fail(
          new WsxError('refused', `the Socket.IO server refused namespace ${nsp}: ${why}${extra}`, {
            hint: 'check --auth and --namespace',
          }),
        );
        return;
      }
      case PacketType.DISCONNECT:
        ctx.fail(new WsxError('closed-by-peer', `the Socket.IO server disconnected namespace ${nsp}`));
        return;
      case PacketType.EVENT:
      case PacketType.BINARY_EVENT: {
        const args = toBinaryJson(packet.data) as unknown[];
        ctx.deliver({
          kind: 'event',
          text: JSON.stringify(args),
          json: args,
          ...(packet.id === undefined ? {} : { id: packet.id }),
          frame,
        });
        return;
      }
      case PacketType.ACK:
      case PacketType.BINARY_ACK: {
        const id = packet.id ?? -1;
        const pending = acks.get(id);
        acks.delete(id);
        const answer = { ack: id, event: pending?.event ?? null, args: toBinaryJson(packet.data) };
        ctx.deliver({
          kind: 'ack',
          text: JSON.stringify(answer),
          json: answer,
          id,
          ...(pending ? { rttMs: ctx.now() - pending.sentAt } : {}),
          frame,
        });
        return;
      }
    }
  };

  return {
    name: 'socketio',

    target(url, protocols) {
      const u = new URL(url);
      if (u.protocol === 'http:') u.protocol = 'ws:';
      if (u.protocol === 'https:') u.protocol = 'wss:';
      // socket.io-client reads the URL's path as the namespace: io("http://host/chat") joins /chat.
      if (opts.namespace === undefined && u.pathname !== '/' && u.pathname !== '')
        nsp = u.pathname.replace(/\/$/, '');
      let path = opts.path ?? '/socket.io/';
      if (!path.startsWith('/')) path = `/${path}`;
      if (!path.endsWith('/')) path = `${path}/`;
      u.pathname = path;
      u.searchParams.set('EIO', '4');
      u.searchParams.set('transport', 'websocket');
      return { url: u.toString(), protocols };
    },

    opened() {
      // Engine.IO speaks first: its open packet arrives, then we send CONNECT (see received).
      isConnected = false;
      decoder?.destroy();
      decoder = new Decoder();
    },

    received(frame, ctx) {
      armDeadTimer(ctx);
      const eio = decodePacket(frame.isBinary ? frame.data : frame.data.toString('utf8'), 'nodebuffer');
      switch (eio.type) {
        case 'open': {
          const info = JSON.parse(String(eio.data)) as OpenInfo;
          deadAfterMs = info.pingInterval + info.pingTimeout;
          armDeadTimer(ctx);
          sendPacket(ctx, { type: PacketType.CONNECT, nsp, ...(opts.auth ? { data: opts.auth } : {}) });
          return;
        }
        case 'ping':
          ctx.keepAlive();
          sendEio(ctx, { type: 'pong' });
          return;
        case 'message': {
          const d = decoder ?? new Decoder();
          decoder = d;
          d.off('decoded');
          d.on('decoded', (packet: Packet) => onPacket(packet, frame, ctx));
          try {
            d.add(eio.data);
          } catch (err) {
            ctx.deliver({
              kind: 'invalid',
              text: frame.isBinary ? frame.data.toString('base64') : frame.data.toString('utf8'),
              frame,
            });
            ctx.note(`unreadable Socket.IO packet: ${(err as Error).message}`);
          }
          return;
        }
        case 'error':
          ctx.deliver({ kind: 'invalid', text: frame.data.toString('utf8'), frame });
          ctx.note('unreadable Engine.IO packet');
          return;
        default:
          // close, pong, upgrade, noop: nothing for the user.
          if (eio.type === 'pong' || eio.type === 'noop') ctx.keepAlive();
          return;
      }
    },

    closed(_code, _reason, ctx) {
      cancelDeadTimer?.();
      cancelDeadTimer = undefined;
      isConnected = false;
      if (acks.size > 0) {
        ctx.note(`${acks.size} ack(s) will not be answered: the socket closed`);
        acks.clear();
      }
      return undefined;
    },

    input(line, ctx) {
      const text = line.trim();
      const wantsAck = /^ack\s/.test(text);
      const json = wantsAck ? text.slice(3).trim() : text;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch {
        throw new InputError('a Socket.IO line is a JSON array ["event", args…] (or ack ["event", args…])');
      }
      if (!Array.isArray(value) || typeof value[0] !== 'string')
        throw new InputError('a Socket.IO line is a JSON array whose first item is the event name');
      const event = value[0];
      if (reservedEvents.has(event)) throw new InputError(`"${event}" is a reserved Socket.IO event name`);
      const packet: Packet = { type: PacketType.EVENT, nsp, data: fromBinaryJson(value) };
      if (wantsAck) {
        packet.id = nextAckId++;
        acks.set(packet.id, { event, sentAt: ctx.now() });
      }
      if (isConnected) sendPacket(ctx, packet);
      else held.push(packet);
    },

    dispose() {
      cancelDeadTimer?.();
      cancelDeadTimer = undefined;
      decoder?.destroy();
      held = [];
    },
  };
}
