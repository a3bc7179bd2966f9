// Which channel of an AsyncAPI document a connection is, and which messages go each way on it.

import {
  ContractProblem,
  follow,
  isObject,
  pointerOf,
  type AsyncApiDocument,
  type Json,
  type JsonObject,
} from './document.js';

/** Whom the document describes: the server (the usual case for public APIs) or the client, wsx itself. */
export type ContractRole = 'server' | 'client';

/** One message the document names: where it is, and its payload schema's pointer (none: anything goes). */
export interface MessageSpec {
  name: string;
  /**
   * Every name the document gives it: its `name`, `messageId` and key (not an index in a `oneOf`), for
   * protocols whose envelope names the message (a Socket.IO event, a JSON-RPC method).
   */
  aliases: string[];
  description?: string;
  pointer: string;
  payloadPointer?: string;
  /** Its `headers` schema's pointer, if it has one. */
  headersPointer?: string;
}

export interface ChannelChoice {
  /** The channel's key in `channels`. */
  name: string;
  address: string | undefined;
  /** What wsx may receive and what it may send on it. */
  receives: MessageSpec[];
  sends: MessageSpec[];
  /**
   * 3.0: the messages wsx receives in reply to a message it sends, by the sent message's pointer (its
   * operation's `reply`); empty for 2.x, which has no `reply`.
   */
  repliesTo: Map<string, MessageSpec[]>;
}

export interface ChannelEntry {
  name: string;
  address: string | undefined;
  node: JsonObject;
}

export function channelsOf(doc: AsyncApiDocument): ChannelEntry[] {
  const channels = doc.root.channels;
  if (!isObject(channels)) return [];
  return Object.entries(channels).map(([name, raw]) => {
    const { node } = follow(doc, raw, pointerOf(['channels', name]));
    if (!isObject(node)) throw new ContractProblem('channel is not an object', pointerOf(['channels', name]));
    // 2.x: the key is the address. 3.0: `address` (null or absent: unknown, chosen only with --channel).
    const address = doc.major === 2 ? name : typeof node.address === 'string' ? node.address : undefined;
    return { name, address, node };
  });
}

/** `{name}` filled in with the server variable's `default` (or its only `enum` value); others stay templates. */
function fillVariables(text: string, variables: Json | undefined): string {
  if (!isObject(variables)) return text;
  return text.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const v = variables[name];
    if (!isObject(v)) return whole;
    if (typeof v.default === 'string') return v.default;
    return Array.isArray(v.enum) && v.enum.length === 1 && typeof v.enum[0] === 'string' ? v.enum[0] : whole;
  });
}

/** Where a server is: host (may be undefined), base path, and `protocol` (ws, wss, …) when it says. */
export interface ServerBase {
  host: string | undefined;
  path: string;
  protocol?: string;
}

/** Server locations; variables without a default stay templates. */
export function serverBases(doc: AsyncApiDocument): ServerBase[] {
  const servers = isObject(doc.root.servers) ? Object.entries(doc.root.servers) : [];
  const bases: ServerBase[] = [];
  for (const [name, raw] of servers) {
    const { node } = follow(doc, raw, pointerOf(['servers', name]));
    if (!isObject(node)) continue;
    const fill = (text: string) => fillVariables(text, node.variables);
    const protocol = typeof node.protocol === 'string' ? { protocol: node.protocol.toLowerCase() } : {};
    if (doc.major === 3) {
      bases.push({
        host: typeof node.host === 'string' ? fill(node.host) : undefined,
        path: typeof node.pathname === 'string' ? fill(node.pathname) : '',
        ...protocol,
      });
    } else if (typeof node.url === 'string') {
      // 2.x urls come with or without a scheme: "ws://api.example.com/v1", "api.example.com:443/v1".
      const m = /^(?:([^:/]+):\/\/)?([^/]*)(\/.*)?$/i.exec(fill(node.url));
      if (m)
        bases.push({
          host: m[2] || undefined,
          path: m[3] ?? '',
          ...(m[1] ? { protocol: m[1].toLowerCase() } : protocol),
        });
    }
  }
  return bases;
}

/** A `{param}` template as an anchored regex: each parameter stands for one or more characters but `/`. */
function templateRegex(template: string, flags = ''): RegExp {
  const parts = template.split(/\{[^}]+\}/).map((p) => p.replace(/[.*+?^$()|[\]\\]/g, '\\$&'));
  return new RegExp('^' + parts.join('[^/]+') + '$', flags);
}

