// Recorded WebSocket sessions, read from wsx's own transcripts (--record, or --jsonl output) or from HAR
// files with Chrome's _webSocketMessages: one model for replay and scenario generation.

import { describeFileError, LocalFileError, readLocalFile } from '../text/local-file.js';

/** One frame of a recorded session. `atMs` counts from the session's open. */
export interface RecordedFrame {
  from: 'client' | 'server';
  atMs: number;
  isBinary: boolean;
  /** Text frames as text; binary frames as bytes. */
  data: string | Buffer;
}

export interface RecordedSession {
  /** The URL as recorded (secrets masked by the recorder, or as the HAR has it). */
  url: string;
  /** The request path and query, to pick a session for a client that connects to a replay. */
  path: string;
  protocol: string | undefined;
  /** The --proto the recording was made with (a transcript's `proto`; Socket.IO's URL in a HAR). */
  proto?: string;
  frames: RecordedFrame[];
  close?: { code: number; reason: string; atMs: number; by: 'client' | 'server' | 'network' };
}

/** Where a recording came from, for messages and scenario headers. */
export interface Recording {
  kind: 'transcript' | 'har';
  sessions: RecordedSession[];
}

/** Recordings larger than this are refused before parsing: a transcript is a fixture, not a data set. */
export const maxRecordingBytes = 256 * 1024 * 1024;

function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return '/';
  }
}

function isSocketIoUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.pathname.endsWith('/socket.io/') && u.searchParams.get('EIO') === '4';
  } catch {
    return false;
  }
}

/** The frame's payload from its recorded form: text as it is, binary from base64 (or hex, as --binary-out hex writes). */
function payload(
  type: unknown,
  data: unknown,
  encoding: unknown,
): { isBinary: boolean; data: string | Buffer } | string {
  if (typeof data !== 'string') return 'its "data" is not a string';
  if (type === 'text' || type === undefined) return { isBinary: false, data };
  if (type !== 'binary') return `its "type" is ${JSON.stringify(type)}, not "text" or "binary"`;
  if (encoding !== undefined && encoding !== 'base64' && encoding !== 'hex')
    return `its "encoding" is ${JSON.stringify(encoding)}; wsx reads base64 or hex`;
  if (encoding === 'hex') {
    if (!/^(?:[0-9a-f]{2})*$/i.test(data)) return 'its hex "data" is not hex';
    return { isBinary: true, data: Buffer.from(data, 'hex') };
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data)) return 'its binary "data" is not base64';
  return { isBinary: true, data: Buffer.from(data, 'base64') };
}

/**
 * Who closed: as recorded, else (a --jsonl capture says nothing) a lost connection for 1006 and the
 * client otherwise, so a replay waits for the client instead of closing on it.
 */
function closedBy(by: unknown, code: unknown): 'client' | 'server' | 'network' {
  if (by === 'client' || by === 'server' || by === 'network') return by;
  return code === 1006 || code === undefined ? 'network' : 'client';
}

/**
 * Reads a transcript: JSON lines of wsx's events (`open`, `send`, `recv`, `close`, as --record and --jsonl
 * write them). Each `open` starts a session (a reconnect is a new connection to replay). Returns a message
 * naming the file and line instead of throwing.
 */
export function readTranscript(text: string, file: string): Recording | string {
  const sessions: RecordedSession[] = [];
  let current: RecordedSession | undefined;
  let openedAt = 0;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    const where = `${file}:${i + 1}`;
    let event: Record<string, unknown>;
    try {
      event = JSON.parse(line) as Record<string, unknown>;
    } catch {
      // A file cut off mid-write may still end with a newline after the broken line.
      const isLast = lines.slice(i + 1).every((rest) => rest.trim() === '');
      return isLast
        ? `${where}: the last line is cut off (not JSON): was the recording interrupted?`
        : `${where}: not JSON: a transcript has one JSON event per line`;
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event))
      return `${where}: not a JSON object`;
    const at = typeof event.t === 'string' ? Date.parse(event.t) : NaN;
    const ms = typeof event.ms === 'number' ? event.ms : undefined;
    const offset = () => ms ?? (Number.isFinite(at) ? Math.max(0, at - openedAt) : 0);
    switch (event.event) {
      case 'transcript':
        if (event.version !== 1)
          return `${where}: transcript version ${String(event.version)}; this wsx reads version 1`;
        break;
      case 'open': {
        const url = typeof event.url === 'string' ? event.url : '';
        openedAt = Number.isFinite(at) ? at : 0;
        current = {
          url,
          path: pathOf(url),
          protocol: typeof event.protocol === 'string' && event.protocol !== '' ? event.protocol : undefined,
          ...(typeof event.proto === 'string' && event.proto !== 'raw' ? { proto: event.proto } : {}),
          frames: [],
        };
        sessions.push(current);
        break;
      }
      case 'send':
      case 'recv': {
        if (!current) return `${where}: a "${event.event}" before any "open" event`;
        const p = payload(event.type, event.data, event.encoding);
        if (typeof p === 'string') return `${where}: ${p}`;
        current.frames.push({ from: event.event === 'send' ? 'client' : 'server', atMs: offset(), ...p });
        break;
      }
      case 'close':
        if (current && !current.close)
          current.close = {
            code: typeof event.code === 'number' ? event.code : 1005,
            reason: typeof event.reason === 'string' ? event.reason : '',
            atMs: offset(),
            by: closedBy(event.by, event.code),
          };
        break;
      // Other events (ping, pong, drop, reconnect, error…) carry nothing a replay sends.
    }
  }
  if (sessions.length === 0)
    return `${file}: no "open" event: not a wsx transcript (record one with --record FILE, or use a HAR file)`;
  return { kind: 'transcript', sessions };
}

