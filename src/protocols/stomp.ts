// STOMP 1.2 (and 1.1) over WebSocket: CONNECT with login and heart-beat negotiation, SUBSCRIBE/UNSUBSCRIBE by
// id, SEND, ACK/NACK, transactions, RECEIPT waits and ERROR frames, each typed as one line.

import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';
import { textOrBinary } from './binary-json.js';
import { commandOf, InputError, type Codec, type CodecContext } from './codec.js';
import {
  encodeFrame,
  header,
  headerObject,
  StompFrameError,
  StompReader,
  type StompFrame,
} from './stomp-frame.js';

export interface StompOptions {
  /** CONNECT's `login` (--auth login:passcode). */
  login?: string;
  /** CONNECT's `passcode`. */
  passcode?: string;
  /** Extra CONNECT headers (--init '{"host":"/"}'); they win over wsx's own (host, heart-beat). */
  init?: Record<string, unknown>;
}

/** The subprotocols STOMP over WebSocket registers, newest first. */
export const stompSubprotocols = ['v12.stomp', 'v11.stomp'];

/** What wsx asks for in `heart-beat` (ms): what @stomp/stompjs asks for by default. */
const defaultHeartBeat = '10000,10000';

/** A server that sends nothing for this many of its promised heart-beat periods is dead (stompjs's rule). */
const missedBeats = 2;

/** How many received message ids are kept for a STOMP 1.1 `ack ID` (it needs the message's subscription). */
const rememberedMessages = 1000;

/** Typed lines: each command word, the frame it sends and the header its one argument fills. */
const commands: Record<string, { frame: string; arg?: string }> = {
  send: { frame: 'SEND', arg: 'destination' },
  subscribe: { frame: 'SUBSCRIBE', arg: 'destination' },
  unsubscribe: { frame: 'UNSUBSCRIBE', arg: 'id' },
  ack: { frame: 'ACK', arg: 'id' },
  nack: { frame: 'NACK', arg: 'id' },
  begin: { frame: 'BEGIN', arg: 'transaction' },
  commit: { frame: 'COMMIT', arg: 'transaction' },
  abort: { frame: 'ABORT', arg: 'transaction' },
};

const argNames: Record<string, string> = {
  destination: 'a destination',
  id: 'an id',
  transaction: 'a transaction name',
};

const syntax =
  'a STOMP line is send DEST [name:value…] BODY, subscribe DEST [name:value…], unsubscribe ID, ack ID, nack ID, begin TX, commit TX or abort TX';

interface Pending {
  frame: string;
  sentAt: number;
}

interface Outgoing {
  command: string;
  headers: [string, string][];
  body: string;
  receipt?: string;
}

/** A body as text when it is UTF-8, else {"$binary": base64} like Socket.IO attachments. */
export const bodyJson = textOrBinary;

/** `{"destination","headers","body"}`: how a MESSAGE (and a SEND in --jsonl) is shown. */
export function frameJson(frame: StompFrame): Record<string, unknown> {
  const destination = header(frame, 'destination');
  return {
    ...(destination === undefined ? {} : { destination }),
    headers: headerObject(frame, ['destination']),
    ...(frame.body.length > 0 || frame.command === 'SEND' || frame.command === 'MESSAGE'
      ? { body: bodyJson(frame.body) }
      : {}),
  };
}

/** "10000,10000" → [10000, 10000]; anything else counts as 0,0 (no heart-beats), as the spec's default. */
function beats(text: string | undefined): [number, number] {
  const m = /^\s*(\d+)\s*,\s*(\d+)\s*$/.exec(text ?? '');
  return m ? [Number(m[1]), Number(m[2])] : [0, 0];
}

