// A Socket.IO recording read at the level the user works at: a transcript made with --proto socketio holds
// wire frames (Engine.IO's open and pings, CONNECT, `42["event",…]`, `430[…]`), which a scenario with
// `proto socketio` must not send or expect itself, since its codec does. Pure: frames in, messages out.
// https://socket.io/docs/v4/socket-io-protocol/ (packet: type digit, attachments "N-", "/nsp,", ack id, JSON).

import type { RecordedFrame, RecordedSession } from './recording.js';

/** One user-level message: an emit (its JSON array), or the answer to an emit with an ack. */
export interface SocketIoMessage {
  from: 'client' | 'server';
  atMs: number;
  /** Client emits: the event array as typed after `send` (binary attachments as {"$binary": base64}). */
  text: string;
  /** A client emit that asked for an ack (`send ack […]`), or a server answer to one: its id. */
  ackId?: number;
  /** Server answers: the event the ack answers, when the recording has the emit. */
  ackOf?: string;
}

export interface SocketIoReading {
  messages: SocketIoMessage[];
  /** The namespace the client joined ("/" by default), from its CONNECT packet. */
  namespace: string;
  /** Packets that mean something the scenario cannot say (a refused CONNECT, a server disconnect). */
  notes: string[];
}

interface Packet {
  type: number;
  attachments: number;
  namespace: string;
  id: number | undefined;
  data: unknown;
}

/** A Socket.IO packet from an Engine.IO message's text (after its "4"); undefined when it is not one. */
function readPacket(text: string): Packet | undefined {
  const m = /^([0-6])(?:(\d+)-)?(\/[^,]*,)?(\d+)?([\s\S]*)$/.exec(text);
  if (!m) return undefined;
  let data: unknown;
  if (m[5] !== '') {
    try {
      data = JSON.parse(m[5]!) as unknown;
    } catch {
      return undefined;
    }
  }
  return {
    type: Number(m[1]),
    attachments: m[2] === undefined ? 0 : Number(m[2]),
    namespace: m[3] === undefined ? '/' : m[3].slice(0, -1),
    id: m[4] === undefined ? undefined : Number(m[4]),
    data,
  };
}

/** socket.io-parser's placeholders replaced by the attachments, written as the codec shows binary. */
function withAttachments(value: unknown, buffers: Buffer[]): unknown {
  if (Array.isArray(value)) return value.map((v) => withAttachments(v, buffers));
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if (obj._placeholder === true && typeof obj.num === 'number') {
      const buffer = buffers[obj.num];
      return buffer ? { $binary: buffer.toString('base64') } : null;
    }
    return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, withAttachments(v, buffers)]));
  }
  return value;
}

const EVENT = 2;
const ACK = 3;
const BINARY_EVENT = 5;
const BINARY_ACK = 6;

/**
 * The session's emits and acks, in recorded order. Engine.IO's own packets (open, ping, pong), CONNECT
 * and its answer are left out: the codec sends and expects them.
 */
export function readSocketIo(session: RecordedSession): SocketIoReading {
  const messages: SocketIoMessage[] = [];
  const notes: string[] = [];
  let namespace = '/';
  const askedAcks = new Map<number, string>();
  // A binary packet's header waits for its attachments (the frames after it, from the same side).
  const pending = new Map<'client' | 'server', { packet: Packet; buffers: Buffer[]; atMs: number }>();

  const add = (from: 'client' | 'server', packet: Packet, atMs: number, buffers: Buffer[]) => {
    const data = buffers.length > 0 ? withAttachments(packet.data, buffers) : packet.data;
    if (packet.type === EVENT || packet.type === BINARY_EVENT) {
      if (!Array.isArray(data)) return;
      if (from === 'client' && packet.id !== undefined && typeof data[0] === 'string')
        askedAcks.set(packet.id, data[0]);
      messages.push({
        from,
        atMs,
        text: JSON.stringify(data),
        ...(packet.id === undefined ? {} : { ackId: packet.id }),
      });
    } else if (packet.type === ACK || packet.type === BINARY_ACK) {
      if (from === 'client' || packet.id === undefined) return;
      const event = askedAcks.get(packet.id);
      messages.push({
        from,
        atMs,
        text: JSON.stringify({ ack: packet.id, ...(event ? { event } : {}), args: data }),
        ackId: packet.id,
        ...(event ? { ackOf: event } : {}),
      });
    }
  };

  const read = (frame: RecordedFrame) => {
    const waiting = pending.get(frame.from);
    if (frame.isBinary) {
      if (!waiting) return;
      waiting.buffers.push(Buffer.from(frame.data));
      if (waiting.buffers.length >= waiting.packet.attachments) {
        pending.delete(frame.from);
        add(frame.from, waiting.packet, waiting.atMs, waiting.buffers);
      }
      return;
    }
    const text = frame.data.toString();
    // Engine.IO: 0 open, 1 close, 2 ping, 3 pong, 4 message (a Socket.IO packet follows), 6 noop.
    if (text.charAt(0) !== '4') return;
    const packet = readPacket(text.slice(1));
    if (!packet) return;
    if (packet.type === 0 && frame.from === 'client') namespace = packet.namespace;
    else if (packet.type === 1 && frame.from === 'server')
      notes.push(`the server disconnected the namespace ${packet.namespace}`);
    else if (packet.type === 4 && frame.from === 'server')
      notes.push(`the server refused the namespace ${packet.namespace}: ${JSON.stringify(packet.data)}`);
    else if (packet.attachments > 0) pending.set(frame.from, { packet, buffers: [], atMs: frame.atMs });
    else add(frame.from, packet, frame.atMs, []);
  };
  for (const frame of session.frames) read(frame);
  return { messages, namespace, notes };
}
