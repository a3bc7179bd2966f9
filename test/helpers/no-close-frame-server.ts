// A raw WebSocket server that answers like a real one but ends connections without a Close frame, as
// websocketd does: the client's closing handshake never completes, whatever the server had read.

import type { Socket } from 'node:net';
import { frame, startRawServer, switchingProtocols, type RawServer } from './hostile-servers.js';

export interface NoCloseFrameServer extends RawServer {
  /** Text messages read so far, across connections. */
  received: () => string[];
  /** Pings read so far, across connections. */
  pings: () => number;
}

/**
 * Echoes text messages and answers pings with pongs (RFC 6455 §5.5.3). A client's Close frame is never
 * answered: the TCP connection is cut at once. With `answerPings: false` pings are read and ignored.
 */
export async function startNoCloseFrameServer(
  opts: { answerPings?: boolean } = {},
): Promise<NoCloseFrameServer> {
  const received: string[] = [];
  let pings = 0;
  const s = await startRawServer((socket: Socket, key: string) => {
    socket.write(switchingProtocols(key));
    let pending = Buffer.alloc(0);
    // startRawServer keeps a 'data' listener that records bytes; this one reads the frames.
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      for (;;) {
        const next = readClientFrame(pending);
        if (!next) return;
        pending = pending.subarray(next.size);
        if (next.opcode === 0x1) {
          received.push(next.payload.toString());
          socket.write(frame(0x1, next.payload));
        } else if (next.opcode === 0x9) {
          pings++;
          if (opts.answerPings !== false) socket.write(frame(0xa, next.payload));
        } else if (next.opcode === 0x8) {
          socket.destroy();
          return;
        }
      }
    });
  });
  return { ...s, received: () => received, pings: () => pings };
}

/** One whole client frame at the start of `buf` (unmasked), or undefined while it is still incomplete. */
function readClientFrame(buf: Buffer): { opcode: number; payload: Buffer; size: number } | undefined {
  if (buf.length < 2) return undefined;
  const opcode = buf[0]! & 0x0f;
  const isMasked = (buf[1]! & 0x80) !== 0;
  let length = buf[1]! & 0x7f;
  let offset = 2;
  if (length === 126) {
    if (buf.length < 4) return undefined;
    length = buf.readUInt16BE(2);
    offset = 4;
  } else if (length === 127) {
    if (buf.length < 10) return undefined;
    length = Number(buf.readBigUInt64BE(2));
    offset = 10;
  }
  const mask = isMasked ? buf.subarray(offset, offset + 4) : undefined;
  if (isMasked) offset += 4;
  if (buf.length < offset + length) return undefined;
  const payload = Buffer.from(buf.subarray(offset, offset + length));
  if (mask) for (let i = 0; i < payload.length; i++) payload[i] = payload[i]! ^ mask[i % 4]!;
  return { opcode, payload, size: offset + length };
}
