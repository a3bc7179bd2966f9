// An MQTT 5 broker over WebSocket on 127.0.0.1 port 0, for what the aedes broker cannot do (aedes 1.x
// refuses protocol version 5 with CONNACK 1). Packets are read and written by mqtt-packet; the broker follows
// the MQTT 5 spec for what the tests use: CONNACK reason codes and properties, SUBACK/UNSUBACK reason codes
// per filter, PUBLISH routing with QoS 0/1/2 (user properties forwarded) and PUBACK reason codes (0x10: no
// matching subscribers), PINGREQ.
// Proved faithful by mqtt5.test.ts, which drives it with the official mqtt client at protocolVersion 5.

import { createServer } from 'node:http';
import mqttPacket, { type Packet, type QoS } from 'mqtt-packet';
import { WebSocketServer, type WebSocket } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';

export interface Mqtt5Server {
  url: string;
  /** Every packet received, across connections. */
  received: Packet[];
}

/** MQTT topic filter matching (§4.7): `+` one level, `#` the rest. */
function matches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
  }
  return f.length === t.length;
}

/**
 * `credentials`: the accepted username and password; others get CONNACK 0x86 with a reason string.
 * Filters under `forbidden/` get SUBACK 0x87 (not authorized); under `quota/` 0x97 (quota exceeded).
 */
export async function startMqtt5Server(
  defer: Defer,
  opts: { credentials?: { username: string; password: string } } = {},
): Promise<Mqtt5Server> {
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  const server: Mqtt5Server = { url: '', received: [] };
  const clients = new Map<WebSocket, Map<string, QoS>>();
  wss.on('connection', (ws) => {
    const subscriptions = new Map<string, QoS>();
    const send = (packet: Packet, to: WebSocket = ws) =>
      to.send(mqttPacket.generate(packet, { protocolVersion: 5 }));
    let nextId = 1;
    const parser = mqttPacket.parser({ protocolVersion: 5 });
    ws.on('message', (data: Buffer) => parser.parse(data));
    ws.on('close', () => clients.delete(ws));
    parser.on('error', () => ws.close(1002));
    parser.on('packet', (packet: Packet) => {
      server.received.push(packet);
      switch (packet.cmd) {
        case 'connect': {
          if (packet.protocolVersion !== 5) {
            send({ cmd: 'connack', sessionPresent: false, reasonCode: 0x84 });
            ws.close();
            return;
          }
          const c = opts.credentials;
          if (c && (packet.username !== c.username || packet.password?.toString() !== c.password)) {
            send({
              cmd: 'connack',
              sessionPresent: false,
              reasonCode: 0x86,
              properties: { reasonString: 'user name or password is wrong' },
            });
            ws.close();
            return;
          }
          clients.set(ws, subscriptions);
          send({
            cmd: 'connack',
            sessionPresent: false,
            reasonCode: 0,
            properties: {
              ...(packet.clientId === '' ? { assignedClientIdentifier: 'auto-1' } : {}),
              maximumQoS: 2,
            },
          });
          return;
        }
        case 'subscribe': {
          const granted = packet.subscriptions.map((s) => {
            if (s.topic.startsWith('forbidden/')) return 0x87;
            if (s.topic.startsWith('quota/')) return 0x97;
            subscriptions.set(s.topic, s.qos);
            return s.qos;
          });
          send({ cmd: 'suback', messageId: packet.messageId, granted });
          return;
        }
        case 'unsubscribe': {
          const granted = packet.unsubscriptions.map((t) => (subscriptions.delete(t) ? 0 : 0x11));
          send({ cmd: 'unsuback', messageId: packet.messageId, granted });
          return;
        }
        case 'publish': {
          let delivered = 0;
          for (const [client, subs] of clients) {
            for (const [filter, subQos] of subs) {
              if (!matches(filter, packet.topic)) continue;
              delivered++;
              const qos = Math.min(subQos, packet.qos) as QoS;
              send(
                {
                  cmd: 'publish',
                  topic: packet.topic,
                  payload: packet.payload,
                  qos,
                  retain: false,
                  dup: false,
                  ...(qos > 0 ? { messageId: nextId++ } : {}),
                  // §3.3.2.3.7: the server forwards the user properties unaltered, in order.
                  ...(packet.properties?.userProperties
                    ? { properties: { userProperties: packet.properties.userProperties } }
                    : {}),
                },
                client,
              );
              break;
            }
          }
          // §3.4.2.1: 0x10, the message was accepted but nobody subscribes to it.
          const reasonCode = delivered === 0 ? 0x10 : 0;
          if (packet.qos === 1) send({ cmd: 'puback', messageId: packet.messageId, reasonCode });
          if (packet.qos === 2) send({ cmd: 'pubrec', messageId: packet.messageId, reasonCode });
          return;
        }
        case 'pubrel':
          send({ cmd: 'pubcomp', messageId: packet.messageId });
          return;
        case 'pubrec':
          send({ cmd: 'pubrel', messageId: packet.messageId });
          return;
        case 'pingreq':
          send({ cmd: 'pingresp' });
          return;
        case 'disconnect':
          ws.close();
          return;
        default:
      }
    });
  });
  const port = await listenOnLoopback(http);
  server.url = `ws://127.0.0.1:${port}/mqtt`;
  stopAfterTest(defer, wss, http);
  return server;
}
