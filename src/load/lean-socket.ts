// One lean load connection (see lean-client.ts for what "lean" means and when wsx uses ws instead): checks
// the server's 101, then reads and writes RFC 6455 frames on the socket itself. Its state is a few fields;
// the socket's listeners are functions shared by every connection, the socket pointing back to its
// LeanSocket; an incomplete frame or fragmented message is kept only while it lasts.

import { createHash } from 'node:crypto';
import { isUtf8 } from 'node:buffer';
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { LeanClient, LoadConn } from './lean-client.js';

export const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const emptyBuffer = Buffer.alloc(0);
// classifyError reads the close code wsx sent from a symbol described 'status-code', as on ws's errors.
const statusCodeSymbol = Symbol('status-code');
const kLean = Symbol('wsx-lean-socket');
function noop(): void {}

/** The error ws raises when a peer breaks the protocol: its code, and the close code sent for it. */
function protocolError(message: string, code: string, status: number): Error {
  const err = Object.assign(new RangeError(message), { code });
  (err as unknown as Record<symbol, number>)[statusCodeSymbol] = status;
  return err;
}

function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

type Tagged<X> = X & { [kLean]?: LeanSocket<unknown> };

// The socket's and the request's listeners: shared by every connection (`this` is the emitter).
function onRequestUpgrade(
  this: Tagged<ClientRequest>,
  res: IncomingMessage,
  socket: Socket,
  head: Buffer,
): void {
  // A connection given up on (terminated, timed out) while its answer was on the way: drop the socket.
  const lean = this[kLean];
  if (lean) lean.upgraded(res, socket, head);
  else socket.destroy();
}
function onRequestResponse(this: Tagged<ClientRequest>, res: IncomingMessage): void {
  res.resume();
  this[kLean]?.failHandshake(new Error(`Unexpected server response: ${res.statusCode}`));
}
function onRequestError(this: Tagged<ClientRequest>, err: Error): void {
  this[kLean]?.failHandshake(err);
}
function onSocketData(this: Tagged<Socket>, chunk: Buffer): void {
  this[kLean]?.receive(chunk);
}
function onSocketEnd(this: Tagged<Socket>): void {
  // The peer sent FIN: nothing more comes; ending our side lets the socket close.
  this.end();
}
function onSocketClose(this: Tagged<Socket>): void {
  this[kLean]?.socketClosed();
}
function onSocketError(this: Tagged<Socket>): void {
  // As ws: an error after the upgrade (a reset) ends the connection with 1006, without an 'error' event.
  this.destroy();
}
/** Bytes of an incomplete frame, kept until `need` bytes are there. */
interface Partial {
  parts: Buffer[];
  length: number;
  need: number;
}

/** A message whose later fragments have yet to come. */
interface Fragmented {
  isBinary: boolean;
  parts: Buffer[];
  length: number;
}

/** One lean client connection: the socket, its state, and the partial frame or message it is reading. */
export class LeanSocket<T> implements LoadConn {
  readyState = CONNECTING;
  protocol = '';
  private socket: Tagged<Socket> | undefined;
  private closeCode = 1006;
  private closeReason: Buffer | undefined;
  private isCloseSent = false;
  private isCloseReceived = false;
  /** A protocol error failed the connection: nothing more is read. */
  private hasFailed = false;
  private partial: Partial | undefined;
  private fragmented: Fragmented | undefined;

  constructor(
    private readonly client: LeanClient<T>,
    private readonly tag: T,
    private req: Tagged<ClientRequest> | undefined,
    /** The handshake's Sec-WebSocket-Key, dropped once the answer is checked. */
    private key: string | undefined,
  ) {
    const tagged = req as Tagged<ClientRequest>;
    tagged[kLean] = this;
    req!.on('upgrade', onRequestUpgrade);
    req!.on('response', onRequestResponse);
    req!.on('error', onRequestError);
  }

