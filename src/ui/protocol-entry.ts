// A --proto codec's decoded message as one log line: `⇠ chat message "hi"`, `⇠ #1 5  3 ms`, `✕ #2 error …`.

import type { ProtocolMessage, ProtocolName } from '../protocols/codec.js';

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

const json = (value: unknown): string => JSON.stringify(value) ?? String(value);

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** CDP: a message to or from an attached target names its session; 8 characters tell sessions apart. */
function sessionOf(value: unknown): string {
  const { sessionId } = record(value);
  return typeof sessionId === 'string' ? `@${sessionId.slice(0, 8)} ` : '';
}

/** The summary per kind of message; a message without the expected shape is shown as its JSON. */
export function summarise(msg: ProtocolMessage): string {
  const id = msg.id === undefined ? '' : `#${msg.id} `;
  switch (msg.kind) {
    case 'event': {
      // Socket.IO: ["event", args…] → event "arg" {"n":1}
      if (!Array.isArray(msg.json) || typeof msg.json[0] !== 'string') return msg.text;
      const [event, ...args] = msg.json as [string, ...unknown[]];
      const wantsAck = msg.id === undefined ? '' : ` (asks for ack ${msg.id})`;
      return [event, ...args.map(json)].join(' ') + wantsAck;
    }
    case 'ack': {
      const { event, args } = record(msg.json);
      const answer = Array.isArray(args) ? args.map(json).join(' ') : json(args);
      return `ack ${id}${typeof event === 'string' ? `(${event}) ` : ''}${answer}`;
    }
    case 'response': {
      const { result } = record(msg.json);
      return `${id}${sessionOf(msg.json)}${json(result)}`;
    }
    case 'error': {
      // JSON-RPC: {"error":{"code","message"}}; graphql-ws: {"errors":[…]}
      const { error, errors } = record(msg.json);
      if (error !== undefined) {
        const { code, message, data } = record(error);
        return `${id}${sessionOf(msg.json)}error ${json(code)}: ${typeof message === 'string' ? message : json(message)}${data === undefined ? '' : ` ${json(data)}`}`;
      }
      return `${id}error ${json(errors ?? msg.json)}`;
    }
    case 'notification': {
      const { method, params } = record(msg.json);
      if (typeof method !== 'string') return msg.text;
      return `${sessionOf(msg.json)}${method}${params === undefined ? '' : ` ${json(params)}`}`;
    }
    case 'next':
      return `${id}${msg.text}`;
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
    case 'raw':
      return '';
  }
}
