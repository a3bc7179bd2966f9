// MQTT 3.1.1 and 5 over WebSocket (subprotocol "mqtt", binary frames): CONNECT, SUBSCRIBE with QoS 0/1/2,
// PUBLISH with QoS and retain, the acknowledgement flows both ways (MQTT 5's reason codes in words), PINGREQ. Packets are read and written
// by mqtt-packet (the parser the mqtt.js client and the aedes broker use); a packet may span frames.

import type { Packet, Parser, QoS } from 'mqtt-packet';
import type * as MqttPackets from './mqtt-packet.js';
import type { CancelTimer } from '../core/clock.js';
import { WsxError } from '../core/errors.js';
import type { Incoming } from '../core/events.js';
import { commandOf, InputError, type Codec, type CodecContext } from './codec.js';
import { textOrBinary } from './binary-json.js';
import { connackRefusal, reasonText } from './mqtt-reasons.js';

export interface MqttOptions {
  /** CONNECT's username (--auth user:pass). */
  login?: string;
  /** CONNECT's password. */
  passcode?: string;
  /** CONNECT fields (--init '{"clientId":"x","keepalive":30,"clean":false}'); they win over wsx's own. */
  init?: Record<string, unknown>;
}

export const mqttSubprotocol = 'mqtt';

/** Seconds between PINGREQs when --init gives no keepalive: what mqtt.js uses. */
const defaultKeepaliveS = 60;

/** Close codes that say "come back later" (RFC 6455 §7.4.1), not "you were refused". */
const isTransientClose = (code: number) => [1001, 1005, 1006, 1011, 1012, 1013, 1014].includes(code);

const syntax = 'an MQTT line is sub FILTER [qos:N], unsub FILTER, or pub TOPIC [qos:N] [retain:1] PAYLOAD';

interface Pending {
  what: 'publish' | 'subscribe' | 'unsubscribe';
  topics: string[];
  sentAt: number;
}

/**
 * A received PUBLISH as the user sees it: topic and payload (text when it is UTF-8), QoS, retain, and the
 * MQTT 5 user properties when it has any (a value is an array when a name repeats).
 */
export function publishJson(p: {
  topic: string;
  payload: string | Buffer;
  qos: number;
  retain: boolean;
  properties?: { userProperties?: Record<string, string | string[]> };
}) {
  const payload = typeof p.payload === 'string' ? p.payload : textOrBinary(p.payload);
  const userProperties = p.properties?.userProperties;
  return {
    topic: p.topic,
    payload,
    qos: p.qos,
    retain: p.retain,
    ...(userProperties && Object.keys(userProperties).length > 0 ? { userProperties } : {}),
  };
}

function qosOf(value: string): QoS {
  if (value !== '0' && value !== '1' && value !== '2')
    throw new InputError(`qos is 0, 1 or 2, not "${value}"`);
  return Number(value) as QoS;
}

let packets: typeof MqttPackets | undefined;

/** Loads the packet codec (a bundle of its own); loadCodec awaits it before mqttCodec() runs. */
export async function loadMqttPackets(): Promise<void> {
  packets ??= await import('./mqtt-packet.js');
}

function mqttPacket(): typeof MqttPackets {
  if (!packets) throw new Error('loadMqttPackets() was not awaited');
  return packets;
}

