// GraphQL over WebSocket, the graphql-transport-ws subprotocol (the `graphql-ws` library's protocol):
// connection_init/ack, one subscribe per operation, next/error/complete, ping/pong both ways.
// The message shapes are written out here: graphql-ws needs `graphql` (3 MB) as a peer, too much to ship
// for six small JSON objects (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).

import type { CancelTimer } from '../core/clock.js';
import type { Incoming } from '../core/events.js';
import { WsxError } from '../core/errors.js';
import { InputError, type Codec, type CodecContext } from './codec.js';
import { memberOf, parseJsonText, sliceOf } from './json-text.js';

export const graphqlTransportWs = 'graphql-transport-ws';
/** The older subscriptions-transport-ws protocol's subprotocol name (Apollo's, deprecated). */
const legacySubprotocol = 'graphql-ws';

export interface GraphqlWsOptions {
  /** connection_init's payload (--init JSON). */
  init?: Record<string, unknown>;
  /** Send a protocol ping this often while connected, ms; no pong within the same time: reconnect. 0: off. */
  keepaliveMs?: number;
}

interface Operation {
  /** The subscribe payload as JSON text: a JSON operation exactly as the user typed it. */
  payload: string;
  /** When the socket took the subscribe, ms; -1 while it waits for connection_ack (never sent). */
  sentAt: number;
  hasAnswered: boolean;
}

interface ServerMessage {
  type?: unknown;
  id?: unknown;
  payload?: unknown;
}

// Close codes the protocol defines (PROTOCOL.md): the ones that mean "you are not let in".
const refusals: Record<number, string> = { 4401: 'Unauthorized', 4403: 'Forbidden' };

