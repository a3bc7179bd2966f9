// What a frame a codec sent means to the user, for --jsonl: the user's message decoded, the way received
// messages are shown, or nothing for the protocol's own frames (openings, keep-alives).

import type { ProtocolName } from './codec.js';
import { loadCodec } from './index.js';

/** One user message, decoded from the frame that carried it (its last frame, for multi-frame packets). */
export interface SentMessage {
  /**
   * socketio: `event`; jsonrpc: `request`, `notification`, `response`, `batch`; graphql-ws: `subscribe`,
   * `complete`; stomp: the frame's command in lower case (`send`, `subscribe`, `ack`…); mqtt: `publish`,
   * `subscribe`, `unsubscribe`.
   */
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

/** A reader for `name`'s frames; Socket.IO's reads them with its codec's own packet reader. */
export async function loadSentFrameReader(name: ProtocolName): Promise<SentFrameReader> {
  switch (name) {
    case 'socketio':
      return socketIoReader();
    case 'graphql-ws':
      return graphqlWsReader;
    case 'phoenix':
      return phoenixReader;
    case 'signalr':
      return signalrReader;
    case 'actioncable':
      return actionCableReader;
    case 'stomp':
      return stompReader();
    case 'mqtt':
      return mqttReader();
    default:
      // JSON-RPC and its dialects: every frame is the user's request as it went out.
      return jsonRpcReader;
  }
}

async function socketIoReader(): Promise<SentFrameReader> {
  // The codec's own packet reader, loaded the one way codecs are (loadCodec), so both directions read alike.
  const read = (await loadCodec('socketio')).sentReader!();
  return (frame) => {
    const emit = read(frame);
    return emit && { kind: 'event', ...emit };
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

function phoenixReader(frame: string | Buffer): SentMessage | undefined {
  const msg = parseJson(frame);
  // V2's array, or V1's object form (vsn=1.0.0).
  const o = (msg ?? {}) as Record<string, unknown>;
  const wire = Array.isArray(msg) ? msg : [o.join_ref, o.ref, o.topic, o.event, o.payload];
  if (wire.length !== 5 || typeof wire[3] !== 'string') return undefined;
  const [, ref, topic, event, payload] = wire as unknown[];
  // The heartbeat is the protocol's; joins show their params (masked like every output), leaves and pushes.
  if (topic === 'phoenix' && event === 'heartbeat') return undefined;
  const kind = event === 'phx_join' ? 'join' : event === 'phx_leave' ? 'leave' : 'push';
  return { kind, text: JSON.stringify({ topic, event, payload }), ...(isId(ref) ? { id: ref } : {}) };
}

function signalrReader(frame: string | Buffer): SentMessage | undefined {
  // One user record per frame, ended by 0x1E; the handshake (no "type") and pings are the protocol's.
  const record = parseJson(frame.toString().replace(/\x1e$/, '')) as
    { type?: unknown; invocationId?: unknown } | undefined;
  if (typeof record?.type !== 'number' || record.type === 6) return undefined;
  const text = JSON.stringify(record);
  return { kind: 'invocation', text, ...(isId(record.invocationId) ? { id: record.invocationId } : {}) };
}

/** A JSON string inside a message (ActionCable's identifier and data) as the value it encodes. */
function decoded(value: unknown): unknown {
  return typeof value === 'string' ? (parseJson(value) ?? value) : value;
}

function actionCableReader(frame: string | Buffer): SentMessage | undefined {
  const msg = parseJson(frame) as { command?: unknown; identifier?: unknown; data?: unknown } | undefined;
  if (typeof msg?.command !== 'string') return undefined;
  const kind = msg.command === 'message' ? 'perform' : msg.command;
  const text = JSON.stringify({
    identifier: decoded(msg.identifier),
    ...(msg.data === undefined ? {} : { data: decoded(msg.data) }),
  });
  return { kind, text };
}

async function stompReader(): Promise<SentFrameReader> {
  const { StompReader, header } = await import('./stomp-frame.js');
  const { frameJson } = await import('./stomp.js');
  return (frame) => {
    // wsx sends one frame per message; a fresh reader each time keeps a bad frame from spoiling the next.
    let frames;
    try {
      frames = new StompReader().push(Buffer.from(frame));
    } catch {
      return undefined;
    }
    const f = frames.find((x) => x !== 'heartbeat');
    // Heart-beats, CONNECT (with its login) and DISCONNECT are the protocol's.
    if (!f || f.command === 'CONNECT' || f.command === 'STOMP' || f.command === 'DISCONNECT')
      return undefined;
    const id = header(f, 'receipt') ?? header(f, 'id');
    return {
      kind: f.command.toLowerCase(),
      text: JSON.stringify(frameJson(f)),
      ...(id === undefined ? {} : { id }),
    };
  };
}

async function mqttReader(): Promise<SentFrameReader> {
  const mqttPacket = await import('./mqtt-packet.js');
  const { publishJson } = await import('./mqtt.js');
  // MQTT 3.1.1's packets; each frame wsx sends holds one whole packet.
  const parser = mqttPacket.parser({ protocolVersion: 4 });
  let decoded: SentMessage | undefined;
  parser.on('packet', (p) => {
    const id = p.messageId === undefined ? {} : { id: p.messageId };
    // CONNECT (with its password), PINGREQ and the acknowledgements are the protocol's.
    if (p.cmd === 'publish') decoded = { kind: 'publish', text: JSON.stringify(publishJson(p)), ...id };
    else if (p.cmd === 'subscribe')
      decoded = { kind: 'subscribe', text: JSON.stringify({ subscriptions: p.subscriptions }), ...id };
    else if (p.cmd === 'unsubscribe')
      decoded = { kind: 'unsubscribe', text: JSON.stringify({ unsubscriptions: p.unsubscriptions }), ...id };
  });
  parser.on('error', () => {});
  return (frame) => {
    decoded = undefined;
    parser.parse(Buffer.from(frame));
    return decoded;
  };
}