export function mqttCodec(opts: MqttOptions = {}): Codec {
  const protocolVersion = opts.init?.protocolVersion === 5 ? 5 : 4;
  const keepaliveS = typeof opts.init?.keepalive === 'number' ? opts.init.keepalive : defaultKeepaliveS;
  const clientId =
    typeof opts.init?.clientId === 'string'
      ? opts.init.clientId
      : `wsx-${Math.random().toString(16).slice(2, 10)}`;
  let parser: Parser | undefined;
  let current: Incoming | undefined;
  let isConnected = false;
  let held: Packet[] = [];
  /** Active subscriptions, filter → QoS: subscribed again after a reconnect. */
  const subscriptions = new Map<string, QoS>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let cancelPing: CancelTimer | undefined;
  let cancelPongWait: CancelTimer | undefined;

  const ownPackets = new Set(['connect', 'pingreq', 'puback', 'pubrec', 'pubrel', 'pubcomp', 'disconnect']);
  const send = (ctx: CodecContext, packet: Packet) => {
    const bytes = mqttPacket().generate(packet, { protocolVersion });
    const wait = packet.messageId === undefined ? undefined : pending.get(packet.messageId);
    // The protocol's own packets (the opening, keep-alive, acknowledgements) are never the user's messages
    // to count as sent, dropped or unconfirmed.
    if (ownPackets.has(packet.cmd)) ctx.sendOwn(bytes);
    else ctx.send(bytes, wait ? (at) => (wait.sentAt = at) : undefined);
  };

  const takeId = (): number => {
    // Message ids are 1..65535 (§2.3.1); skip those still waiting for their acknowledgement.
    for (let tries = 0; tries < 65535; tries++) {
      const id = nextId;
      nextId = nextId === 65535 ? 1 : nextId + 1;
      if (!pending.has(id)) return id;
    }
    throw new InputError('65535 packets are waiting for their acknowledgement: wait for some');
  };

  const stopTimers = () => {
    cancelPing?.();
    cancelPongWait?.();
    cancelPing = cancelPongWait = undefined;
  };

  const schedulePing = (ctx: CodecContext) => {
    cancelPing?.();
    if (keepaliveS <= 0) return;
    // §3.1.2.10: the client must send something within each keep-alive period; PINGREQ when idle.
    cancelPing = ctx.setTimer(keepaliveS * 1000, () => {
      cancelPing = undefined;
      send(ctx, { cmd: 'pingreq' });
      cancelPongWait ??= ctx.setTimer(keepaliveS * 1000, () => {
        cancelPongWait = undefined;
        ctx.reconnect(
          new WsxError('heartbeat-timeout', `no MQTT PINGRESP within ${keepaliveS} s: the server looks dead`),
        );
      });
      schedulePing(ctx);
    });
  };

  const answer = (
    ctx: CodecContext,
    frame: Incoming,
    id: number | undefined,
    json: Record<string, unknown>,
    isError = false,
  ) => {
    const wait = id === undefined ? undefined : pending.get(id);
    if (id !== undefined) pending.delete(id);
    ctx.deliver({
      kind: isError ? 'error' : 'receipt',
      text: JSON.stringify(json),
      json,
      ...(isError ? { isError: true } : {}),
      ...(id === undefined ? {} : { id }),
      ...(wait ? { rttMs: ctx.now() - wait.sentAt } : {}),
      frame,
    });
  };

  const onPacket = (packet: Packet, frame: Incoming, ctx: CodecContext) => {
    switch (packet.cmd) {
      case 'connack': {
        const code = packet.returnCode ?? packet.reasonCode ?? 0;
        if (code !== 0) {
          // MQTT 5: the server may say why in words of its own.
          const said = packet.properties?.reasonString;
          ctx.fail(
            new WsxError(
              'refused',
              `the MQTT server refused CONNECT: ${connackRefusal(code, protocolVersion)}${said ? ` (${said})` : ''}`,
              { hint: 'check --auth, and the client id: --init \'{"clientId":"…"}\'' },
            ),
          );
          return;
        }
        isConnected = true;
        // Filters a former socket had subscribed (a held SUBSCRIBE goes out below, with its SUBACK awaited).
        const heldFilters = new Set(
          held.flatMap((p) => (p.cmd === 'subscribe' ? p.subscriptions.map((s) => s.topic) : [])),
        );
        const again = [...subscriptions].filter(([topic]) => !heldFilters.has(topic));
        if (again.length > 0 && !packet.sessionPresent)
          send(ctx, {
            cmd: 'subscribe',
            messageId: takeId(),
            subscriptions: again.map(([topic, qos]) => ({ topic, qos })),
          });
        for (const p of held.splice(0)) send(ctx, p);
        schedulePing(ctx);
        ctx.ready(
          `MQTT ${protocolVersion === 5 ? '5' : '3.1.1'} connected as ${clientId} (keep-alive ${keepaliveS} s)` +
            (again.length > 0 && !packet.sessionPresent
              ? `; subscribing again to ${again.length} filter(s)`
              : ''),
        );
        return;
      }
      case 'publish': {
        const json = publishJson(packet);
        ctx.deliver({
          kind: 'message',
          text: JSON.stringify(json),
          json,
          ...(packet.messageId === undefined ? {} : { id: packet.messageId }),
          frame,
        });
        // §4.3: QoS 1 is acknowledged with PUBACK, QoS 2 with PUBREC (then PUBREL → PUBCOMP).
        if (packet.qos === 1) send(ctx, { cmd: 'puback', messageId: packet.messageId! });
        if (packet.qos === 2) send(ctx, { cmd: 'pubrec', messageId: packet.messageId! });
        return;
      }
      case 'pubrel':
        send(ctx, { cmd: 'pubcomp', messageId: packet.messageId! });
        return;
      case 'pubrec': {
        // Our QoS 2 publish arrived: release it; its round trip ends at PUBCOMP.
        send(ctx, { cmd: 'pubrel', messageId: packet.messageId! });
        return;
      }
      case 'puback':
      case 'pubcomp': {
        // MQTT 5: a reason code other than 0 is shown (0x10 no matching subscribers); from 0x80 it failed.
        const code = packet.reasonCode ?? 0;
        const reason = code === 0 ? {} : { reasonCode: code, reason: reasonText(code) };
        answer(ctx, frame, packet.messageId, { [packet.cmd]: packet.messageId, ...reason }, code >= 0x80);
        return;
      }
      case 'suback': {
        const wait = packet.messageId === undefined ? undefined : pending.get(packet.messageId);
        const granted = packet.granted as number[];
        const topics = wait?.topics ?? [];
        // §3.9.3: 0x80 (and any code from 0x80 in MQTT 5) is a refused subscription.
        const refused = topics.filter((_, i) => (granted[i] ?? 0x80) >= 0x80);
        for (const topic of refused) subscriptions.delete(topic);
        // MQTT 5 says why each was refused; 3.1.1's 0x80 says only that it was.
        const reasons =
          protocolVersion === 5 ? { reasons: granted.filter((g) => g >= 0x80).map(reasonText) } : {};
        const json =
          refused.length > 0
            ? { error: { message: 'subscription refused', topics: refused, granted, ...reasons } }
            : { suback: packet.messageId, granted };
        answer(ctx, frame, packet.messageId, json, refused.length > 0);
        return;
      }
      case 'unsuback':
        answer(ctx, frame, packet.messageId, { unsuback: packet.messageId });
        return;
      case 'pingresp':
        cancelPongWait?.();
        cancelPongWait = undefined;
        // Keep-alive: it does not hold a pipe past --wait (a frame holding only this packet).
        if (frame.data.length <= 2) ctx.keepAlive();
        return;
      case 'disconnect':
        ctx.note(
          `the MQTT server sent DISCONNECT${packet.reasonCode ? ` (${reasonText(packet.reasonCode)})` : ''}`,
        );
        return;
      default:
        ctx.deliver({ kind: 'invalid', text: JSON.stringify({ cmd: packet.cmd }), frame });
    }
  };

  return {
    name: 'mqtt',

    target(url, protocols) {
      return { url, protocols: [...protocols, mqttSubprotocol] };
    },

    opened(ctx) {
      isConnected = false;
      stopTimers();
      parser?.removeAllListeners();
      parser = mqttPacket().parser({ protocolVersion });
      // The packets a frame completes carry that frame (a packet that spans frames: its last one).
      parser.on('packet', (packet: Packet) => onPacket(packet, current!, ctx));
      parser.on('error', (err: Error) => {
        ctx.deliver({ kind: 'invalid', text: current!.data.toString('base64'), frame: current! });
        ctx.note(`unreadable MQTT packet: ${err.message}`);
      });
      if (ctx.protocol() !== mqttSubprotocol) ctx.note('the server chose no "mqtt" subprotocol');
      const init = { ...(opts.init ?? {}) };
      delete init.protocolVersion;
      send(ctx, {
        cmd: 'connect',
        protocolId: 'MQTT',
        protocolVersion,
        clientId,
        clean: true,
        keepalive: keepaliveS,
        ...(opts.login === undefined ? {} : { username: opts.login }),
        ...(opts.passcode === undefined ? {} : { password: Buffer.from(opts.passcode) }),
        ...init,
      });
    },

    received(frame) {
      current = frame;
      parser?.parse(frame.data);
    },

    closed(code, reason, ctx) {
      // A server that ends the socket with a close frame instead of a CONNACK refused us (RabbitMQ 3.10
      // closes with 1002 "unauthenticated" on a bad login); a lost socket (1006) or a restart (1001, 1012)
      // is left to the retry policy.
      const wasRefused = !isConnected && !isTransientClose(code);
      isConnected = false;
      stopTimers();
      if (pending.size > 0) {
        ctx.note(`${pending.size} packet(s) never acknowledged: the socket closed`);
        pending.clear();
      }
      if (!wasRefused) return undefined;
      return new WsxError(
        'refused',
        `the MQTT server closed the connection instead of answering CONNECT: ${code}${reason ? ` ${JSON.stringify(reason)}` : ''}`,
        { hint: 'check --auth, and the client id: --init \'{"clientId":"…"}\'' },
      );
    },

    input(line, ctx) {
      const command = commandOf(line);
      if (!command) return;
      const word = command.verb.toLowerCase();
      let rest = command.rest;
      const tokens: Record<string, string> = {};
      const take = () => {
        // name:value options up to the payload (each pass consumes one token).
        for (;;) {
          const t = /^(qos|retain):(\S*)(?:\s+|$)/.exec(rest);
          if (!t) return;
          tokens[t[1]!] = t[2]!;
          rest = rest.slice(t[0].length);
        }
      };
      let packet: Packet;
      if (word === 'sub' || word === 'subscribe' || word === 'unsub' || word === 'unsubscribe') {
        const filters: string[] = [];
        // FILTER [qos:N] …, each pass consumes one token.
        for (;;) {
          take();
          const f = /^(\S+)(?:\s+|$)/.exec(rest);
          if (!f) break;
          filters.push(f[1]!);
          rest = rest.slice(f[0].length);
        }
        if (filters.length === 0) throw new InputError(`${word} needs a topic filter`);
        const qos = qosOf(tokens.qos ?? '0');
        const messageId = takeId();
        if (word.startsWith('sub')) {
          for (const topic of filters) subscriptions.set(topic, qos);
          packet = { cmd: 'subscribe', messageId, subscriptions: filters.map((topic) => ({ topic, qos })) };
          pending.set(messageId, { what: 'subscribe', topics: filters, sentAt: ctx.now() });
        } else {
          for (const topic of filters) subscriptions.delete(topic);
          packet = { cmd: 'unsubscribe', messageId, unsubscriptions: filters };
          pending.set(messageId, { what: 'unsubscribe', topics: filters, sentAt: ctx.now() });
        }
      } else if (word === 'pub' || word === 'publish') {
        const t = /^(\S+)(?:\s+|$)/.exec(rest);
        if (!t) throw new InputError(`${word} needs a topic`);
        const topic = t[1]!;
        rest = rest.slice(t[0].length);
        take();
        const qos = qosOf(tokens.qos ?? '0');
        const retain = tokens.retain !== undefined && tokens.retain !== '0' && tokens.retain !== 'false';
        packet = { cmd: 'publish', topic, payload: Buffer.from(rest), qos, retain, dup: false };
        if (qos > 0) {
          packet.messageId = takeId();
          pending.set(packet.messageId, { what: 'publish', topics: [topic], sentAt: ctx.now() });
        }
      } else throw new InputError(syntax);
      if (isConnected) send(ctx, packet);
      else held.push(packet);
    },

    dispose() {
      stopTimers();
      held = [];
    },
  };
}
