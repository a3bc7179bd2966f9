// What a frame a codec sent means to the user, for --jsonl: the user's message decoded, the way received
// messages are shown, or nothing for the protocol's own frames (openings, keep-alives).

import type { ProtocolName } from './codec.js';
import type { Packet } from 'socket.io-parser';
import { toBinaryJson } from './binary-json.js';

/** One user message, decoded from the frame that carried it (its last frame, for multi-frame packets). */
export interface SentMessage {
  /** socketio: `event`; jsonrpc: `request`, `notification`, `response`, `batch`; graphql-ws: `subscribe`, `complete`. */
  kind: string;
  /** The message as a JSON line, the way a received one of its kind is printed. */
  text: string;
  /** The ack, request or operation id it carries. */
  id?: string | number;
}

/**
 * Reads the frames one connection sends, in order (it may keep state: a Socket.IO binary event spans
 * several frames). Returns undefined for a frame that is the protocol's own, or that ends no message yet.
 */
export type SentFrameReader = (frame: string | Buffer) => SentMessage | undefined;

/** A reader for `name`'s frames; only Socket.IO's loads its parsers (as its codec does). */
export async function loadSentFrameReader(name: ProtocolName): Promise<SentFrameReader> {
  switch (name) {
    case 'socketio':
      return socketIoReader();
    case 'graphql-ws':
      return graphqlWsReader;
    default:
      // JSON-RPC and its dialects: every frame is the user's request as it went out.
      return jsonRpcReader;
  }
}

async function socketIoReader(): Promise<SentFrameReader> {
  const { decodePacket } = await import('engine.io-parser');
  const { Decoder, PacketType } = await import('socket.io-parser');
  const decoder = new Decoder();
  let decoded: SentMessage | undefined;
  decoder.on('decoded', (packet: Packet) => {
    // Emits only: CONNECT (with its auth payload) and the rest are the protocol's.
    if (packet.type !== PacketType.EVENT && packet.type !== PacketType.BINARY_EVENT) return;
    decoded = {
      kind: 'event',
      text: JSON.stringify(toBinaryJson(packet.data)),
      ...(packet.id === undefined ? {} : { id: packet.id }),
    };
  });
  return (frame) => {
    const eio = decodePacket(frame, 'nodebuffer');
    if (eio.type !== 'message') return undefined;
    decoded = undefined;
    try {
      decoder.add(eio.data);
    } catch {
      return undefined;
    }
    return decoded;
  };
}

function parseJson(frame: string | Buffer): unknown {
  try {
    return JSON.parse(frame.toString());
  } catch {
    return undefined;
  }
}

function isId(id: unknown): id is string | number {
  return typeof id === 'string' || typeof id === 'number';
}

function jsonRpcReader(frame: string | Buffer): SentMessage {
  const text = frame.toString();
  const value = parseJson(frame);
  if (Array.isArray(value)) return { kind: 'batch', text };
  const msg = (value ?? {}) as { method?: unknown; id?: unknown };
  const id = isId(msg.id) ? { id: msg.id } : {};
  if (typeof msg.method !== 'string') return { kind: 'response', text, ...id };
  return { kind: isId(msg.id) ? 'request' : 'notification', text, ...id };
}

function graphqlWsReader(frame: string | Buffer): SentMessage | undefined {
  const msg = parseJson(frame) as { type?: unknown; id?: unknown; payload?: unknown } | undefined;
  const id = isId(msg?.id) ? { id: msg.id } : {};
  // connection_init (with its --init payload), ping and pong are the protocol's.
  if (msg?.type === 'subscribe') return { kind: 'subscribe', text: JSON.stringify(msg.payload), ...id };
  if (msg?.type === 'complete') return { kind: 'complete', text: '', ...id };
  return undefined;
}
