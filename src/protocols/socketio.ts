// Socket.IO v4 over its WebSocket transport: Engine.IO open/ping/pong, namespace CONNECT, events and acks.
// The packet framing (https://socket.io/docs/v4/socket-io-protocol/) is written out here rather than taken
// from socket.io-parser, whose JSON.parse/JSON.stringify changed numbers (an id of 9007199254740993 left as
// ...992) and whose decoder stayed stuck after one bad binary packet. Events go out as typed and print as
// received; the socket, queue and reconnect stay the core's.

import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';
import { InputError, type Codec, type CodecContext } from './codec.js';
import { objectsStartingWith, parseJsonText, spliced, type Span } from './json-text.js';

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

/** Socket.IO packet types (the digit after Engine.IO's "4"). */
const CONNECT = 0;
const DISCONNECT = 1;
const EVENT = 2;
const ACK = 3;
const CONNECT_ERROR = 4;
const BINARY_EVENT = 5;
const BINARY_ACK = 6;

/** socket.io-parser's own limit on attachments per packet. */
const maxAttachments = 10;

/**
 * Longest dead-server wait honoured, ms: Node fires a timer of 2^31 ms or more after 1 ms, and a server
 * that announced pingInterval 1e12 made the codec reconnect hundreds of times a second.
 */
const maxDeadAfterMs = 2 ** 31 - 1;

/** One Socket.IO packet as received: its header read, its payload still the text the server wrote. */
interface Packet {
  type: number;
  attachments: number;
  nsp: string;
  id: number | undefined;
  /** The JSON payload's text ('' when there is none). */
  data: string;
  /** The payload, parsed (undefined when there is none). */
  value: unknown;
}

/** Reads a Socket.IO packet's text as socket.io-parser does; throws an Error naming what is wrong. */
function decodePacket(str: string): Packet {
  const type = Number(str.charAt(0));
  if (!/^[0-6]$/.test(str.charAt(0))) throw new Error(`unknown packet type "${str.charAt(0)}"`);
  let i = 1;
  let attachments = 0;
  if (type === BINARY_EVENT || type === BINARY_ACK) {
    const dash = str.indexOf('-', i);
    const count = dash < 0 ? NaN : Number(str.slice(i, dash));
    if (!Number.isInteger(count) || count < 1 || count > maxAttachments || !/^\d+$/.test(str.slice(i, dash)))
      throw new Error('illegal attachment count');
    attachments = count;
    i = dash + 1;
  }
  let nsp = '/';
  if (str.charAt(i) === '/') {
    const comma = str.indexOf(',', i);
    const end = comma < 0 ? str.length : comma;
    nsp = str.slice(i, end);
    i = comma < 0 ? end : end + 1;
  }
  const idDigits = /^\d+/.exec(str.slice(i))?.[0];
  const id = idDigits === undefined ? undefined : Number(idDigits);
  if (idDigits !== undefined) i += idDigits.length;
  const data = str.slice(i);
  let value: unknown;
  if (data !== '') {
    try {
      value = JSON.parse(data);
    } catch {
      throw new Error('its payload is not JSON');
    }
  }
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  const isValid =
    type === CONNECT
      ? data === '' || isObject
      : type === DISCONNECT
        ? data === ''
        : type === CONNECT_ERROR
          ? typeof value === 'string' || isObject
          : type === EVENT || type === BINARY_EVENT
            ? Array.isArray(value) && (typeof value[0] === 'string' || typeof value[0] === 'number')
            : Array.isArray(value);
  if (!isValid) throw new Error('its payload does not fit its type');
  return { type, attachments, nsp, id, data, value };
}

/** The Engine.IO open packet's timers, checked: a server's values are not trusted blindly. */
function readOpenPacket(body: string): { deadAfterMs: number } {
  let info: unknown;
  try {
    info = JSON.parse(body);
  } catch {
    throw new Error('its open packet is not JSON');
  }
  const { pingInterval, pingTimeout } = (info ?? {}) as { pingInterval?: unknown; pingTimeout?: unknown };
  for (const [name, value] of [
    ['pingInterval', pingInterval],
    ['pingTimeout', pingTimeout],
  ] as const) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0)
      throw new Error(`its open packet has no valid ${name} (${JSON.stringify(value) ?? 'missing'})`);
  }
  return { deadAfterMs: Math.min((pingInterval as number) + (pingTimeout as number), maxDeadAfterMs) };
}

