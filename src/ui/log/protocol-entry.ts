// A --proto codec's decoded message as one log line: `⇠ chat message "hi"`, `⇠ #1 5  3 ms`, `✕ #2 error …`.

import type { ProtocolMessage, ProtocolName } from '../../protocols/codec.js';
import {
  elementsOf,
  memberOf,
  parseJsonText,
  sliceOf,
  type JsonText,
  type Span,
} from '../../protocols/json-text.js';

/** What the log keeps of a decoded message: the JSON line (filters, copy, inspector) and its summary. */
export interface DecodedEntry {
  kind: 'decoded';
  at: number;
  /** The message's JSON line, as pipe mode prints it. */
  text: string;
  /** The line the log shows. */
  summary: string;
  isError: boolean;
  rttMs?: number;
}

/** A value as JSON text (undefined as "undefined"). */
const json = (value: unknown): string => JSON.stringify(value) ?? String(value);

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** CDP: a message to or from an attached target names its session; 8 characters tell sessions apart. */
function sessionOf(value: unknown): string {
  const { sessionId } = record(value);
  return typeof sessionId === 'string' ? `@${sessionId.slice(0, 8)} ` : '';
}

/**
 * The parts of a message's JSON line as the server wrote them: summaries are cut from the text, never
 * re-serialised, so a number past 2^53 shows as it came and JSON nested thousands deep cannot overflow
 * JSON.stringify's stack.
 */
class Parts {
  private constructor(private readonly doc: JsonText) {}

  static of(text: string): Parts | undefined {
    try {
      return new Parts(parseJsonText(text));
    } catch {
      return undefined;
    }
  }

  /** The whole value's text, or that of a member (of members) of it. */
  get(...path: string[]): string | undefined {
    let span: Span | undefined = this.doc.span;
    for (const key of path) {
      if (!span || this.doc.text.charAt(span.start) !== '{') return undefined;
      span = memberOf(this.doc.text, span, key);
    }
    return span && sliceOf(this.doc.text, span);
  }

  /** The elements' texts of the array at `path`, or undefined when it is no array. */
  elements(...path: string[]): string[] | undefined {
    const whole = this.get(...path);
    if (whole === undefined || !whole.startsWith('[')) return undefined;
    const inner = parseJsonText(whole);
    return elementsOf(inner.text, inner.span).map((at) => sliceOf(inner.text, at));
  }
}

/** The summary per kind of message; a message without the expected shape is shown as its JSON. */
export function summarise(msg: ProtocolMessage): string {
  if (msg.summary !== undefined) return msg.summary;
  const id = msg.id === undefined ? '' : `#${msg.id} `;
  const parts = Parts.of(msg.text);
  switch (msg.kind) {
    case 'event': {
      // Socket.IO: ["event", args…] → event "arg" {"n":1}
      const items = parts?.elements();
      if (!Array.isArray(msg.json) || typeof msg.json[0] !== 'string' || !items) return msg.text;
      const wantsAck = msg.id === undefined ? '' : ` (asks for ack ${msg.id})`;
      return [msg.json[0], ...items.slice(1)].join(' ') + wantsAck;
    }
    case 'ack': {
      const { event } = record(msg.json);
      const answer = parts?.elements('args')?.join(' ') ?? parts?.get('args') ?? 'undefined';
      return `ack ${id}${typeof event === 'string' ? `(${event}) ` : ''}${answer}`;
    }
    case 'response':
      return `${id}${sessionOf(msg.json)}${parts?.get('result') ?? 'undefined'}`;
    case 'error': {
      // JSON-RPC: {"error":{"code","message"}}; graphql-ws: {"errors":[…]}
      const { error } = record(msg.json);
      if (error !== undefined) {
        const { code, message, body } = record(error);
        // STOMP: {"error":{"message","headers","body"}}, no code.
        const what = code === undefined ? 'error' : `error ${parts?.get('error', 'code') ?? 'undefined'}`;
        const data =
          parts?.get('error', 'data') ??
          (typeof body === 'string' && body !== '' ? JSON.stringify(body) : undefined);
        const said = typeof message === 'string' ? message : (parts?.get('error', 'message') ?? 'undefined');
        return `${id}${sessionOf(msg.json)}${what}: ${said}${data === undefined ? '' : ` ${data}`}`;
      }
      return `${id}error ${parts?.get('errors') ?? msg.text}`;
    }
    case 'notification': {
      const { method } = record(msg.json);
      if (typeof method !== 'string') return msg.text;
      const params = parts?.get('params');
      return `${sessionOf(msg.json)}${method}${params === undefined ? '' : ` ${params}`}`;
    }
    case 'next':
      return `${id}${msg.text}`;
    case 'message': {
      // STOMP: {"destination","headers","body"} → /queue/a "hello" (the headers are in the inspector);
      // MQTT: {"topic","payload","qos","retain"} → sensors/1 "21.5".
      const { destination, body, topic, payload } = record(msg.json);
      if (typeof topic === 'string') return `${topic} ${json(payload)}`;
      return `${typeof destination === 'string' ? destination : ''} ${json(body)}`.trim();
    }
    case 'receipt': {
      // STOMP {"receipt":ID}; MQTT {"puback":ID}, {"suback":ID,"granted":[…]}…: the answer's name.
      const name = Object.keys(record(msg.json))[0];
      const { granted } = record(msg.json);
      return `${id}${name ?? 'receipt'}${granted === undefined ? '' : ` granted ${json(granted)}`}`;
    }
    case 'complete':
      return `${id}complete`;
    case 'invalid':
      return `unreadable: ${msg.text}`;
    case 'frame':
      return msg.binary ? `⟨binary ${msg.binary.length} B⟩` : msg.text;
  }
}

export function decodedEntry(msg: ProtocolMessage, at: number): DecodedEntry {
  return {
    kind: 'decoded',
    at,
    text: msg.text,
    summary: summarise(msg),
    isError: msg.isError === true || msg.kind === 'invalid',
    ...(msg.rttMs === undefined ? {} : { rttMs: msg.rttMs }),
  };
}

/** What to type, shown once when the session starts. */
export function inputHint(name: ProtocolName): string {
  switch (name) {
    case 'socketio':
      return 'Socket.IO: ["event", args…] emits; ack ["event", args…] shows the answer and its round trip';
    case 'jsonrpc':
      return 'JSON-RPC 2.0: method [params] or a request object; responses show with their round trip';
    case 'cdp':
      return 'Chrome DevTools: Domain.method {params}; put @SESSION_ID (@: the latest attach) first for a target';
    case 'graphql-ws':
      return 'graphql-ws: a GraphQL document or {"query","variables"}; results show per operation #id';
    case 'phoenix':
      return 'Phoenix: join TOPIC {params}, push TOPIC EVENT {payload}, leave TOPIC; replies show with their round trip';
    case 'signalr':
      return 'SignalR: Method arg1 arg2 invokes (args as JSON); send Method … without waiting; stream Method …';
    case 'actioncable':
      return 'ActionCable: subscribe {"channel":…}, perform CHANNEL ACTION {data}, unsubscribe CHANNEL';
    case 'mqtt':
      return 'MQTT: sub FILTER [qos:N], unsub FILTER, pub TOPIC [qos:N] [retain:1] PAYLOAD; acks show their round trip';
    case 'stomp':
      return 'STOMP: subscribe DEST, send DEST [name:value…] BODY, unsubscribe ID, ack ID; receipt: asks for a RECEIPT';
    case 'raw':
      // Raw WebSocket has a codec only with --separator.
      return 'Records: each line sent ends with the --separator; text frames are split into one entry per record';
  }
}