  send(data: string | Buffer): void {
    if (this.readyState !== OPEN) return;
    this.write(typeof data === 'string' ? 0x1 : 0x2, data);
  }

  close(code?: number, reason?: string): void {
    if (this.readyState === CONNECTING) {
      this.failHandshake(new Error('WebSocket was closed before the connection was established'));
      return;
    }
    if (this.readyState === CLOSED) return;
    if (this.readyState === CLOSING) {
      if (this.isCloseSent && this.isCloseReceived) this.socket?.end();
      return;
    }
    this.readyState = CLOSING;
    this.sendClose(code, reason);
    if (this.isCloseReceived) this.socket?.end();
  }

  terminate(): void {
    if (this.readyState === CLOSED) return;
    if (this.readyState === CONNECTING) {
      this.failHandshake(new Error('WebSocket was closed before the connection was established'));
      return;
    }
    this.readyState = CLOSING;
    this.socket?.destroy();
  }

  /** The handshake failed (or was cut short): one error, then the close. */
  failHandshake(err: Error): void {
    if (this.readyState !== CONNECTING) return;
    this.readyState = CLOSING;
    const req = this.req;
    this.req = undefined;
    this.key = undefined;
    if (req) {
      req[kLean] = undefined;
      req.on('error', noop);
      req.destroy();
    }
    const socket = this.socket;
    this.socket = undefined;
    socket?.destroy();
    this.client.sink.error(this.tag, err);
    this.readyState = CLOSED;
    this.client.sink.close(this.tag, 1006, emptyBuffer);
  }

  /** The 101 arrived: check it as ws does, then keep the socket and nothing else of the handshake. */
  upgraded(res: IncomingMessage, socket: Socket, head: Buffer): void {
    if (this.readyState !== CONNECTING) {
      socket.destroy();
      return;
    }
    this.socket = socket;
    const key = this.key!;
    const upgrade = res.headers.upgrade;
    const answer = res.headers['sec-websocket-protocol'];
    let problem: string | undefined;
    if (upgrade === undefined || upgrade.toLowerCase() !== 'websocket') problem = 'Invalid Upgrade header';
    else if (
      res.headers['sec-websocket-accept'] !==
      createHash('sha1')
        .update(key + GUID)
        .digest('base64')
    )
      problem = 'Invalid Sec-WebSocket-Accept header';
    else problem = this.client.checkProtocol(answer);
    if (problem === undefined && res.headers['sec-websocket-extensions'] !== undefined)
      problem = 'Server sent a Sec-WebSocket-Extensions header but no extension was requested';
    if (problem !== undefined) {
      socket.on('error', noop);
      this.failHandshake(new Error(problem));
      return;
    }
    if (this.req) this.req[kLean] = undefined;
    this.req = undefined;
    this.key = undefined;
    if (answer) this.protocol = answer;
    const tagged = socket as Tagged<Socket>;
    tagged[kLean] = this;
    socket.setNoDelay();
    socket.on('data', onSocketData);
    // A socket that is not half-open (net's and tls's default) ends itself on the peer's FIN; a second
    // 'end' listener would cost each connection an array.
    if (socket.allowHalfOpen) socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    socket.on('error', onSocketError);
    this.readyState = OPEN;
    this.client.sink.open(this.tag);
    // Frames that came in the same read as the 101 (a server that greets at once).
    if (head.length > 0) this.receive(head);
  }