/** The payload text with each attachment placeholder replaced by {"$binary": base64}. */
function withAttachments(packet: Packet, buffers: Buffer[]): string {
  const { text, span } = parseJsonText(packet.data);
  const edits = objectsStartingWith(text, span, '_placeholder').map((at: Span) => {
    const p = JSON.parse(text.slice(at.start, at.end)) as { _placeholder?: unknown; num?: unknown };
    const buffer = typeof p.num === 'number' && p._placeholder === true ? buffers[p.num] : undefined;
    if (!buffer)
      throw new Error(`attachment placeholder ${text.slice(at.start, at.end)} names no attachment`);
    return { at, text: JSON.stringify({ $binary: buffer.toString('base64') }) };
  });
  return spliced(text, edits);
}

/**
 * Reads the frames wsx itself sent, in order (for --jsonl): each emit as the event line a received one is
 * shown as, with its ack id; the protocol's own frames (CONNECT, pongs) and unfinished binary emits give
 * undefined. The same packet reader as the codec's, so both directions are read alike.
 */
function sentEmitReader(): (frame: string | Buffer) => { text: string; id?: number } | undefined {
  let pending: { packet: Packet; buffers: Buffer[] } | undefined;
  return (frame) => {
    if (typeof frame !== 'string' && pending) {
      pending.buffers.push(frame);
      if (pending.buffers.length < pending.packet.attachments) return undefined;
      const { packet, buffers } = pending;
      pending = undefined;
      try {
        return {
          text: withAttachments(packet, buffers),
          ...(packet.id === undefined ? {} : { id: packet.id }),
        };
      } catch {
        return undefined;
      }
    }
    const text = typeof frame === 'string' ? frame : frame.toString('utf8');
    // Engine.IO message packets start with 4; the rest (pongs) are the protocol's.
    if (text.charAt(0) !== '4') return undefined;
    let packet: Packet;
    try {
      packet = decodePacket(text.slice(1));
    } catch {
      return undefined;
    }
    if (packet.type === BINARY_EVENT) {
      pending = { packet, buffers: [] };
      return undefined;
    }
    if (packet.type !== EVENT) return undefined;
    return { text: packet.data, ...(packet.id === undefined ? {} : { id: packet.id }) };
  };
}

/** A binary packet's header, waiting for its attachments. */
interface Reassembly {
  packet: Packet;
  frame: Incoming;
  buffers: Buffer[];
}

