// The contract layer's entry: an AsyncAPI document read, its channel for a URL picked, its messages compiled.
// Loaded only when --asyncapi is given, from a bundle of its own (dist/contract/index.js). It throws
// nothing across the bundles' boundary: a bad document comes back as `{ problem }`, one line naming it.

import { pickChannel, type ContractRole } from './channel.js';
import { ContractProblem, parseDocument } from './document.js';
import { inlineFileRefs } from './file-refs.js';
import { JsonRpcNaming } from './jsonrpc.js';
import { planChannel, type ChannelPlan } from './plan.js';
import { documentAjv, MessageChecker, type MessageParts, type MessageVerdict } from './validate.js';

export type { ContractRole } from './channel.js';
export type { MessageVerdict, SchemaError } from './validate.js';
export type { ChannelPlan, ExampleMessage, PlannedSend } from './plan.js';
export { loadMock, type Mock, type MockAnswer, type MockChannel } from './mock.js';

/** Which way a message went, from wsx's side. */
export type ContractDirection = 'received' | 'sent';

export interface Contract {
  /** The channel's key in the document. */
  channel: string;
  /** The names of the messages wsx may receive and send on it. */
  receives: string[];
  sends: string[];
  /**
   * The verdict on one text message that went `direction`; `answers` is the method of the request a
   * JSON-RPC response answers (the --proto codec pairs the ids), which names the response's message.
   */
  check(direction: ContractDirection, text: string, answers?: string): MessageVerdict;
}

export interface ContractRequest {
  /** The file's name, for messages. */
  file: string;
  text: string;
  /** The URL connected to: its host and path pick the channel. */
  url: string;
  /** --channel: a channel's key or address, over the URL. */
  channel?: string;
  role: ContractRole;
  /**
   * --proto: the protocol whose decoded messages are checked. Over STOMP a frame's body is the payload and
   * its headers are checked against the message's `headers` schema; over MQTT the publish's payload; over
   * Socket.IO the event's name picks the message and its argument is the payload; over JSON-RPC (and
   * cdp) the method picks it and the whole JSON-RPC object is the payload.
   */
  proto?: string;
}

/** Text as JSON when it parses, else the text itself (a `type: string` payload accepts it). */
function jsonOrText(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A decoded message split from its protocol's envelope; undefined for a frame that is no message of the
 * channel (a STOMP SUBSCRIBE or ACK: no body).
 */
function partsOf(proto: string | undefined, text: string): MessageParts | undefined {
  const value = jsonOrText(text);
  // Socket.IO: ["event", args…]; the event names the message, one argument is the payload (several: their array).
  if (proto === 'socketio' && Array.isArray(value) && typeof value[0] === 'string') {
    const args = value.slice(1);
    return { name: value[0], payload: args.length === 1 ? args[0] : args };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { payload: value };
  const envelope = value as Record<string, unknown>;
  if (proto === 'stomp' && typeof envelope.headers === 'object' && envelope.headers !== null) {
    if (!('body' in envelope)) return undefined;
    const body = envelope.body;
    return {
      payload: typeof body === 'string' ? jsonOrText(body) : body,
      headers: envelope.headers as Record<string, unknown>,
    };
  }
  if (proto === 'mqtt') {
    // SUBSCRIBE, SUBACK, PUBACK…: the protocol's control frames, no messages of the channel.
    if (!('topic' in envelope && 'payload' in envelope)) return undefined;
    const payload = envelope.payload;
    const userProperties = envelope.userProperties;
    // MQTT 5 user properties are the message's headers; a publish without any (every MQTT 3.1.1 one) has
    // no headers to check: wsx cannot tell an MQTT 5 publish that sent none from a 3.1.1 one.
    return {
      payload: typeof payload === 'string' ? jsonOrText(payload) : payload,
      ...(typeof userProperties === 'object' && userProperties !== null
        ? { headers: userProperties as Record<string, unknown> }
        : {}),
    };
  }
  return { payload: value };
}

/** The contract for `request`, or the problem that stops it: "FILE: what (at #/pointer)". */
export function loadContract(request: ContractRequest): { contract: Contract } | { problem: string } {
  try {
    const doc = parseDocument(request.text);
    inlineFileRefs(doc, request.file);
    const choice = pickChannel(doc, request.url, {
      role: request.role,
      ...(request.channel ? { channel: request.channel } : {}),
    });
    const ajv = documentAjv(doc);
    const received = new MessageChecker(doc, ajv, choice.receives);
    const sent = new MessageChecker(doc, ajv, choice.sends);
    const jsonRpc =
      request.proto === 'jsonrpc' || request.proto === 'cdp'
        ? new JsonRpcNaming(doc, choice, { received, sent })
        : undefined;
    return {
      contract: {
        channel: choice.name,
        receives: received.names,
        sends: sent.names,
        check: (direction, text, answers) => {
          if (jsonRpc) return jsonRpc.check(direction, text, answers);
          const checker = direction === 'received' ? received : sent;
          if (request.proto !== 'stomp' && request.proto !== 'mqtt' && request.proto !== 'socketio')
            return checker.check(text);
          const parts = partsOf(request.proto, text);
          // A control frame is no message of the channel: nothing to break.
          return parts ? checker.checkParts(parts) : { isValid: true, errors: [] };
        },
      },
    };
  } catch (err) {
    if (!(err instanceof ContractProblem)) throw err;
    return { problem: `${request.file}: ${err.message}${err.pointer ? ` (at ${err.pointer})` : ''}` };
  }
}

/** The conversation the document describes on one channel (the only one, or `channel`). */
export function loadPlan(request: {
  file: string;
  text: string;
  channel?: string;
  role: ContractRole;
}): { plan: ChannelPlan } | { problem: string } {
  try {
    const doc = parseDocument(request.text);
    inlineFileRefs(doc, request.file);
    return {
      plan: planChannel(doc, {
        role: request.role,
        ...(request.channel === undefined ? {} : { channel: request.channel }),
      }),
    };
  } catch (err) {
    if (!(err instanceof ContractProblem)) throw err;
    return { problem: `${request.file}: ${err.message}${err.pointer ? ` (at ${err.pointer})` : ''}` };
  }
}
