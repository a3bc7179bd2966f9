// `wsx scenario FILE`: a recorded session written as a `.wsx` scenario the user edits. Client frames become
// `send` steps, server frames `expect` steps loosened to the message's shape (exact text breaks on the first
// timestamp), gaps `within` limits with headroom, and a value the server handed out and the client later
// sent back becomes `capture` + `{{name}}`. Pure: a session in, the file's text out.

import type { RecordedFrame, RecordedSession } from './recording.js';
import { readSocketIo } from './socketio-frames.js';

export interface ScenarioSource {
  file: string;
  kind: 'transcript' | 'har';
  index: number;
}

/** Fields that name what a message is, in the order they are looked for. */
const typeFields = ['type', 'event', 'op', 'method', 'action', 'kind'];

/** A `within` limit: three times the recorded gap, at least 1 s, rounded up to whole seconds. */
export function withinFor(gapMs: number): string {
  return `${Math.max(1, Math.ceil((3 * Math.max(0, gapMs)) / 1000))}s`;
}

function escapeRegex(text: string): string {
  // `/` ends the regex in a scenario; control characters would break the line.
  return text
    .replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
    .replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function parseArray(text: string): unknown[] | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A path step as the matcher's PATH syntax writes it; undefined for keys it cannot spell. */
function pathKey(key: string): string | undefined {
  return /^[A-Za-z_$][\w$-]*$/.test(key) ? key : undefined;
}

/**
 * The message's shape as a matcher: its type-like field, else its keys, else its exact text. An array
 * whose first item is a string is named by it (Socket.IO's `["event", …]`, and many home-made protocols).
 */
export function matcherFor(text: string): string {
  const array = parseArray(text);
  if (array && typeof array[0] === 'string') return `json [0] == ${JSON.stringify(array[0])}`;
  const obj = parseObject(text);
  if (obj) {
    // A Socket.IO ack as the session shows it: {"ack":0,"event":"add","args":[5]}.
    if (typeof obj.ack === 'number' && Array.isArray(obj.args)) return `json ack == ${obj.ack}`;
    const typeField = typeFields.find((f) => typeof obj[f] === 'string');
    if (typeField) return `json ${typeField} == ${JSON.stringify(obj[typeField])}`;
    // JSON-RPC answers: the id ties them to the request, result/error says which way it went.
    if ('id' in obj && ('result' in obj || 'error' in obj) && isScalar(obj.id))
      return `json id == ${JSON.stringify(obj.id)} and json ${'result' in obj ? 'result' : 'error'} exists`;
    const keys = Object.keys(obj)
      .map(pathKey)
      .filter((k): k is string => k !== undefined)
      .slice(0, 4);
    if (keys.length > 0) return keys.map((k) => `json ${k} exists`).join(' and ');
  }
  const shown = text.length > 200 ? `${escapeRegex(text.slice(0, 200))}` : `${escapeRegex(text)}$`;
  return `/^${shown}/`;
}

function isScalar(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

type Path = (string | number)[];

/** A path as the matcher reads it: data.items[0].id, [1].token. */
function formatPath(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Leaves of a JSON value worth capturing: ids and tokens, not words or small counts. */
function capturable(value: unknown, path: Path = [], out: { path: Path; value: string | number }[] = []) {
  if (path.length > 4) return out;
  if (typeof value === 'string' && value.length >= 6 && !/\s/.test(value)) {
    // An array's first string names the message (an event): it is the same every run, not a value.
    if (path.length > 0 && !(path.length === 1 && path[0] === 0)) out.push({ path, value });
  } else if (typeof value === 'number' && Number.isInteger(value) && Math.abs(value) >= 1000)
    out.push({ path, value });
  else if (Array.isArray(value)) value.slice(0, 8).forEach((v, i) => capturable(v, [...path, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (pathKey(k)) capturable(v, [...path, k], out);
  return out;
}

/** A JSON object or array, for captures; undefined for anything else. */
function parseJsonValue(text: string): object | undefined {
  return parseObject(text) ?? parseArray(text);
}

/** A scenario variable name (letters, digits, _; not "env") from a JSON key. */
function variableName(key: string): string {
  const name = key.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(name) && name !== 'env' ? name : `v_${name}`;
}

function occurs(text: string, value: string | number): boolean {
  return typeof value === 'string' ? text.includes(value) : numberPattern(value).test(text);
}

function numberPattern(n: number): RegExp {
  return new RegExp(`(?<![\\d.])${String(n).replace('-', '\\-')}(?![\\d.])`, 'g');
}

/** A frame to write as a step; `ackId` marks a Socket.IO emit that asked for an ack. */
type StepFrame = RecordedFrame & { ackId?: number };

function sendStep(frame: StepFrame, fill: (text: string) => string): string[] {
  if (frame.isBinary) return [`send-base64 ${Buffer.from(frame.data).toString('base64')}`];
  const text = fill(frame.data.toString());
  // `send ack [...]`: the socketio codec sends the emit with an ack id and shows the answer.
  if (frame.ackId !== undefined) return [`send ack ${text}`];
  if (!/[\r\n]/.test(text) && text.trim() === text && text !== '') return [`send ${text}`];
  if (/\r/.test(text) || text === '' || text.trim() !== text) {
    // A payload a line cannot carry as it is: sent as its bytes instead.
    return [`send-base64 ${Buffer.from(frame.data.toString()).toString('base64')}`];
  }
  let end = 'END';
  // The parser ends the heredoc at the first line that is the marker once trimmed.
  for (let n = 2; text.split('\n').some((l) => l.trim() === end); n++) end = `END${n}`;
  return [`send <<${end}`, ...text.split('\n'), end];
}

/** The scenario for `session`, starting with a header comment saying where it came from. */
export function toScenario(session: RecordedSession, source: ScenarioSource): string {
  const lines: string[] = [
    `# Generated by wsx scenario from ${source.file} (${source.kind}, session ${source.index}).`,
    "# Expectations are loosened to each message's shape and limits are 3x the recorded gaps (at least 1s):",
    '# tighten what matters, then run it with: wsx run FILE (--url URL to point it elsewhere).',
  ];
  if (session.url.includes('***'))
    lines.push('# The recording masked secrets as ***: fill them in here, or pass --url and -H to wsx run.');
  if (session.protocol)
    lines.push(`# The server chose the subprotocol ${session.protocol}: run it with -s ${session.protocol}.`);
  let frames: StepFrame[] = session.frames;
  let url = session.url;
  if (session.proto === 'socketio') {
    // Written at the level of events: the codec opens, pings and numbers the acks itself.
    const reading = readSocketIo(session);
    frames = reading.messages.map((m) => ({
      from: m.from,
      atMs: m.atMs,
      isBinary: false,
      data: m.text,
      ...(m.from === 'client' && m.ackId !== undefined ? { ackId: m.ackId } : {}),
    }));
    url = socketIoUrl(session.url, reading.namespace);
    lines.push(
      '# Recorded with --proto socketio: the steps are events ("send ack [...]" asks for an ack).',
      ...reading.notes.map((n) => `# Note: ${n}.`),
      'proto socketio',
    );
  } else if (session.proto) {
    lines.push(
      `# Recorded with --proto ${session.proto}; the steps are its wire frames, run without --proto.`,
    );
  }
  lines.push(`connect ${url}`);

  // Values the server sent, and where, until a later client frame uses them.
  const seen = new Map<string | number, { frame: number; path: Path }>();
  const clientTexts = new Set<string | number>();
  /** frame index → captures to add after its expect; value → variable name for later sends. */
  const capturesAfter = new Map<number, { name: string; path: Path }[]>();
  const names = new Map<string | number, string>();
  const used = new Set<string>();
  for (const [i, frame] of frames.entries()) {
    if (frame.isBinary) continue;
    const text = frame.data.toString();
    if (frame.from === 'server') {
      const message = parseJsonValue(text);
      if (!message) continue;
      const typeField = Array.isArray(message)
        ? undefined
        : typeFields.find((f) => typeof (message as Record<string, unknown>)[f] === 'string');
      for (const { path, value } of capturable(message)) {
        if (path.length === 1 && path[0] === typeField) continue;
        if (!seen.has(value) && !clientTexts.has(value)) seen.set(value, { frame: i, path });
      }
      continue;
    }
    for (const [value, where] of seen) {
      if (names.has(value) || !occurs(text, value)) continue;
      const last = where.path.findLast((p) => typeof p === 'string');
      const base = variableName(typeof last === 'string' ? last : 'value');
      let name = base;
      for (let n = 2; used.has(name); n++) name = `${base}${n}`;
      used.add(name);
      names.set(value, name);
      const list = capturesAfter.get(where.frame) ?? [];
      list.push({ name, path: where.path });
      capturesAfter.set(where.frame, list);
    }
    for (const { value } of capturable(parseJsonValue(text) ?? {})) clientTexts.add(value);
  }
  // Longest first, so a value that contains another is replaced whole.
  const byLength = [...names].sort(([a], [b]) => String(b).length - String(a).length);
  const fill = (text: string) => {
    let out = text;
    for (const [value, name] of byLength)
      out =
        typeof value === 'string'
          ? out.split(value).join(`{{${name}}}`)
          : out.replace(numberPattern(value), `{{${name}}}`);
    return out;
  };

  let lastAt = 0;
  for (const [i, frame] of frames.entries()) {
    const gap = frame.atMs - lastAt;
    lastAt = frame.atMs;
    if (frame.from === 'client') {
      lines.push(...sendStep(frame, fill));
      continue;
    }
    if (frame.isBinary) {
      lines.push(
        `# the server sent ${Buffer.from(frame.data).length} bytes of binary here (expect checks text only)`,
      );
      continue;
    }
    lines.push(`expect ${matcherFor(frame.data.toString())} within ${withinFor(gap)}`);
    for (const { name, path } of capturesAfter.get(i) ?? [])
      lines.push(`capture ${name} = json ${formatPath(path)}`);
  }
  const close = session.close;
  if (close?.by === 'server' && close.code !== 1005 && close.code !== 1006)
    lines.push(`expect-close ${close.code} within ${withinFor(close.atMs - lastAt)}`);
  else if (close?.by === 'server') lines.push(`expect-close within ${withinFor(close.atMs - lastAt)}`);
  else if (close?.by === 'network')
    lines.push(`# the recording ended with the connection lost (${close.code})`, 'close');
  else if (close && close.code !== 1005)
    lines.push(
      `close ${close.code}${close.reason && !/[\r\n#]/.test(close.reason) ? ` ${close.reason}` : ''}`,
    );
  else lines.push('close');
  return `${lines.join('\n')}\n`;
}

/**
 * The URL a `proto socketio` scenario connects to: the codec adds /socket.io/?EIO=4&transport=websocket
 * itself and reads the path as the namespace, so a recorded Engine.IO URL (a browser's HAR), or a bare
 * origin whose namespace came from --namespace, becomes the origin plus the namespace the client joined.
 */
function socketIoUrl(recorded: string, namespace: string): string {
  try {
    const u = new URL(recorded);
    // A namespace given with --namespace left the recorded URL at "/".
    if (!u.pathname.endsWith('/socket.io/') && !(u.pathname === '/' && namespace !== '/')) return recorded;
    u.pathname = namespace;
    u.searchParams.delete('EIO');
    u.searchParams.delete('transport');
    return u.toString();
  } catch {
    return recorded;
  }
}