export function socketIoCodec(opts: SocketIoOptions = {}): Codec {
  let nsp = opts.namespace ?? '/';
  let isConnected = false;
  /** Emits typed before the namespace CONNECT was answered, as frames; sent in order once it is. */
  let held: { frames: (string | Buffer)[]; ackId: number | undefined }[] = [];
  let nextAckId = 0;
  /** Acks asked for, by id; `sentAt` is -1 while the emit is held. */
  const acks = new Map<number, { event: string; sentAt: number }>();
  let deadAfterMs = 0;
  let cancelDeadTimer: CancelTimer | undefined;
  let reassembly: Reassembly | undefined;

  /** The frames of one packet: a text frame, then its attachments as binary frames. */
  const sendFrames = (ctx: CodecContext, frames: (string | Buffer)[], ackId?: number) => {
    const ack = ackId === undefined ? undefined : acks.get(ackId);
    frames.forEach((f, i) => {
      // An ack's round trip starts when the socket takes the packet's last frame.
      const onWritten = i === frames.length - 1 && ack ? (at: number) => (ack.sentAt = at) : undefined;
      if (ack && i === frames.length - 1) ack.sentAt = ctx.now();
      ctx.send(f, onWritten);
    });
  };

  /** "4" (Engine.IO message) + the Socket.IO header for `type` in our namespace. */
  const header = (type: number, attachments = 0, id?: number) =>
    `4${type}${attachments > 0 ? `${attachments}-` : ''}${nsp === '/' ? '' : `${nsp},`}${id ?? ''}`;

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

  const unreadable = (ctx: CodecContext, frame: Incoming, why: string) => {
    ctx.deliver({
      kind: 'invalid',
      text: frame.isBinary ? frame.data.toString('base64') : frame.data.toString('utf8'),
      frame,
    });
    ctx.note(`unreadable Socket.IO packet: ${why}`);
  };

  const onPacket = (packet: Packet, data: string, frame: Incoming, ctx: CodecContext) => {
    if (packet.nsp !== nsp) return;
    switch (packet.type) {
      case CONNECT: {
        isConnected = true;
        const sid = (packet.value as { sid?: unknown } | undefined)?.sid;
        // The held emits first: a `ready` listener may emit at once, and that must come after them.
        for (const h of held.splice(0)) sendFrames(ctx, h.frames, h.ackId);
        ctx.ready(`Socket.IO namespace ${nsp} connected${typeof sid === 'string' ? ` (sid ${sid})` : ''}`);
        return;
      }
      case CONNECT_ERROR: {
        const value = packet.value as { message?: unknown; data?: unknown } | string;
        const why =
          typeof value === 'string' ? value : typeof value.message === 'string' ? value.message : data;
        const extra =
          typeof value === 'object' && value.data !== undefined ? ` ${JSON.stringify(value.data)}` : '';
        // Emits held for this CONNECT were never sent: counted as dropped, not as acks left unanswered.
        for (const [id, ack] of acks) if (ack.sentAt < 0) acks.delete(id);
        ctx.fail(
          new WsxError('refused', `the Socket.IO server refused namespace ${nsp}: ${why}${extra}`, {
            hint: 'check --auth and --namespace',
          }),
        );
        return;
      }
      case DISCONNECT: {
        // Named in the failure itself: a warning from closed() came out before the line it follows from.
        const sent = [...acks].filter(([, a]) => a.sentAt >= 0);
        for (const [id] of sent) acks.delete(id);
        const unanswered = sent.length > 0 ? ` with ${sent.length} ack(s) still unanswered` : '';
        ctx.fail(
          new WsxError('closed-by-peer', `the Socket.IO server disconnected namespace ${nsp}${unanswered}`),
        );
        return;
      }
      case EVENT:
      case BINARY_EVENT:
        ctx.deliver({
          kind: 'event',
          text: data,
          json: JSON.parse(data) as unknown,
          ...(packet.id === undefined ? {} : { id: packet.id }),
          frame,
        });
        return;
      case ACK:
      case BINARY_ACK: {
        const id = packet.id ?? -1;
        const pending = acks.get(id);
        acks.delete(id);
        // Spliced, so the answer's numbers print as the server wrote them.
        const text = `{"ack":${id},"event":${pending ? JSON.stringify(pending.event) : 'null'},"args":${data}}`;
        ctx.deliver({
          kind: 'ack',
          text,
          json: JSON.parse(text) as unknown,
          id,
          ...(pending && pending.sentAt >= 0 ? { rttMs: ctx.now() - pending.sentAt } : {}),
          frame,
        });
        return;
      }
    }
  };

  /** A binary packet whose attachments stopped coming: reported once, and the decoder starts afresh. */
  const abandonReassembly = (ctx: CodecContext, why: string) => {
    const r = reassembly;
    if (!r) return;
    reassembly = undefined;
    unreadable(
      ctx,
      r.frame,
      `a binary packet got ${r.buffers.length} of its ${r.packet.attachments} attachment(s) ${why}`,
    );
  };

  const onMessage = (frame: Incoming, ctx: CodecContext) => {
    if (frame.isBinary) {
      const r = reassembly;
      if (!r) {
        unreadable(ctx, frame, 'an attachment no binary packet announced');
        return;
      }
      r.buffers.push(frame.data);
      if (r.buffers.length < r.packet.attachments) return;
      reassembly = undefined;
      let data: string;
      try {
        data = withAttachments(r.packet, r.buffers);
      } catch (err) {
        unreadable(ctx, r.frame, (err as Error).message);
        return;
      }
      onPacket(r.packet, data, r.frame, ctx);
      return;
    }
    abandonReassembly(ctx, 'before the next packet');
    let packet: Packet;
    try {
      packet = decodePacket(frame.data.toString('utf8').slice(1));
    } catch (err) {
      unreadable(ctx, frame, (err as Error).message);
      return;
    }
    if (packet.attachments > 0) reassembly = { packet, frame, buffers: [] };
    else onPacket(packet, packet.data, frame, ctx);
  };

  return {
    name: 'socketio',
    sentReader: sentEmitReader,

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
      deadAfterMs = 0;
      reassembly = undefined;
    },

    received(frame, ctx) {
      armDeadTimer(ctx);
      // Engine.IO v4 over WebSocket: a binary frame is a message; a text frame is its type digit + data.
      if (frame.isBinary) {
        onMessage(frame, ctx);
        return;
      }
      const text = frame.data.toString('utf8');
      switch (text.charAt(0)) {
        case '0': {
          let info: { deadAfterMs: number };
          try {
            info = readOpenPacket(text.slice(1));
          } catch (err) {
            ctx.fail(
              new WsxError(
                'protocol',
                `the server's Engine.IO opening is not valid: ${(err as Error).message}`,
                {
                  hint: 'not a Socket.IO server? check the URL and --path',
                },
              ),
            );
            return;
          }
          deadAfterMs = info.deadAfterMs;
          armDeadTimer(ctx);
          ctx.sendOwn(`${header(CONNECT)}${opts.auth ? JSON.stringify(opts.auth) : ''}`);
          return;
        }
        case '2':
          // Engine.IO ping: answered with its payload, as the protocol asks; keep-alive, not data for --wait.
          ctx.keepAlive();
          ctx.sendOwn(`3${text.slice(1)}`);
          return;
        case '4':
          onMessage(frame, ctx);
          return;
        case '3':
        case '6':
          // pong, noop: keep-alive, nothing for the user.
          ctx.keepAlive();
          return;
        case '1':
        case '5':
          // close, upgrade: nothing for the user.
          return;
        default:
          ctx.deliver({ kind: 'invalid', text, frame });
          ctx.note('unreadable Engine.IO packet');
      }
    },

    closed(_code, _reason, ctx) {
      cancelDeadTimer?.();
      cancelDeadTimer = undefined;
      isConnected = false;
      abandonReassembly(ctx, 'before the socket closed');
      const unanswered = [...acks.values()].filter((a) => a.sentAt >= 0).length;
      if (unanswered > 0) {
        ctx.note(`${unanswered} ack(s) will not be answered: the socket closed`);
        for (const [id, ack] of acks) if (ack.sentAt >= 0) acks.delete(id);
      }
      return undefined;
    },

    input(line, ctx) {
      const text = line.trim();
      const wantsAck = /^ack\s/.test(text);
      const json = wantsAck ? text.slice(3).trim() : text;
      let parsed: ReturnType<typeof parseJsonText>;
      try {
        parsed = parseJsonText(json);
      } catch {
        throw new InputError('a Socket.IO line is a JSON array ["event", args…] (or ack ["event", args…])');
      }
      const value = parsed.value;
      if (!Array.isArray(value) || typeof value[0] !== 'string')
        throw new InputError('a Socket.IO line is a JSON array whose first item is the event name');
      const event = value[0];
      if (reservedEvents.has(event)) throw new InputError(`"${event}" is a reserved Socket.IO event name`);
      // {"$binary": base64} objects become attachments: placeholders in the text, bytes in binary frames.
      const buffers: Buffer[] = [];
      const edits = objectsStartingWith(json, parsed.span, '$binary').flatMap((at) => {
        const obj = JSON.parse(json.slice(at.start, at.end)) as Record<string, unknown>;
        if (Object.keys(obj).length !== 1 || typeof obj.$binary !== 'string') return [];
        buffers.push(Buffer.from(obj.$binary, 'base64'));
        return [{ at, text: `{"_placeholder":true,"num":${buffers.length - 1}}` }];
      });
      const id = wantsAck ? nextAckId++ : undefined;
      if (id !== undefined) acks.set(id, { event, sentAt: -1 });
      const frames: (string | Buffer)[] =
        buffers.length === 0
          ? [`${header(EVENT, 0, id)}${json}`]
          : [`${header(BINARY_EVENT, buffers.length, id)}${spliced(json, edits)}`, ...buffers];
      if (isConnected) sendFrames(ctx, frames, id);
      else held.push({ frames, ackId: id });
    },

    heldInputs: () => held.length,

    dispose() {
      cancelDeadTimer?.();
      cancelDeadTimer = undefined;
      reassembly = undefined;
      held = [];
    },
  };
}