export function graphqlWsCodec(opts: GraphqlWsOptions = {}): Codec {
  const operations = new Map<string, Operation>();
  let nextId = 1;
  let isAcked = false;
  let cancelPing: CancelTimer | undefined;
  let cancelPongWait: CancelTimer | undefined;

  /** The protocol's own messages: never counted as the user's. */
  const send = (ctx: CodecContext, msg: Record<string, unknown>) => ctx.sendOwn(JSON.stringify(msg));

  /** `isAgain`: subscribing again after a reconnect is the protocol's doing, not a message of the user's. */
  const subscribe = (ctx: CodecContext, id: string, op: Operation, isAgain: boolean) => {
    op.sentAt = ctx.now();
    op.hasAnswered = false;
    // The payload is spliced in as typed: numbers past 2^53 or 1.10 reach the server unchanged.
    const frame = `{"id":${JSON.stringify(id)},"type":"subscribe","payload":${op.payload}}`;
    if (isAgain) ctx.sendOwn(frame);
    else ctx.send(frame, (at) => (op.sentAt = at));
  };

  /** A frame that is not a graphql-transport-ws message: shown as it came, and said so once per frame. */
  const unreadable = (ctx: CodecContext, frame: Incoming, why: string) => {
    ctx.deliver({
      kind: 'invalid',
      text: frame.isBinary ? frame.data.toString('base64') : frame.data.toString('utf8'),
      frame,
    });
    ctx.note(`unreadable graphql-ws message: ${why}`);
  };

  const stopTimers = () => {
    cancelPing?.();
    cancelPongWait?.();
    cancelPing = cancelPongWait = undefined;
  };

  const schedulePing = (ctx: CodecContext) => {
    const everyMs = opts.keepaliveMs ?? 0;
    if (everyMs <= 0) return;
    cancelPing = ctx.setTimer(everyMs, () => {
      send(ctx, { type: 'ping' });
      cancelPongWait = ctx.setTimer(everyMs, () => {
        ctx.reconnect(
          new WsxError('heartbeat-timeout', `no graphql-ws pong within ${everyMs} ms: the server looks dead`),
        );
      });
    });
  };

  return {
    name: 'graphql-ws',

    target(url, protocols) {
      // Offer the old name too, only to recognise a server that speaks nothing else and say so.
      return { url, protocols: [...protocols, graphqlTransportWs, legacySubprotocol] };
    },

    opened(ctx) {
      isAcked = false;
      const chosen = ctx.protocol();
      if (chosen === legacySubprotocol) {
        ctx.fail(
          new WsxError(
            'protocol',
            'the server speaks only the old subscriptions-transport-ws protocol (subprotocol "graphql-ws"), which wsx does not support',
            { hint: 'use --proto raw and write its messages by hand' },
          ),
        );
        return;
      }
      if (chosen !== graphqlTransportWs) ctx.note(`the server chose no graphql-transport-ws subprotocol`);
      send(ctx, { type: 'connection_init', ...(opts.init ? { payload: opts.init } : {}) });
    },

    received(frame, ctx) {
      let parsed: ReturnType<typeof parseJsonText> | undefined;
      try {
        parsed = frame.isBinary ? undefined : parseJsonText(frame.data.toString('utf8'));
      } catch {
        parsed = undefined;
      }
      const value = parsed?.value;
      if (!parsed || value === null || typeof value !== 'object' || Array.isArray(value)) {
        unreadable(ctx, frame, 'not a JSON object');
        return;
      }
      const msg = value as ServerMessage;
      const { text, span } = parsed;
      /** The payload exactly as the server wrote it; undefined when there is none. */
      const payloadSpan = memberOf(text, span, 'payload');
      const payload = payloadSpan && sliceOf(text, payloadSpan);
      const id = typeof msg.id === 'string' ? msg.id : undefined;
      const op = id === undefined ? undefined : operations.get(id);
      switch (msg.type) {
        case 'connection_ack': {
          // PROTOCOL.md: one ack per connection. Subscribing again on a second one sent every operation
          // twice under the same id, and a real server closes 4409 for that.
          if (isAcked) {
            ctx.detail('ignored a repeated graphql-ws connection_ack');
            return;
          }
          isAcked = true;
          const again = [...operations].filter(([, o]) => o.sentAt >= 0).length;
          for (const [opId, o] of operations) subscribe(ctx, opId, o, o.sentAt >= 0);
          schedulePing(ctx);
          // Last: a `ready` listener may subscribe at once (wsx run's send step), and that operation must
          // not be in the map the loop above walks, or it goes out twice (the server closes with 4409).
          ctx.ready(
            again > 0
              ? `graphql-ws connected; subscribing again to ${again} operation(s)`
              : 'graphql-ws connected',
          );
          return;
        }
        case 'ping':
          ctx.keepAlive();
          send(ctx, { type: 'pong' });
          return;
        case 'pong':
          ctx.keepAlive();
          cancelPongWait?.();
          cancelPongWait = undefined;
          schedulePing(ctx);
          return;
        case 'next': {
          if (payload === undefined) {
            unreadable(ctx, frame, '"next" without a payload');
            return;
          }
          const first = op !== undefined && !op.hasAnswered;
          if (op) op.hasAnswered = true;
          ctx.deliver({
            kind: 'next',
            text: payload,
            json: msg.payload,
            ...(id === undefined ? {} : { id }),
            ...(first ? { rttMs: ctx.now() - op.sentAt } : {}),
            frame,
          });
          return;
        }
        case 'error': {
          if (payload === undefined) {
            unreadable(ctx, frame, '"error" without a payload');
            return;
          }
          if (id !== undefined) operations.delete(id);
          ctx.deliver({
            kind: 'error',
            text: `{"errors":${payload}}`,
            json: { errors: msg.payload },
            isError: true,
            ...(id === undefined ? {} : { id }),
            ...(op && !op.hasAnswered ? { rttMs: ctx.now() - op.sentAt } : {}),
            frame,
          });
          return;
        }
        case 'complete':
          if (id !== undefined) operations.delete(id);
          ctx.deliver({ kind: 'complete', text: '', ...(id === undefined ? {} : { id }), frame });
          return;
        default:
          unreadable(ctx, frame, `unknown type ${JSON.stringify(msg.type) ?? 'undefined'}`);
      }
    },

    closed(code, reason) {
      isAcked = false;
      stopTimers();
      const refusal = refusals[code];
      if (refusal) {
        return new WsxError(
          'refused',
          `the GraphQL server refused the connection: ${code} ${reason || refusal}`,
          { hint: 'check --init', details: { closeCode: code, closeReason: reason } },
        );
      }
      if (code === 4406) {
        return new WsxError(
          'protocol',
          `the server does not speak ${graphqlTransportWs}: ${code} ${reason}`,
          {
            details: { closeCode: code, closeReason: reason },
          },
        );
      }
      return undefined;
    },

    input(line, ctx) {
      const text = line.trim();
      if (text === '') return;
      const stop = /^complete\s+(\S+)$/.exec(text);
      if (stop) {
        const opId = stop[1]!;
        if (!operations.delete(opId)) throw new InputError(`no active operation with id ${opId}`);
        // The user's own line, so counted as theirs.
        if (isAcked) ctx.send(JSON.stringify({ id: opId, type: 'complete' }));
        return;
      }
      let payload: string;
      if (text.startsWith('{') && /^\{\s*"/.test(text)) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new InputError(`not valid JSON: ${(err as Error).message}`);
        }
        if (typeof (value as { query?: unknown }).query !== 'string')
          throw new InputError('a JSON operation needs a "query" string');
        payload = text;
      } else {
        // A GraphQL document on one line: `{ hello }`, `subscription { count }`.
        payload = JSON.stringify({ query: text });
      }
      const id = String(nextId++);
      const op: Operation = { payload, sentAt: -1, hasAnswered: false };
      operations.set(id, op);
      if (isAcked) subscribe(ctx, id, op, false);
    },

    heldInputs: () => [...operations.values()].filter((o) => o.sentAt < 0).length,

    dispose: stopTimers,
  };
}