export function joinPath(base: string, address: string): string {
  const joined = (base.replace(/\/+$/, '') + '/' + address.replace(/^\/+/, '')).replace(/\/+$/, '');
  return joined === '' ? '/' : joined;
}

export function describeChannels(channels: ChannelEntry[]): string {
  if (channels.length === 0) return 'the document has no channels';
  const names = channels.map((c) =>
    c.address === undefined || c.address === c.name ? c.name : `${c.name} (${c.address})`,
  );
  return `the document has ${names.join(', ')}`;
}

/** The channel named by --channel (its key or its address), or the one whose address the URL's path is. */
function findChannel(doc: AsyncApiDocument, url: string, chosen: string | undefined): ChannelEntry {
  const channels = channelsOf(doc);
  if (chosen !== undefined) {
    const found = channels.find((c) => c.name === chosen) ?? channels.find((c) => c.address === chosen);
    if (!found)
      throw new ContractProblem(`no channel ${chosen}: ${describeChannels(channels)}`, '#/channels');
    return found;
  }
  const target = new URL(url);
  const path = target.pathname.replace(/\/+$/, '') || '/';
  const bases = serverBases(doc);
  const allBases = bases.length > 0 ? bases : [{ host: undefined, path: '' }];
  // Servers on the URL's host first; a document naming the production host still fits a local test server.
  const onHost = allBases.filter(
    (b) =>
      b.host !== undefined &&
      (templateRegex(b.host, 'i').test(target.host) || templateRegex(b.host, 'i').test(target.hostname)),
  );
  for (const group of [onHost, allBases]) {
    const matches = channels.filter(
      (c) =>
        c.address !== undefined && group.some((b) => templateRegex(joinPath(b.path, c.address!)).test(path)),
    );
    // A literal address wins over a template that also matches (/ticker/btc over /ticker/{pair}).
    matches.sort((a, b) => templateCount(a.address!) - templateCount(b.address!));
    if (matches[0]) return matches[0];
  }
  throw new ContractProblem(
    `no channel matches ${path}: ${describeChannels(channels)} (choose one with --channel NAME)`,
    '#/channels',
  );
}

