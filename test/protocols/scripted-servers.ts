// ws servers that speak a protocol by hand, frame by frame as text, so a test can send exactly the bytes a
// library would never produce: numbers past 2^53, malformed packets, a second acknowledgement.

import { once } from 'node:events';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';

export interface ScriptedServer {
  url: string;
  wss: WebSocketServer;
  /** Every text frame clients sent, exactly as received; binary frames as <binary base64>. */
  received: string[];
  /** Connections accepted so far. */
  connections: () => number;
}

/**
 * A ws server on 127.0.0.1 that calls `onFrame(ws, text)` for each text frame and `onOpen(ws)` on each
 * connection; `protocol` is the subprotocol it picks when offered.
 */
export async function startTextServer(
  defer: Defer,
  script: {
    onOpen?: (ws: WebSocket, n: number, tcp: Socket) => void;
    onFrame?: (ws: WebSocket, text: string, isBinary: boolean) => void;
    protocol?: string;
  },
): Promise<ScriptedServer> {
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    ...(script.protocol
      ? {
          handleProtocols: (offered: Set<string>) =>
            offered.has(script.protocol!) ? script.protocol! : false,
        }
      : {}),
  });
  await once(wss, 'listening');
  const received: string[] = [];
  let connections = 0;
  wss.on('connection', (ws, req) => {
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      const text = isBinary ? `<binary ${(data as Buffer).toString('base64')}>` : data.toString();
      received.push(text);
      script.onFrame?.(ws, isBinary ? (data as Buffer).toString('base64') : data.toString(), isBinary);
    });
    script.onOpen?.(ws, ++connections, req.socket);
  });
  stopAfterTest(defer, wss);
  const port = (wss.address() as { port: number }).port;
  return { url: `ws://127.0.0.1:${port}`, wss, received, connections: () => connections };
}

/** The Engine.IO open packet a Socket.IO v4 server sends first. */
export const engineIoOpen =
  '0{"sid":"s1","upgrades":[],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}';

/**
 * A Socket.IO server by hand: the open packet (`open`, default engineIoOpen), then for a CONNECT
 * `onConnect` (default: answer `40{"sid":…}`); `onEvent` gets every other Socket.IO packet as text (after
 * the Engine.IO "4"), with the TCP socket to cut.
 */
export function startHandSocketIo(
  defer: Defer,
  opts: {
    open?: string;
    onConnect?: (ws: WebSocket, tcp: Socket) => void;
    onEvent?: (ws: WebSocket, packet: string, tcp: Socket) => void;
    onOpen?: (ws: WebSocket, n: number, tcp: Socket) => void;
  } = {},
): Promise<ScriptedServer> {
  const tcpOf = new WeakMap<WebSocket, Socket>();
  return startTextServer(defer, {
    onOpen: (ws, n, tcp) => {
      tcpOf.set(ws, tcp);
      ws.send(opts.open ?? engineIoOpen);
      opts.onOpen?.(ws, n, tcp);
    },
    onFrame: (ws, text, isBinary) => {
      if (isBinary) return;
      if (text.startsWith('40')) {
        if (opts.onConnect) opts.onConnect(ws, tcpOf.get(ws)!);
        else ws.send('40{"sid":"n1"}');
      } else if (text.startsWith('4')) opts.onEvent?.(ws, text.slice(1), tcpOf.get(ws)!);
    },
  });
}

/** A graphql-transport-ws server by hand: acks connection_init; `onSubscribe` gets each subscribe's id and text. */
export function startHandGraphqlWs(
  defer: Defer,
  opts: {
    onSubscribe?: (ws: WebSocket, id: string, text: string) => void;
    onInit?: (ws: WebSocket) => void;
  } = {},
): Promise<ScriptedServer> {
  return startTextServer(defer, {
    protocol: 'graphql-transport-ws',
    onFrame: (ws, text) => {
      const msg = JSON.parse(text) as { type: string; id?: string };
      if (msg.type === 'connection_init') {
        ws.send('{"type":"connection_ack"}');
        opts.onInit?.(ws);
      } else if (msg.type === 'subscribe') opts.onSubscribe?.(ws, msg.id!, text);
    },
  });
}
