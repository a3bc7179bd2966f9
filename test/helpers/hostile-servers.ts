// Loopback servers that break the WebSocket protocol on purpose, each in one named way (raw `net` sockets
// where `ws` cannot misbehave). All listen on 127.0.0.1, port 0, and are closed by the test.

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { createServer, type Socket } from 'node:net';
import { destroyAndClose, listenOnLoopback, stopWsServer } from './servers.js';
import { WebSocketServer, type ServerOptions, type WebSocket } from 'ws';

export interface RawServer {
  port: number;
  url: string;
  /** TCP connections accepted so far. */
  connections: () => number;
  /** Every byte clients sent after their upgrade request, in arrival order. */
  clientBytes: () => Buffer;
  close: () => Promise<void>;
}

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The Sec-WebSocket-Accept value for a request's key (RFC 6455 §4.2.2). */
export function acceptFor(key: string): string {
  return createHash('sha1')
    .update(key + GUID)
    .digest('base64');
}

/** A server-to-client frame (unmasked). `length` overrides the header's payload length (to lie about it). */
export function frame(
  opcode: number,
  payload: Buffer | string,
  opts: { fin?: boolean; length?: number } = {},
): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = opts.length ?? body.length;
  const first = ((opts.fin ?? true) ? 0x80 : 0) | opcode;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, length]);
  else if (length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([header, body]);
}

/**
 * A TCP server that reads each HTTP upgrade request and hands the socket and the request's
 * Sec-WebSocket-Key to `onRequest`, which answers (or not) however the test wants.
 */
export async function startRawServer(
  onRequest: (socket: Socket, key: string, head: string) => void,
): Promise<RawServer> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const after: Buffer[] = [];
  // allowHalfOpen: a client's FIN does not end our side; a deaf server stays deaf.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      // Keep reading whatever the client sends next, so it is never blocked on us.
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.length > 0) after.push(rest);
      socket.on('data', (more: Buffer) => after.push(more));
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      onRequest(socket, key, head.slice(0, end));
    };
    socket.on('data', onData);
  });
  const port = await listenOnLoopback(server);
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    connections: () => connections,
    clientBytes: () => Buffer.concat(after),
    close: () => destroyAndClose(server, sockets),
  };
}

/** The 101 response for `key`, with extra header lines (each ending in \r\n). */
export function switchingProtocols(key: string, extraHeaders = ''): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptFor(key)}\r\n${extraHeaders}\r\n`
  );
}

/** Completes the handshake, then writes `frames` and never answers anything (not even a Close). */
export function startServerSendingThenDeaf(frames: Buffer[]): Promise<RawServer> {
  return startRawServer((socket, key) => {
    socket.write(switchingProtocols(key));
    for (const f of frames) socket.write(f);
  });
}

/** Completes the handshake, then writes `bytes` in `chunkBytes` pieces every `everyMs`; never reads. */
export function startDrippingServer(bytes: Buffer, chunkBytes: number, everyMs: number): Promise<RawServer> {
  return startRawServer((socket, key) => {
    socket.write(switchingProtocols(key));
    let offset = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || offset >= bytes.length) {
        clearInterval(timer);
        return;
      }
      socket.write(bytes.subarray(offset, offset + chunkBytes));
      offset += chunkBytes;
    }, everyMs);
    socket.on('close', () => clearInterval(timer));
  });
}

/** Answers the upgrade with a valid 101 sent one byte every `everyMs`: a handshake that never quite ends. */
export function startSlow101Server(everyMs: number): Promise<RawServer> {
  return startRawServer((socket, key) => {
    const response = Buffer.from(switchingProtocols(key));
    let offset = 0;
    const timer = setInterval(() => {
      if (socket.destroyed || offset >= response.length) {
        clearInterval(timer);
        return;
      }
      socket.write(response.subarray(offset, ++offset));
    }, everyMs);
    socket.on('close', () => clearInterval(timer));
  });
}

/** An HTTP proxy that accepts TCP and never answers CONNECT (or answers `garbage` when given). */
export function startSilentProxy(garbage?: string): Promise<RawServer> {
  return startRawServer((socket) => {
    if (garbage !== undefined) socket.write(garbage);
  });
}

/**
 * A ws server with per-connection behaviour: `onConnection` gets the ws socket and the raw TCP socket
 * (to reset or destroy it). Counts connections and keeps the time of each.
 */
export async function startScriptedServer(
  onConnection: (ws: WebSocket, tcp: Socket, index: number) => void,
  /** More ws server options, e.g. `{ autoPong: false }` for a server that never answers pings. */
  wsOptions: Omit<ServerOptions, 'host' | 'port'> = {},
): Promise<{
  port: number;
  url: string;
  connectedAt: number[];
  close: () => Promise<void>;
}> {
  const wss = new WebSocketServer({ ...wsOptions, host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const port = (wss.address() as { port: number }).port;
  const connectedAt: number[] = [];
  wss.on('connection', (ws, req) => {
    connectedAt.push(Date.now());
    ws.on('error', () => {});
    onConnection(ws, req.socket, connectedAt.length);
  });
  return {
    port,
    url: `ws://127.0.0.1:${port}`,
    connectedAt,
    close: () => stopWsServer(wss),
  };
}

/** Accepts, then resets the TCP connection (RST) once `afterMessages` messages have arrived on it. */
export function startResettingServer(afterMessages: number): Promise<{
  port: number;
  url: string;
  received: string[];
  connectedAt: number[];
  close: () => Promise<void>;
}> {
  const received: string[] = [];
  return startScriptedServer((ws, tcp, index) => {
    let count = 0;
    ws.on('message', (data) => {
      received.push(data.toString());
      if (index === 1 && ++count === afterMessages) tcp.resetAndDestroy();
    });
  }).then((s) => ({ ...s, received }));
}

/** Answers every upgrade with an HTTP status and headers, counting the attempts and their times. */
export async function startStatusServer(
  statusLine: string,
  headers = '',
): Promise<RawServer & { at: number[] }> {
  const at: number[] = [];
  const s = await startRawServer((socket) => {
    at.push(Date.now());
    socket.end(`HTTP/1.1 ${statusLine}\r\n${headers}Content-Length: 0\r\nConnection: close\r\n\r\n`);
  });
  return { ...s, at };
}