export function stompCodec(opts: StompOptions = {}): Codec {
  const reader = new StompReader();
  let host = 'localhost';
  let version = '1.2';
  let isConnected = false;
  /** Lines typed before CONNECTED: sent in order once it comes. */
  let held: Outgoing[] = [];
  /** Active subscriptions by id: subscribed again after a reconnect. */
  const subscriptions = new Map<string, [string, string][]>();
  const receipts = new Map<string, Pending>();
  /** STOMP 1.1 ACK names the message's subscription: message-id → subscription of recent messages. */
  const messageSubscriptions = new Map<string, string>();
  let nextSubscription = 1;
  let nextReceipt = 1;
  let cancelBeat: CancelTimer | undefined;
  let cancelWatchdog: CancelTimer | undefined;
  let watchdogMs = 0;
  /** Subscriptions an ERROR ended, told on the next CONNECTED (only a reconnect would have sent them). */
  let droppedByError = 0;

  const stopTimers = () => {
    cancelBeat?.();
    cancelWatchdog?.();
    cancelBeat = cancelWatchdog = undefined;
  };

  const armWatchdog = (ctx: CodecContext) => {
    cancelWatchdog?.();
    if (watchdogMs <= 0) return;
    cancelWatchdog = ctx.setTimer(watchdogMs, () => {
      cancelWatchdog = undefined;
      ctx.reconnect(
        new WsxError('heartbeat-timeout', `no STOMP heart-beat for ${watchdogMs} ms: the server looks dead`),
      );
    });
  };

  const beatEvery = (ctx: CodecContext, everyMs: number) => {
    cancelBeat = ctx.setTimer(everyMs, () => {
      // An end-of-line is STOMP's heart-beat (§Heart-beating).
      ctx.sendOwn('\n');
      beatEvery(ctx, everyMs);
    });
  };

  const write = (ctx: CodecContext, out: Outgoing) => {
    const frame = encodeFrame(out.command, out.headers, out.body).toString('utf8');
    const pending = out.receipt === undefined ? undefined : receipts.get(out.receipt);
    ctx.send(frame, pending ? (at) => (pending.sentAt = at) : undefined);
  };

  const connectHeaders = (): [string, string][] => {
    const own: Record<string, string> = {
      'accept-version': '1.2,1.1',
      host,
      ...(opts.login === undefined ? {} : { login: opts.login }),
      ...(opts.passcode === undefined ? {} : { passcode: opts.passcode }),
      'heart-beat': defaultHeartBeat,
    };
    for (const [name, value] of Object.entries(opts.init ?? {}))
      own[name] = typeof value === 'string' ? value : JSON.stringify(value);
    return Object.entries(own);
  };

  const onConnected = (frame: StompFrame, ctx: CodecContext) => {
    isConnected = true;
    version = header(frame, 'version') ?? '1.0';
    const [cx, cy] = beats(Object.fromEntries(connectHeaders())['heart-beat']);
    const [sx, sy] = beats(header(frame, 'heart-beat'));
    // §Heart-beating: each side beats at the slower of what it can send and what the other wants.
    const sendEveryMs = cx === 0 || sy === 0 ? 0 : Math.max(cx, sy);
    const expectEveryMs = sx === 0 || cy === 0 ? 0 : Math.max(sx, cy);
    stopTimers();
    if (sendEveryMs > 0) beatEvery(ctx, sendEveryMs);
    watchdogMs = expectEveryMs * missedBeats;
    armWatchdog(ctx);
    // Subscriptions a former socket had (a held SUBSCRIBE goes out below, with its receipt).
    const heldIds = new Set(
      held.filter((o) => o.command === 'SUBSCRIBE').map((o) => o.headers.find(([n]) => n === 'id')?.[1]),
    );
    if (droppedByError > 0)
      ctx.note(`not subscribing again to ${droppedByError} destination(s): the server sent an ERROR`);
    droppedByError = 0;
    let again = 0;
    for (const [id, headers] of subscriptions) {
      if (heldIds.has(id)) continue;
      again++;
      write(ctx, { command: 'SUBSCRIBE', headers, body: '' });
    }
    for (const out of held.splice(0)) write(ctx, out);
    const server = header(frame, 'server');
    const beat = `heart-beat ${sendEveryMs}/${expectEveryMs} ms`;
    // Last: a `ready` listener may send at once, and that must come after the held lines.
    ctx.ready(
      `STOMP ${version} connected${server ? ` to ${server}` : ''} (${beat})` +
        (again > 0 ? `; subscribing again to ${again} destination(s)` : ''),
    );
  };

  const onFrame = (frame: StompFrame, incoming: Incoming, ctx: CodecContext) => {
    switch (frame.command) {
      case 'CONNECTED':
        onConnected(frame, ctx);
        return;
      case 'MESSAGE': {
        const id = header(frame, 'message-id');
        const subscription = header(frame, 'subscription');
        if (id !== undefined && subscription !== undefined) {
          messageSubscriptions.set(id, subscription);
          if (messageSubscriptions.size > rememberedMessages)
            messageSubscriptions.delete(messageSubscriptions.keys().next().value!);
        }
        const json = frameJson(frame);
        ctx.deliver({
          kind: 'message',
          text: JSON.stringify(json),
          json,
          ...(subscription === undefined ? {} : { id: subscription }),
          frame: incoming,
        });
        return;
      }
      case 'RECEIPT': {
        const id = header(frame, 'receipt-id') ?? '';
        const pending = receipts.get(id);
        receipts.delete(id);
        const json = { receipt: id };
        ctx.deliver({
          kind: 'receipt',
          text: JSON.stringify(json),
          json,
          id,
          ...(pending ? { rttMs: ctx.now() - pending.sentAt } : {}),
          frame: incoming,
        });
        return;
      }
      case 'ERROR': {
        const message = header(frame, 'message') ?? '';
        if (!isConnected) {
          const body = bodyJson(frame.body);
          const text = (typeof body === 'string' ? body : JSON.stringify(body)).trim();
          const detail = text === '' ? '' : `: ${text}`;
          ctx.fail(
            new WsxError('refused', `the STOMP server refused CONNECT: ${message}${detail}`, {
              hint: 'check --auth, and the virtual host: --init \'{"host":"NAME"}\'',
            }),
          );
          return;
        }
        // §ERROR: the server closes the connection now. Subscribing again after the reconnect would send the
        // frame it refused (an ERROR names no subscription) and loop: the user subscribes again by hand.
        droppedByError += subscriptions.size;
        subscriptions.clear();
        const receiptId = header(frame, 'receipt-id');
        const pending = receiptId === undefined ? undefined : receipts.get(receiptId);
        if (receiptId !== undefined) receipts.delete(receiptId);
        const json = {
          error: { message, headers: headerObject(frame, ['message']), body: bodyJson(frame.body) },
        };
        ctx.deliver({
          kind: 'error',
          text: JSON.stringify(json),
          json,
          isError: true,
          ...(receiptId === undefined ? {} : { id: receiptId }),
          ...(pending ? { rttMs: ctx.now() - pending.sentAt } : {}),
          frame: incoming,
        });
        return;
      }
      default:
        ctx.deliver({
          kind: 'invalid',
          text: encodeFrame(frame.command, frame.headers, frame.body).toString(),
          frame: incoming,
        });
    }
  };

  /** `name:value` tokens after the command's argument; the first other token (or `--`) starts the body. */
  const readHeaders = (text: string): { headers: [string, string][]; rest: string } => {
    const headers: [string, string][] = [];
    let rest = text;
    // Each pass consumes one token, so this ends within the line's length.
    for (;;) {
      const m = /^(\S+)(?:\s+|$)/.exec(rest);
      if (!m) break;
      if (m[1] === '--') {
        rest = rest.slice(m[0].length);
        break;
      }
      const h = /^([A-Za-z0-9_.-]+):(\S*)$/.exec(m[1]!);
      if (!h) break;
      headers.push([h[1]!, h[2]!]);
      rest = rest.slice(m[0].length);
    }
    return { headers, rest };
  };

  return {
    name: 'stomp',

    target(url, protocols) {
      host = new URL(url).hostname.replace(/^\[(.*)\]$/, '$1');
      return { url, protocols: [...protocols, ...stompSubprotocols] };
    },

    opened(ctx) {
      isConnected = false;
      reader.reset();
      stopTimers();
      watchdogMs = 0;
      const chosen = ctx.protocol();
      if (chosen !== '' && !stompSubprotocols.includes(chosen))
        ctx.note(`the server chose subprotocol "${chosen}", not a STOMP one`);
      ctx.sendOwn(encodeFrame('CONNECT', connectHeaders()).toString('utf8'));
    },

    received(incoming, ctx) {
      armWatchdog(ctx);
      let frames: ReturnType<StompReader['push']>;
      try {
        frames = reader.push(incoming.data);
      } catch (err) {
        if (!(err instanceof StompFrameError)) throw err;
        reader.reset();
        ctx.deliver({ kind: 'invalid', text: incoming.data.toString('utf8'), frame: incoming });
        ctx.note(`unreadable STOMP frame: ${err.message}`);
        return;
      }
      // A message of heart-beats alone is keep-alive: it does not hold a pipe past --wait.
      if (frames.length > 0 && frames.every((f) => f === 'heartbeat')) ctx.keepAlive();
      for (const f of frames) if (f !== 'heartbeat') onFrame(f, incoming, ctx);
    },

    closed(_code, _reason, ctx) {
      isConnected = false;
      stopTimers();
      if (receipts.size > 0) {
        ctx.note(`${receipts.size} receipt(s) never came: the socket closed`);
        receipts.clear();
      }
      return undefined;
    },

    input(line, ctx) {
      const typedCommand = commandOf(line);
      if (!typedCommand) return;
      const verb = typedCommand.verb.toLowerCase();
      const spec = commands[verb];
      if (!spec) throw new InputError(syntax);
      const command = spec.frame;
      const argMatch = /^(\S+)(?:\s+|$)/.exec(typedCommand.rest);
      if (!argMatch) throw new InputError(`${verb} needs ${argNames[spec.arg!]}`);
      const arg = argMatch[1]!;
      const { headers: typed, rest } = readHeaders(typedCommand.rest.slice(argMatch[0].length));
      if (command !== 'SEND' && rest !== '')
        throw new InputError(`${verb} takes no body: "${rest}" is not name:value`);
      const headers: [string, string][] = [];
      const has = (name: string) => typed.some(([n]) => n === name);
      switch (command) {
        case 'SUBSCRIBE': {
          headers.push(['destination', arg]);
          const id = typed.find(([n]) => n === 'id')?.[1] ?? `sub-${nextSubscription++}`;
          if (!has('id')) headers.push(['id', id]);
          if (!has('ack')) headers.push(['ack', 'auto']);
          break;
        }
        case 'UNSUBSCRIBE':
          if (!subscriptions.has(arg)) throw new InputError(`no active subscription with id ${arg}`);
          headers.push(['id', arg]);
          break;
        case 'ACK':
        case 'NACK':
          if (version === '1.1') {
            headers.push(['message-id', arg]);
            const sub = messageSubscriptions.get(arg);
            if (sub !== undefined && !has('subscription')) headers.push(['subscription', sub]);
          } else headers.push(['id', arg]);
          break;
        default:
          headers.push([spec.arg!, arg]);
      }
      // `receipt:` with no value asks for a receipt under an id wsx picks.
      let receipt: string | undefined;
      for (const [name, value] of typed) {
        if (name === 'receipt') {
          receipt = value || `r-${nextReceipt++}`;
          headers.push([name, receipt]);
        } else headers.push([name, value]);
      }
      if (command === 'SUBSCRIBE')
        subscriptions.set(
          headers.find(([n]) => n === 'id')![1],
          headers.filter(([n]) => n !== 'receipt'),
        );
      if (command === 'UNSUBSCRIBE') subscriptions.delete(arg);
      if (receipt !== undefined) receipts.set(receipt, { frame: command, sentAt: ctx.now() });
      const out: Outgoing = { command, headers, body: rest, ...(receipt === undefined ? {} : { receipt }) };
      if (isConnected) write(ctx, out);
      else held.push(out);
    },

    dispose() {
      stopTimers();
      held = [];
    },
  };
}
