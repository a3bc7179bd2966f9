// Picks a codec by --proto name.

import type { Codec, ProtocolName } from './codec.js';
import { graphqlWsCodec, type GraphqlWsOptions } from './graphql-ws.js';
import { jsonRpcCodec } from './jsonrpc.js';
import { rawCodec } from './raw.js';
import { socketIoCodec, type SocketIoOptions } from './socketio.js';

export const protocolNames: readonly ProtocolName[] = ['raw', 'socketio', 'jsonrpc', 'graphql-ws'];

export type ProtocolOptions = SocketIoOptions & GraphqlWsOptions;

export function createCodec(name: ProtocolName, opts: ProtocolOptions = {}): Codec {
  switch (name) {
    case 'raw':
      return rawCodec();
    case 'socketio':
      return socketIoCodec(opts);
    case 'jsonrpc':
      return jsonRpcCodec();
    case 'graphql-ws':
      return graphqlWsCodec(opts);
  }
}
