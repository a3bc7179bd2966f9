// Picks a codec by --proto name, loading only that protocol's code (Socket.IO's parsers cost ~20 ms to load).

import type { Codec, ProtocolName } from './codec.js';
import type { GraphqlWsOptions } from './graphql-ws.js';
import type { PhoenixOptions } from './phoenix.js';
import type { SocketIoOptions } from './socketio.js';
import type { StompOptions } from './stomp.js';
import type { MqttOptions } from './mqtt.js';
import type { RawOptions } from './raw.js';

export const protocolNames: readonly ProtocolName[] = [
  'raw',
  'socketio',
  'jsonrpc',
  'cdp',
  'graphql-ws',
  'phoenix',
  'signalr',
  'actioncable',
  'stomp',
  'mqtt',
];

export type ProtocolOptions = RawOptions &
  SocketIoOptions &
  GraphqlWsOptions &
  PhoenixOptions &
  StompOptions &
  MqttOptions;

/** The codec for `name`, built with the options that concern it. */
export async function loadCodec(name: ProtocolName, opts: ProtocolOptions = {}): Promise<Codec> {
  switch (name) {
    case 'raw':
      return (await import('./raw.js')).rawCodec(opts);
    case 'socketio':
      return (await import('./socketio.js')).socketIoCodec(opts);
    case 'jsonrpc':
    case 'cdp': {
      const { dialects, jsonRpcCodec } = await import('./jsonrpc.js');
      return jsonRpcCodec(dialects[name]);
    }
    case 'graphql-ws':
      return (await import('./graphql-ws.js')).graphqlWsCodec(opts);
    case 'phoenix':
      return (await import('./phoenix.js')).phoenixCodec(opts);
    case 'signalr':
      return (await import('./signalr.js')).signalrCodec();
    case 'actioncable':
      return (await import('./actioncable.js')).actionCableCodec();
    case 'stomp':
      return (await import('./stomp.js')).stompCodec(opts);
    case 'mqtt': {
      const { loadMqttPackets, mqttCodec } = await import('./mqtt.js');
      await loadMqttPackets();
      return mqttCodec(opts);
    }
  }
}