interface HarMessage {
  type?: unknown;
  time?: unknown;
  opcode?: unknown;
  data?: unknown;
}

/**
 * Reads a HAR 1.2 file's WebSocket entries (Chrome's `_webSocketMessages`: type send/receive, time in epoch
 * seconds, opcode 1 text or 2 binary in base64). Returns a message instead of throwing.
 */
export function readHar(value: unknown, file: string): Recording | string {
  const entries = (value as { log?: { entries?: unknown } })?.log?.entries;
  if (!Array.isArray(entries)) return `${file}: not a HAR file (no log.entries)`;
  const sessions: RecordedSession[] = [];
  for (const [index, entry] of entries.entries()) {
    const e = entry as {
      request?: { url?: unknown; headers?: unknown };
      _webSocketMessages?: unknown;
      response?: { headers?: unknown };
    };
    const messages = e._webSocketMessages;
    if (!Array.isArray(messages)) continue;
    const url = typeof e.request?.url === 'string' ? e.request.url.replace(/^http/, 'ws') : '';
    const headers = Array.isArray(e.response?.headers)
      ? (e.response.headers as { name?: unknown; value?: unknown }[])
      : [];
    const protocol = headers.find((h) => String(h.name).toLowerCase() === 'sec-websocket-protocol')?.value;
    const frames: RecordedFrame[] = [];
    const times = (messages as HarMessage[]).map((m) => Number(m.time)).filter(Number.isFinite);
    const start = times.length > 0 ? Math.min(...times) : 0;
    for (const [n, m] of (messages as HarMessage[]).entries()) {
      const where = `${file}: entry ${index}, message ${n}`;
      if (m.type !== 'send' && m.type !== 'receive')
        return `${where}: "type" is ${JSON.stringify(m.type)}, not "send" or "receive"`;
      if (m.opcode !== 1 && m.opcode !== 2) {
        // Control frames (8 close, 9 ping, 10 pong) are the browser's business; replay leaves them out.
        if (m.opcode === 8 || m.opcode === 9 || m.opcode === 10) continue;
        return `${where}: opcode ${JSON.stringify(m.opcode)} is not 1 (text) or 2 (binary)`;
      }
      const p = payload(m.opcode === 1 ? 'text' : 'binary', m.data, 'base64');
      if (typeof p === 'string') return `${where}: ${p}`;
      frames.push({
        from: m.type === 'send' ? 'client' : 'server',
        atMs: Math.round((Number(m.time) - start) * 1000),
        ...p,
      });
    }
    sessions.push({
      url,
      path: pathOf(url),
      protocol: typeof protocol === 'string' ? protocol : undefined,
      // A browser's socket.io-client opens /socket.io/?EIO=4&transport=websocket.
      ...(isSocketIoUrl(url) ? { proto: 'socketio' } : {}),
      frames,
    });
  }
  if (sessions.length === 0)
    return `${file}: the HAR has no WebSocket entries (save it from DevTools with "Save all as HAR with content" while the socket is open)`;
  return { kind: 'har', sessions };
}

/** A transcript or a HAR, told apart by their first character: HAR is one JSON object, a transcript lines of them. */
export function readRecording(text: string, file: string): Recording | string {
  const trimmed = text.trimStart();
  if (trimmed === '') return `${file} is empty: not a transcript or a HAR file`;
  const firstLineEnd = trimmed.indexOf('\n');
  const firstLine = firstLineEnd < 0 ? trimmed : trimmed.slice(0, firstLineEnd);
  // A HAR is one object across many lines; a transcript's first line is a whole object by itself.
  let isOneLineObject = false;
  try {
    JSON.parse(firstLine);
    isOneLineObject = true;
  } catch {
    // not a transcript line
  }
  if (!isOneLineObject) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return `${file}: neither a wsx transcript (JSON lines) nor a HAR file (JSON)`;
    }
    return readHar(value, file);
  }
  const single = (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  })();
  if (single && typeof single === 'object' && 'log' in single) return readHar(single, file);
  return readTranscript(text, file);
}

/**
 * Picks the session to use: `select` is an index (from 0) or a text the URL contains; undefined takes the
 * only one. Returns a message listing the sessions when the choice is missing or matches nothing.
 */
export function pickSession(
  recording: Recording,
  select: string | undefined,
  file: string,
): RecordedSession | string {
  const list = () =>
    recording.sessions.map((s, i) => `  ${i}: ${s.url} (${s.frames.length} frames)`).join('\n');
  if (select === undefined) {
    if (recording.sessions.length === 1) return recording.sessions[0]!;
    return `${file} holds ${recording.sessions.length} sessions; pick one with --session INDEX or a part of its URL:\n${list()}`;
  }
  if (/^\d+$/.test(select)) {
    const s = recording.sessions[Number(select)];
    return s ?? `${file} has no session ${select}:\n${list()}`;
  }
  const found = recording.sessions.filter((s) => s.url.includes(select));
  if (found.length === 1) return found[0]!;
  return found.length === 0
    ? `no session in ${file} has a URL containing "${select}":\n${list()}`
    : `${found.length} sessions in ${file} have a URL containing "${select}"; pick one by index:\n${list()}`;
}

/** Reads and parses the recording at `path` (bounded, regular files only); a message instead of throwing. */
export function loadRecording(path: string): Recording | string {
  let text: string;
  try {
    text = readLocalFile(path, maxRecordingBytes).toString('utf8');
  } catch (err) {
    return err instanceof LocalFileError
      ? `cannot read the recording ${err.message}`
      : `cannot read the recording ${path}: ${describeFileError(err)}`;
  }
  return readRecording(text, path);
}
