// Picks a codec by --proto name, loading only that protocol's code (Socket.IO's parsers cost ~20 ms to load).

import type { Codec, ProtocolName } from './codec.js';
import type { GraphqlWsOptions } from './graphql-ws.js';
import type { SocketIoOptions } from './socketio.js';

export const protocolNames: readonly ProtocolName[] = ['raw', 'socketio', 'jsonrpc', 'cdp', 'graphql-ws'];

export type ProtocolOptions = SocketIoOptions & GraphqlWsOptions;

/** The codec for `name`, built with the options that concern it. */
export async function loadCodec(name: ProtocolName, opts: ProtocolOptions = {}): Promise<Codec> {
  switch (name) {
    case 'raw':
      return (await import('./raw.js')).rawCodec();
    case 'socketio':
      return (await import('./socketio.js')).socketIoCodec(opts);
    case 'jsonrpc':
    case 'cdp': {
      const { dialects, jsonRpcCodec } = await import('./jsonrpc.js');
      return jsonRpcCodec(dialects[name]);
    }
    case 'graphql-ws':
      return (await import('./graphql-ws.js')).graphqlWsCodec(opts);
  }
}