  /** The socket closed: the connection ends with the close frame's code, or 1006 without one. */
  socketClosed(): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    const socket = this.socket;
    if (socket) socket[kLean] = undefined;
    this.socket = undefined;
    this.partial = undefined;
    this.fragmented = undefined;
    this.client.sink.close(this.tag, this.closeCode, this.closeReason ?? emptyBuffer);
  }

  /** Bytes from the socket: every complete frame in them is handled, the rest kept for the next chunk. */
  receive(chunk: Buffer): void {
    if (this.hasFailed || this.isCloseReceived) return;
    let data = chunk;
    const partial = this.partial;
    if (partial) {
      partial.parts.push(chunk);
      partial.length += chunk.length;
      if (partial.length < partial.need) return;
      data = Buffer.concat(partial.parts, partial.length);
      this.partial = undefined;
    }
    let at = 0;
    while (at < data.length && !this.hasFailed && !this.isCloseReceived) {
      const used = this.frameAt(data, at);
      if (used <= 0) {
        // Not all of it is here: wait for -used bytes from `at` before parsing again.
        this.partial = { parts: [data.subarray(at)], length: data.length - at, need: -used };
        return;
      }
      at += used;
    }
  }

  /**
   * Handles the frame at data[at]: returns the bytes it took, or minus the bytes needed from `at` when the
   * frame is not complete yet (0 after a protocol error).
   */
  private frameAt(data: Buffer, at: number): number {
    const available = data.length - at;
    if (available < 2) return -2;
    const b0 = data[at]!;
    const b1 = data[at + 1]!;
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if ((b0 & 0x40) !== 0)
      return this.fail('Invalid WebSocket frame: RSV1 must be clear', 'WS_ERR_UNEXPECTED_RSV_1', 1002);
    if ((b0 & 0x30) !== 0)
      return this.fail(
        'Invalid WebSocket frame: RSV2 and RSV3 must be clear',
        'WS_ERR_UNEXPECTED_RSV_2_3',
        1002,
      );
    if ((b1 & 0x80) !== 0)
      return this.fail('Invalid WebSocket frame: MASK must be clear', 'WS_ERR_UNEXPECTED_MASK', 1002);
    const isControl = opcode >= 0x8;
    if (isControl) {
      if (opcode > 0xa) return this.badOpcode(opcode);
      if (!fin) return this.fail('Invalid WebSocket frame: FIN must be set', 'WS_ERR_EXPECTED_FIN', 1002);
    } else if (opcode === 0) {
      if (!this.fragmented) return this.badOpcode(opcode);
    } else if (opcode > 0x2 || this.fragmented) return this.badOpcode(opcode);
    let length = b1 & 0x7f;
    let headerLength = 2;
    if (length === 126) {
      headerLength = 4;
      if (available < 4) return -4;
      length = data.readUInt16BE(at + 2);
    } else if (length === 127) {
      headerLength = 10;
      if (available < 10) return -10;
      const high = data.readUInt32BE(at + 2);
      // Over 2^53 - 1 bytes is not a length a JavaScript number holds exactly.
      if (high > 0x1fffff)
        return this.fail(
          'Unsupported WebSocket frame: payload length > 2^53 - 1',
          'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH',
          1009,
        );
      length = high * 2 ** 32 + data.readUInt32BE(at + 6);
    }
    if (isControl && length > 125)
      return this.fail(
        `Invalid WebSocket frame: invalid payload length ${length}`,
        'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
        1002,
      );
    if (
      !isControl &&
      this.client.maxPayload > 0 &&
      length + (this.fragmented?.length ?? 0) > this.client.maxPayload
    )
      return this.fail('Max payload size exceeded', 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 1009);
    if (available < headerLength + length) return -(headerLength + length);
    const payload = data.subarray(at + headerLength, at + headerLength + length);
    if (isControl) this.control(opcode, payload);
    else this.dataFrame(opcode, fin, payload);
    return this.hasFailed ? 0 : headerLength + length;
  }

  private badOpcode(opcode: number): number {
    return this.fail(`Invalid WebSocket frame: invalid opcode ${opcode}`, 'WS_ERR_INVALID_OPCODE', 1002);
  }

  private dataFrame(opcode: number, fin: boolean, payload: Buffer): void {
    let fragmented = this.fragmented;
    if (!fin) {
      // Copied: the chunk it sits in may be a large read that should not stay alive for one fragment.
      if (!fragmented) fragmented = this.fragmented = { isBinary: opcode === 0x2, parts: [], length: 0 };
      fragmented.parts.push(Buffer.from(payload));
      fragmented.length += payload.length;
      return;
    }
    let message = payload;
    let isBinary = opcode === 0x2;
    if (fragmented) {
      fragmented.parts.push(payload);
      message = Buffer.concat(fragmented.parts, fragmented.length + payload.length);
      isBinary = fragmented.isBinary;
      this.fragmented = undefined;
    }
    if (!isBinary && !this.client.skipUtf8 && !isUtf8(message)) {
      this.fail('Invalid WebSocket frame: invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8', 1007);
      return;
    }
    this.client.sink.message(this.tag, message, isBinary);
  }

  private control(opcode: number, payload: Buffer): void {
    if (opcode === 0x8) {
      if (payload.length === 1) {
        this.fail(
          'Invalid WebSocket frame: invalid payload length 1',
          'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH',
          1002,
        );
        return;
      }
      let code = 1005;
      let reason = emptyBuffer;
      if (payload.length >= 2) {
        code = payload.readUInt16BE(0);
        if (!isValidCloseCode(code)) {
          this.fail(
            `Invalid WebSocket frame: invalid status code ${code}`,
            'WS_ERR_INVALID_CLOSE_CODE',
            1002,
          );
          return;
        }
        reason = Buffer.from(payload.subarray(2));
        if (!this.client.skipUtf8 && !isUtf8(reason)) {
          this.fail('Invalid WebSocket frame: invalid UTF-8 sequence', 'WS_ERR_INVALID_UTF8', 1007);
          return;
        }
      }
      this.isCloseReceived = true;
      this.closeCode = code;
      this.closeReason = reason;
      // Answer with the same code (none when it carried none), then end: the handshake is complete.
      if (!this.isCloseSent) {
        this.readyState = CLOSING;
        this.sendClose(code === 1005 ? undefined : code, undefined);
      }
      this.socket?.end();
      return;
    }
    if (opcode === 0x9 && this.client.autoPong && this.readyState === OPEN) this.write(0xa, payload);
    // A pong needs nothing: load mode keeps no heartbeat of its own.
  }

  /** Fails the connection for a frame that broke the protocol: sends the close code, says why, ends. */
  private fail(message: string, code: string, status: number): number {
    this.hasFailed = true;
    this.partial = undefined;
    this.fragmented = undefined;
    if (this.readyState === OPEN) {
      this.readyState = CLOSING;
      this.sendClose(status, undefined);
    }
    this.socket?.end();
    this.client.sink.error(this.tag, protocolError(message, code, status));
    return 0;
  }

  private sendClose(code: number | undefined, reason: string | undefined): void {
    if (this.isCloseSent) return;
    this.isCloseSent = true;
    if (code === undefined) {
      this.write(0x8, emptyBuffer);
      return;
    }
    const body = Buffer.allocUnsafe(2 + (reason ? Buffer.byteLength(reason) : 0));
    body.writeUInt16BE(code, 0);
    if (reason) body.write(reason, 2);
    this.write(0x8, body);
  }

  /** Writes one final, masked frame (RFC 6455 §5.3: a client masks every frame). */
  private write(opcode: number, data: string | Buffer): void {
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) return;
    const length = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    const headerLength = length < 126 ? 2 : length < 65536 ? 4 : 10;
    const out = Buffer.allocUnsafe(headerLength + 4 + length);
    out[0] = 0x80 | opcode;
    if (length < 126) out[1] = 0x80 | length;
    else if (length < 65536) {
      out[1] = 0x80 | 126;
      out.writeUInt16BE(length, 2);
    } else {
      out[1] = 0x80 | 127;
      out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
      out.writeUInt32BE(length >>> 0, 6);
    }
    const maskAt = headerLength;
    this.client.mask(out, maskAt);
    const start = maskAt + 4;
    if (typeof data === 'string') out.write(data, start);
    else data.copy(out, start);
    for (let i = 0; i < length; i++) out[start + i]! ^= out[maskAt + (i & 3)]!;
    socket.write(out);
  }
}
