// A raw TCP server that completes the WebSocket upgrade and then never reads: a peer `ws` cannot imitate.

import { createHash } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import { destroyAndClose, listenOnLoopback } from './servers.js';

export interface NeverReadingServer {
  url: string;
  /** Connections that completed the upgrade. */
  upgrades: () => number;
  close: () => Promise<void>;
}

/**
 * Answers the upgrade with a valid 101, then stops reading the socket, so the client's writes pile up in
 * the kernel and then in the client. With `closeAfterMs`, it sends a Close frame (1000) after that long and
 * then reads and discards everything, so the client's closing handshake can finish.
 */
export async function startNeverReadingServer(
  opts: { closeAfterMs?: number } = {},
): Promise<NeverReadingServer> {
  const sockets = new Set<Socket>();
  let upgrades = 0;
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      socket.pause();
      upgrades++;
      const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
      socket.write(
        `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
      );
      if (opts.closeAfterMs === undefined) return;
      const timer = setTimeout(() => {
        socket.write(Buffer.from([0x88, 0x02, 0x03, 0xe8])); // FIN + Close, 2-byte payload: 1000
        socket.on('data', () => {});
        socket.on('end', () => socket.end());
        socket.resume();
      }, opts.closeAfterMs);
      socket.on('close', () => clearTimeout(timer));
    };
    socket.on('data', onData);
  });
  const port = await listenOnLoopback(server);
  return {
    url: `ws://127.0.0.1:${port}`,
    upgrades: () => upgrades,
    close: () => destroyAndClose(server, sockets),
  };
}
