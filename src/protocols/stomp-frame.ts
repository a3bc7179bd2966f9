// STOMP 1.2 frames on the wire (https://stomp.github.io/stomp-specification-1.2.html): encoding one, and a
// reader that cuts a byte stream into frames, several per WebSocket message or one split across several.

/** One STOMP frame; headers in order as they came (a repeated header: the first one counts, §Repeated Header Entries). */
export interface StompFrame {
  command: string;
  headers: [name: string, value: string][];
  body: Buffer;
}

/** Longest frame the reader holds while waiting for its NUL, bytes: wsx's default --max-message-size. */
export const maxFrameBytes = 64 * 1024 * 1024;

/** The first value of header `name`, as §Repeated Header Entries says. */
export function header(frame: StompFrame, name: string): string | undefined {
  return frame.headers.find(([n]) => n === name)?.[1];
}

/** The headers as an object, first value of each name kept. */
export function headerObject(frame: StompFrame, except: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of frame.headers) if (!(name in out) && !except.includes(name)) out[name] = value;
  return out;
}

// CONNECT and CONNECTED frames are never escaped: 1.0 servers did not know the escapes (§Value Encoding).
const isUnescaped = (command: string) => command === 'CONNECT' || command === 'CONNECTED';

const escapes: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', ':': '\\c' };
const unescapes: Record<string, string> = { '\\\\': '\\', '\\n': '\n', '\\r': '\r', '\\c': ':' };

function escapeHeader(text: string): string {
  return text.replace(/[\\\n\r:]/g, (c) => escapes[c]!);
}

function unescapeHeader(text: string): string {
  return text.replace(/\\[\\nrc]/g, (s) => unescapes[s]!);
}

/**
 * The frame as bytes: command, escaped headers, a blank line, the body and the NUL. A `content-length`
 * is added to a non-empty body that has none, so a body may hold NUL bytes.
 */
export function encodeFrame(
  command: string,
  headers: [string, string][],
  body: Buffer | string = '',
): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const all = [...headers];
  if (bytes.length > 0 && !all.some(([n]) => n === 'content-length'))
    all.push(['content-length', String(bytes.length)]);
  const esc = isUnescaped(command) ? (s: string) => s : escapeHeader;
  const head = [command, ...all.map(([n, v]) => `${esc(n)}:${esc(v)}`)].join('\n');
  return Buffer.concat([Buffer.from(`${head}\n\n`, 'utf8'), bytes, Buffer.from([0])]);
}

export class StompFrameError extends Error {
  override readonly name = 'StompFrameError';
}

/**
 * Cuts incoming bytes into frames. `push` returns the frames each chunk completed, and 'heartbeat' for each
 * end-of-line between frames (the server's heart-beats). Throws StompFrameError for bytes that are no frame.
 */
export class StompReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): (StompFrame | 'heartbeat')[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const out: (StompFrame | 'heartbeat')[] = [];
    // Each pass consumes at least one byte or stops, so this ends within buffered.length passes.
    for (;;) {
      const b = this.buffered;
      if (b.length === 0) break;
      if (b[0] === 0x0a) {
        out.push('heartbeat');
        this.buffered = b.subarray(1);
        continue;
      }
      if (b[0] === 0x0d && b[1] === 0x0a) {
        out.push('heartbeat');
        this.buffered = b.subarray(2);
        continue;
      }
      if (b[0] === 0x0d && b.length === 1) break;
      const frame = this.readFrame(b);
      if (!frame) {
        if (b.length > maxFrameBytes)
          throw new StompFrameError(`a frame longer than ${maxFrameBytes} bytes has no end`);
        break;
      }
      out.push(frame.frame);
      this.buffered = b.subarray(frame.length);
    }
    return out;
  }

  /** Drops what is buffered (a new socket starts a new stream). */
  reset(): void {
    this.buffered = Buffer.alloc(0);
  }

  /** One whole frame at the start of `b` and its length, or undefined while it is incomplete. */
  private readFrame(b: Buffer): { frame: StompFrame; length: number } | undefined {
    // The head ends at the first blank line; a NUL before it means a frame without one.
    let headEnd = -1;
    let bodyStart = -1;
    for (let i = 0; i < b.length; i++) {
      if (b[i] === 0)
        throw new StompFrameError(`no blank line after the headers: ${preview(b.subarray(0, i))}`);
      if (b[i] !== 0x0a) continue;
      if (b[i + 1] === 0x0a) {
        headEnd = i;
        bodyStart = i + 2;
        break;
      }
      if (b[i + 1] === 0x0d && b[i + 2] === 0x0a) {
        headEnd = i;
        bodyStart = i + 3;
        break;
      }
    }
    if (headEnd < 0) return undefined;
    const lines = b
      .subarray(0, headEnd)
      .toString('utf8')
      .split('\n')
      .map((l) => l.replace(/\r$/, ''));
    const command = lines[0]!;
    if (!/^[A-Z]+$/.test(command))
      throw new StompFrameError(`not a STOMP command: ${preview(Buffer.from(command))}`);
    const unesc = isUnescaped(command) ? (s: string) => s : unescapeHeader;
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon <= 0) throw new StompFrameError(`not a header line: ${preview(Buffer.from(line))}`);
      headers.push([unesc(line.slice(0, colon)), unesc(line.slice(colon + 1))]);
    }
    const lengthText = headers.find(([n]) => n === 'content-length')?.[1];
    let bodyEnd: number;
    if (lengthText !== undefined) {
      const length = Number(lengthText);
      if (!/^\d+$/.test(lengthText) || !Number.isSafeInteger(length))
        throw new StompFrameError(`bad content-length "${lengthText}"`);
      bodyEnd = bodyStart + length;
      if (b.length <= bodyEnd) return undefined;
      if (b[bodyEnd] !== 0) throw new StompFrameError(`no NUL after a body of content-length ${length}`);
    } else {
      bodyEnd = b.indexOf(0, bodyStart);
      if (bodyEnd < 0) return undefined;
    }
    return { frame: { command, headers, body: b.subarray(bodyStart, bodyEnd) }, length: bodyEnd + 1 };
  }
}

function preview(bytes: Buffer): string {
  return JSON.stringify(bytes.subarray(0, 60).toString('utf8'));
}
