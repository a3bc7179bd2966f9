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
  return (await codecFactory(name, opts))();
}

/**
 * Loads `name`'s code once and returns a maker of fresh codecs, each with its own state: wsx load gives every
 * one of its connections a codec of its own without an `await` per connection.
 */
export async function codecFactory(name: ProtocolName, opts: ProtocolOptions = {}): Promise<() => Codec> {
  switch (name) {
    case 'raw': {
      const { rawCodec } = await import('./raw.js');
      return () => rawCodec(opts);
    }
    case 'socketio': {
      const { socketIoCodec } = await import('./socketio.js');
      return () => socketIoCodec(opts);
    }
    case 'jsonrpc':
    case 'cdp': {
      const { dialects, jsonRpcCodec } = await import('./jsonrpc.js');
      return () => jsonRpcCodec(dialects[name]);
    }
    case 'graphql-ws': {
      const { graphqlWsCodec } = await import('./graphql-ws.js');
      return () => graphqlWsCodec(opts);
    }
    case 'phoenix': {
      const { phoenixCodec } = await import('./phoenix.js');
      return () => phoenixCodec(opts);
    }
    case 'signalr': {
      const { signalrCodec } = await import('./signalr.js');
      return () => signalrCodec();
    }
    case 'actioncable': {
      const { actionCableCodec } = await import('./actioncable.js');
      return () => actionCableCodec();
    }
    case 'stomp': {
      const { stompCodec } = await import('./stomp.js');
      return () => stompCodec(opts);
    }
    case 'mqtt': {
      const { loadMqttPackets, mqttCodec } = await import('./mqtt.js');
      await loadMqttPackets();
      return () => mqttCodec(opts);
    }
  }
}