function templateCount(address: string): number {
  return (address.match(/\{/g) ?? []).length;
}

/** The message at `raw`, named by its `name`, else its messageId, else its key. */
export function messageSpec(doc: AsyncApiDocument, raw: Json, at: string): MessageSpec {
  const { node, pointer } = follow(doc, raw, at);
  if (!isObject(node)) throw new ContractProblem('message is not an object', pointer);
  const key = decodeURIComponent(pointer.split('/').pop() ?? '')
    .replace(/~1/g, '/')
    .replace(/~0/g, '~');
  const name =
    typeof node.name === 'string'
      ? node.name
      : typeof node.messageId === 'string'
        ? node.messageId
        : /^\d+$/.test(key) || key === 'message'
          ? typeof node.title === 'string'
            ? node.title
            : pointer
          : key;
  const isKeyAName = !/^\d+$/.test(key) && key !== 'message';
  const aliases = [node.name, node.messageId, isKeyAName ? key : undefined].filter(
    (a): a is string => typeof a === 'string',
  );
  const spec: MessageSpec = { name, aliases: [...new Set(aliases)], pointer };
  const description = node.summary ?? node.description;
  if (typeof description === 'string') spec.description = description;
  const format = node.schemaFormat;
  let payload = node.payload;
  let payloadPointer = pointer + '/payload';
  // 3.0: a payload may be a multi-format object { schemaFormat, schema }.
  if (
    doc.major === 3 &&
    isObject(payload) &&
    payload.schema !== undefined &&
    payload.schemaFormat !== undefined
  ) {
    checkFormat(payload.schemaFormat, payloadPointer);
    payload = payload.schema;
    payloadPointer += '/schema';
  } else checkFormat(format, pointer + '/schemaFormat');
  if (payload !== undefined) spec.payloadPointer = payloadPointer;
  if (node.headers !== undefined) spec.headersPointer = pointer + '/headers';
  return spec;
}

/** JSON Schema and the AsyncAPI schema (a superset of draft-07) are checked; Avro, RAML... are refused. */
function checkFormat(format: Json | undefined, at: string): void {
  if (format === undefined) return;
  if (
    typeof format === 'string' &&
    /^application\/(vnd\.aai\.asyncapi|schema)(\+json|\+yaml)?(;|$)/.test(format)
  )
    return;
  throw new ContractProblem(
    `schema format ${JSON.stringify(format)} is not JSON Schema: wsx cannot check it`,
    at,
  );
}

/** 2.x: an operation's `message`, one or `oneOf` several. */
export function operationMessages2(doc: AsyncApiDocument, op: Json | undefined, at: string): MessageSpec[] {
  if (op === undefined) return [];
  const { node, pointer } = follow(doc, op, at);
  if (!isObject(node) || node.message === undefined) return [];
  const message = follow(doc, node.message, pointer + '/message');
  if (isObject(message.node) && Array.isArray(message.node.oneOf))
    return message.node.oneOf.map((m, i) => messageSpec(doc, m, `${message.pointer}/oneOf/${i}`));
  return [messageSpec(doc, node.message, pointer + '/message')];
}

/** A 3.0 operation on a channel: its messages and the messages of its `reply` (sent the other way). */
export interface Operation3 {
  messages: MessageSpec[];
  replies: MessageSpec[];
}

/** 3.0: every operation on `channel` whose action is `action`; one without `messages` means all the channel's. */
export function operations3(
  doc: AsyncApiDocument,
  channel: ChannelEntry,
  action: 'send' | 'receive',
): Operation3[] {
  const operations = isObject(doc.root.operations) ? doc.root.operations : {};
  const channelPointer = pointerOf(['channels', channel.name]);
  const channelMessages = (entry: Json, at: string): MessageSpec[] => {
    const { node, pointer } = follow(doc, entry, at);
    if (!isObject(node) || !isObject(node.messages)) return [];
    return Object.entries(node.messages).map(([key, m]) =>
      messageSpec(doc, m, `${pointer}/messages/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`),
    );
  };
  const found: Operation3[] = [];
  for (const [id, raw] of Object.entries(operations)) {
    const { node, pointer } = follow(doc, raw, pointerOf(['operations', id]));
    if (!isObject(node) || node.action !== action || node.channel === undefined) continue;
    if (follow(doc, node.channel, pointer + '/channel').pointer !== channelPointer) continue;
    const messages = Array.isArray(node.messages)
      ? node.messages.map((m, i) => messageSpec(doc, m, `${pointer}/messages/${i}`))
      : channelMessages(node.channel, pointer + '/channel');
    let replies: MessageSpec[] = [];
    if (node.reply !== undefined) {
      const reply = follow(doc, node.reply, pointer + '/reply');
      if (isObject(reply.node)) {
        if (Array.isArray(reply.node.messages))
          replies = reply.node.messages.map((m, i) => messageSpec(doc, m, `${reply.pointer}/messages/${i}`));
        else if (reply.node.channel !== undefined)
          replies = channelMessages(reply.node.channel, reply.pointer + '/channel');
      }
    }
    found.push({ messages, replies });
  }
  return found;
}

function unique(specs: MessageSpec[]): MessageSpec[] {
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.pointer) && seen.add(s.pointer));
}

/**
 * The channel for `url` (or `chosen`, a channel's key or address) and its messages by direction. With the
 * document describing the server, what it sends (3.0 `send`, 2.x `subscribe`) is what wsx receives.
 */
export function pickChannel(
  doc: AsyncApiDocument,
  url: string,
  opts: { channel?: string; role: ContractRole },
): ChannelChoice {
  const channel = findChannel(doc, url, opts.channel);
  const at = pointerOf(['channels', channel.name]);
  let serverSends: MessageSpec[];
  let serverReceives: MessageSpec[];
  const repliesTo = new Map<string, MessageSpec[]>();
  if (doc.major === 2) {
    serverSends = operationMessages2(doc, channel.node.subscribe, at + '/subscribe');
    serverReceives = operationMessages2(doc, channel.node.publish, at + '/publish');
  } else {
    // A reply goes the other way: the server sends the replies to what it receives, and receives the
    // replies to what it sends.
    const sendOps = operations3(doc, channel, 'send');
    const receiveOps = operations3(doc, channel, 'receive');
    serverSends = [...sendOps.flatMap((o) => o.messages), ...receiveOps.flatMap((o) => o.replies)];
    serverReceives = [...receiveOps.flatMap((o) => o.messages), ...sendOps.flatMap((o) => o.replies)];
    // wsx sends what the described side receives (flipped for a document describing the client).
    for (const op of opts.role === 'server' ? receiveOps : sendOps)
      for (const spec of op.messages)
        if (op.replies.length > 0)
          repliesTo.set(spec.pointer, unique([...(repliesTo.get(spec.pointer) ?? []), ...op.replies]));
  }
  const isServer = opts.role === 'server';
  return {
    name: channel.name,
    address: channel.address,
    receives: unique(isServer ? serverSends : serverReceives),
    sends: unique(isServer ? serverReceives : serverSends),
    repliesTo,
  };
}
