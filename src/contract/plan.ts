// What a conversation on a channel looks like by the document: each message wsx may send with its examples,
// and the replies the document names for it (3.0 `reply`, or a shared `correlationId`). `wsx scenario
// SPEC.yaml` writes a starter scenario from it; `wsx serve --asyncapi` answers with it.

import {
  channelsOf,
  describeChannels,
  joinPath,
  operationMessages2,
  operations3,
  serverBases,
  type ChannelEntry,
  type ContractRole,
  type MessageSpec,
} from './channel.js';
import {
  ContractProblem,
  follow,
  isObject,
  pointerOf,
  valueAt,
  type AsyncApiDocument,
  type Json,
} from './document.js';

/** One message with its examples' payloads as JSON text (none when the document gives no example). */
export interface ExampleMessage {
  name: string;
  examples: string[];
}

export interface PlannedSend extends ExampleMessage {
  /** The names of the messages the document says answer it. */
  replies: string[];
  /** The replies with their examples (what a mock answers with). */
  replyExamples: ExampleMessage[];
}

export interface ChannelPlan {
  channel: string;
  /** ws(s)://host/path from the first server and the channel's address; undefined when it cannot say. */
  url: string | undefined;
  /** What wsx may send, each with its replies. */
  sends: PlannedSend[];
  /** What wsx may receive that answers nothing: the messages the server pushes on its own. */
  pushed: ExampleMessage[];
}

/** The channel `chosen` (key or address), or the document's only channel. */
export function chooseChannel(doc: AsyncApiDocument, chosen: string | undefined): ChannelEntry {
  const channels = channelsOf(doc);
  if (chosen !== undefined) {
    const found = channels.find((c) => c.name === chosen) ?? channels.find((c) => c.address === chosen);
    if (!found)
      throw new ContractProblem(`no channel ${chosen}: ${describeChannels(channels)}`, '#/channels');
    return found;
  }
  if (channels.length === 1) return channels[0]!;
  throw new ContractProblem(`${describeChannels(channels)}: choose one with --channel NAME`, '#/channels');
}

/** Examples of the message at `spec.pointer`: its `examples[].payload`, else its payload schema's examples. */
function examplesOf(doc: AsyncApiDocument, spec: MessageSpec): string[] {
  const { node } = follow(doc, valueAt(doc, spec.pointer, spec.pointer), spec.pointer);
  if (!isObject(node)) return [];
  const payloads: Json[] = [];
  if (Array.isArray(node.examples))
    for (const example of node.examples)
      if (isObject(example) && example.payload !== undefined) payloads.push(example.payload);
  if (payloads.length === 0 && spec.payloadPointer !== undefined) {
    const schema = follow(doc, { $ref: spec.payloadPointer }, spec.payloadPointer).node;
    if (isObject(schema)) {
      if (Array.isArray(schema.examples)) payloads.push(...schema.examples);
      else if (schema.example !== undefined) payloads.push(schema.example);
    }
  }
  // A string payload goes out as the text itself; anything else as JSON.
  return payloads.map((p) => (typeof p === 'string' ? p : JSON.stringify(p)));
}

function example(doc: AsyncApiDocument, spec: MessageSpec): ExampleMessage {
  return { name: spec.name, examples: examplesOf(doc, spec) };
}

/** A message's `correlationId.location` (`$message.payload#/reqid`), after $refs; undefined without one. */
function correlationOf(doc: AsyncApiDocument, spec: MessageSpec): string | undefined {
  const { node } = follow(doc, valueAt(doc, spec.pointer, spec.pointer), spec.pointer);
  if (!isObject(node) || node.correlationId === undefined) return undefined;
  const id = follow(doc, node.correlationId, spec.pointer + '/correlationId').node;
  return isObject(id) && typeof id.location === 'string' ? id.location : undefined;
}

function dedupe(specs: MessageSpec[]): MessageSpec[] {
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.pointer) && seen.add(s.pointer));
}

/**
 * The plan for `channel` (or the only one) with wsx in the role the document does not describe: by default
 * the document describes the server, whose `receive` (3.0) / `publish` (2.x) messages wsx sends.
 */
export function planChannel(
  doc: AsyncApiDocument,
  opts: { channel?: string; role: ContractRole },
): ChannelPlan {
  const channel = chooseChannel(doc, opts.channel);
  const at = pointerOf(['channels', channel.name]);
  const isServer = opts.role === 'server';
  let sends: { spec: MessageSpec; replies: MessageSpec[] }[] = [];
  let receives: MessageSpec[];
  if (doc.major === 3) {
    const out = operations3(doc, channel, isServer ? 'receive' : 'send');
    const back = operations3(doc, channel, isServer ? 'send' : 'receive');
    for (const op of out) for (const spec of op.messages) sends.push({ spec, replies: op.replies });
    receives = dedupe(back.flatMap((op) => op.messages));
  } else {
    const publish = operationMessages2(doc, channel.node.publish, at + '/publish');
    const subscribe = operationMessages2(doc, channel.node.subscribe, at + '/subscribe');
    sends = (isServer ? publish : subscribe).map((spec) => ({ spec, replies: [] }));
    receives = isServer ? subscribe : publish;
  }
  // Without a `reply`, a received message that shares the sent one's correlationId location answers it.
  for (const send of sends) {
    if (send.replies.length > 0) continue;
    const location = correlationOf(doc, send.spec);
    if (location !== undefined) send.replies = receives.filter((r) => correlationOf(doc, r) === location);
  }
  const answering = new Set(sends.flatMap((s) => s.replies.map((r) => r.pointer)));
  const seenSends = new Set<string>();
  return {
    channel: channel.name,
    url: channelUrl(doc, channel),
    sends: sends
      .filter((s) => !seenSends.has(s.spec.pointer) && seenSends.add(s.spec.pointer))
      .map((s) => ({
        ...example(doc, s.spec),
        replies: dedupe(s.replies).map((r) => r.name),
        replyExamples: dedupe(s.replies).map((r) => example(doc, r)),
      })),
    pushed: receives.filter((r) => !answering.has(r.pointer)).map((r) => example(doc, r)),
  };
}

/** ws(s)://host/base/address from the first WebSocket server; undefined if a part is missing or a template. */
function channelUrl(doc: AsyncApiDocument, channel: ChannelEntry): string | undefined {
  const server = serverBases(doc).find(
    (b) => b.host !== undefined && (b.protocol === undefined || /^wss?$/.test(b.protocol)),
  );
  if (!server || channel.address === undefined) return undefined;
  const url = `${server.protocol ?? 'wss'}://${server.host}${joinPath(server.path, channel.address)}`;
  return /[{}]/.test(url) ? undefined : url;
}
