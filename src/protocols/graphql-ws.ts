// GraphQL over WebSocket, the graphql-transport-ws subprotocol (the `graphql-ws` library's protocol):
// connection_init/ack, one subscribe per operation, next/error/complete, ping/pong both ways.
// The message shapes are written out here: graphql-ws needs `graphql` (3 MB) as a peer, too much to ship
// for six small JSON objects (https://github.com/enisdenjo/graphql-ws/blob/master/PROTOCOL.md).

import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import { InputError, type Codec, type CodecContext } from './codec.js';

export const graphqlTransportWs = 'graphql-transport-ws';
/** The older subscriptions-transport-ws protocol's subprotocol name (Apollo's, deprecated). */
const legacySubprotocol = 'graphql-ws';

export interface GraphqlWsOptions {
  /** connection_init's payload (--init JSON). */
  init?: Record<string, unknown>;
  /** Send a protocol ping this often while connected, ms; no pong within the same time: reconnect. 0: off. */
  keepaliveMs?: number;
}

interface SubscribePayload {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
  extensions?: Record<string, unknown> | null;
}

interface Operation {
  payload: SubscribePayload;
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

  const send = (ctx: CodecContext, msg: Record<string, unknown>) => ctx.send(JSON.stringify(msg));

  const subscribe = (ctx: CodecContext, id: string, op: Operation) => {
    op.sentAt = ctx.now();
    op.hasAnswered = false;
    ctx.send(JSON.stringify({ id, type: 'subscribe', payload: op.payload }), (at) => (op.sentAt = at));
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
      let msg: ServerMessage;
      try {
        msg = JSON.parse(frame.data.toString('utf8')) as ServerMessage;
      } catch {
        msg = {};
      }
      const id = typeof msg.id === 'string' ? msg.id : undefined;
      const op = id === undefined ? undefined : operations.get(id);
      switch (msg.type) {
        case 'connection_ack': {
          isAcked = true;
          const again = [...operations].filter(([, o]) => o.sentAt >= 0).length;
          for (const [opId, o] of operations) subscribe(ctx, opId, o);
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
          const first = op !== undefined && !op.hasAnswered;
          if (op) op.hasAnswered = true;
          ctx.deliver({
            kind: 'next',
            text: JSON.stringify(msg.payload),
            json: msg.payload,
            ...(id === undefined ? {} : { id }),
            ...(first ? { rttMs: ctx.now() - op.sentAt } : {}),
            frame,
          });
          return;
        }
        case 'error': {
          if (id !== undefined) operations.delete(id);
          const errors = { errors: msg.payload };
          ctx.deliver({
            kind: 'error',
            text: JSON.stringify(errors),
            json: errors,
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
          ctx.deliver({ kind: 'invalid', text: frame.data.toString('utf8'), frame });
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
        if (isAcked) send(ctx, { id: opId, type: 'complete' });
        return;
      }
      let payload: SubscribePayload;
      if (text.startsWith('{') && /^\{\s*"/.test(text)) {
        let value: unknown;
        try {
          value = JSON.parse(text);
        } catch (err) {
          throw new InputError(`not valid JSON: ${(err as Error).message}`);
        }
        payload = value as SubscribePayload;
        if (typeof payload.query !== 'string')
          throw new InputError('a JSON operation needs a "query" string');
      } else {
        // A GraphQL document on one line: `{ hello }`, `subscription { count }`.
        payload = { query: text };
      }
      const id = String(nextId++);
      const op: Operation = { payload, sentAt: -1, hasAnswered: false };
      operations.set(id, op);
      if (isAcked) subscribe(ctx, id, op);
    },

    dispose: stopTimers,
  };
}
