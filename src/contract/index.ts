// The contract layer's entry: an AsyncAPI document read, its channel for a URL picked, its messages compiled.
// Loaded only when --asyncapi is given, from a bundle of its own (dist/contract/index.js). It throws
// nothing across the bundles' boundary: a bad document comes back as `{ problem }`, one line naming it.

import { pickChannel, type ContractRole } from './channel.js';
import { ContractProblem, parseDocument } from './document.js';
import { planChannel, type ChannelPlan } from './plan.js';
import { documentAjv, MessageChecker, type MessageVerdict } from './validate.js';

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
  /** The verdict on one text message that went `direction`. */
  check(direction: ContractDirection, text: string): MessageVerdict;
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
}

/** The contract for `request`, or the problem that stops it: "FILE: what (at #/pointer)". */
export function loadContract(request: ContractRequest): { contract: Contract } | { problem: string } {
  try {
    const doc = parseDocument(request.text);
    const choice = pickChannel(doc, request.url, {
      role: request.role,
      ...(request.channel ? { channel: request.channel } : {}),
    });
    const ajv = documentAjv(doc);
    const received = new MessageChecker(doc, ajv, choice.receives);
    const sent = new MessageChecker(doc, ajv, choice.sends);
    return {
      contract: {
        channel: choice.name,
        receives: received.names,
        sends: sent.names,
        check: (direction, text) => (direction === 'received' ? received : sent).check(text),
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
