// Slash commands typed in the input line, parsed by a pure function.

export type Command =
  | { type: 'send'; text: string }
  | { type: 'ping'; data: string }
  | { type: 'close'; code: number; reason: string }
  | { type: 'reconnect' }
  | { type: 'binary'; data: Buffer }
  | { type: 'file'; path: string }
  | { type: 'pretty' }
  | { type: 'timestamps' }
  | { type: 'clear' }
  | { type: 'help' }
  | { type: 'quit' }
  /** A saved message by name (config/messages.ts), with `key=value` template variables typed after it. */
  | { type: 'sendSaved'; name: string; vars: Record<string, string> }
  | { type: 'save'; name: string }
  | { type: 'saved' }
  | { type: 'invalid'; message: string };

export const commandHelp: [string, string][] = [
  ['/ping [data]', 'send a protocol ping'],
  ['/close [code [reason]]', 'close the connection (default 1000) and quit'],
  ['/reconnect', 'drop the socket and connect again now'],
  ['/binary <hex>', 'send a binary message given as hex'],
  ['/base64 <data>', 'send a binary message given as base64'],
  ['/file <path>', "send a file's contents (text if valid UTF-8, else binary)"],
  ['/pretty', 'toggle JSON pretty-printing (Ctrl+O)'],
  ['/timestamps', 'toggle timestamps (Ctrl+T)'],
  ['/clear', 'clear the screen'],
  ['/send <name> [k=v …]', 'send a saved message, filling {{k}} (see /saved)'],
  ['/save <name>', 'save the last message sent under a name (in the profile, or global)'],
  ['/saved', 'list the saved messages'],
  ['/help', 'this list'],
  ['/quit', 'close with 1000 and leave (Ctrl+C)'],
  ['//text', 'send a message that starts with /'],
  ['line ending in \\', 'Enter continues on a new line (multi-line JSON)'],
];

/** Turns a submitted line into a command; anything not starting with one slash is a message. */
export function parseCommand(line: string): Command {
  if (!line.startsWith('/')) return { type: 'send', text: line };
  if (line.startsWith('//')) return { type: 'send', text: line.slice(1) };
  const match = /^\/(\S+)\s*([\s\S]*)$/.exec(line);
  const name = match?.[1]?.toLowerCase() ?? '';
  const parse = commandParsers.get(name);
  if (parse) return parse(match?.[2] ?? '');
  return {
    type: 'invalid',
    message: `unknown command /${name}: /help lists them; //text sends text starting with /`,
  };
}

// A Map, not an object: `/constructor` is an unknown command, not a property of Object.prototype.
const commandParsers = new Map<string, (rest: string) => Command>([
  ['ping', (rest) => ({ type: 'ping', data: rest })],
  ['close', parseClose],
  ['reconnect', () => ({ type: 'reconnect' })],
  ['binary', parseHex],
  ['base64', parseBase64],
  ['file', parseFile],
  ['pretty', () => ({ type: 'pretty' })],
  ['timestamps', () => ({ type: 'timestamps' })],
  ['clear', () => ({ type: 'clear' })],
  ['help', () => ({ type: 'help' })],
  ['?', () => ({ type: 'help' })],
  ['quit', () => ({ type: 'quit' })],
  ['exit', () => ({ type: 'quit' })],
  ['q', () => ({ type: 'quit' })],
  ['send', parseSendSaved],
  ['save', parseSave],
  ['saved', () => ({ type: 'saved' })],
]);

function parseClose(rest: string): Command {
  const [codeText, ...reason] = rest.split(/\s+/).filter(Boolean);
  if (codeText === undefined) return { type: 'close', code: 1000, reason: '' };
  const code = Number(codeText);
  // RFC 6455 §7.4: an endpoint may send 1000 or 3000-4999; the rest are reserved or not for sending.
  if (!Number.isInteger(code) || !(code === 1000 || (code >= 3000 && code <= 4999))) {
    return {
      type: 'invalid',
      message: `/close: ${codeText} is not a code a client may send (1000 or 3000-4999)`,
    };
  }
  const text = reason.join(' ');
  // RFC 6455 §5.5: control frame payloads are at most 125 bytes, 2 of them for the code.
  if (Buffer.byteLength(text) > 123)
    return { type: 'invalid', message: '/close: the reason is longer than 123 bytes' };
  return { type: 'close', code, reason: text };
}

function parseHex(rest: string): Command {
  const hex = rest.replace(/\s+/g, '');
  if (hex === '' || !/^(?:[0-9a-f]{2})+$/i.test(hex))
    return { type: 'invalid', message: '/binary: give bytes as hex, e.g. /binary 00ff10' };
  return { type: 'binary', data: Buffer.from(hex, 'hex') };
}

function parseBase64(rest: string): Command {
  const b64 = rest.trim();
  if (b64 === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64))
    return { type: 'invalid', message: '/base64: give bytes as base64, e.g. /base64 AAEC' };
  return { type: 'binary', data: Buffer.from(b64, 'base64') };
}

function parseFile(rest: string): Command {
  if (rest.trim() === '') return { type: 'invalid', message: '/file: give a path, e.g. /file payload.json' };
  return { type: 'file', path: rest.trim() };
}

function parseSendSaved(rest: string): Command {
  const [savedName, ...assignments] = rest.split(/\s+/).filter(Boolean);
  if (savedName === undefined)
    return { type: 'invalid', message: '/send: give a saved message name (/saved lists them)' };
  const vars: Record<string, string> = {};
  for (const assignment of assignments) {
    const eq = assignment.indexOf('=');
    if (eq < 1) return { type: 'invalid', message: `/send: "${assignment}" is not name=value` };
    vars[assignment.slice(0, eq)] = assignment.slice(eq + 1);
  }
  return { type: 'sendSaved', name: savedName, vars };
}

function parseSave(rest: string): Command {
  const savedName = rest.trim();
  if (savedName === '' || /\s/.test(savedName))
    return { type: 'invalid', message: '/save: give one name, e.g. /save hello' };
  return { type: 'save', name: savedName };
}
