// --proto and its flags (--path, --namespace, --auth JSON, --init JSON) → ProtoSettings, checked before connecting.

import { protocolNames } from '../protocols/index.js';
import { inexactNumbers } from '../protocols/json-text.js';
import type { ProtoSettings } from '../options.js';
import { usage } from './flag-values.js';
import type { RawFlags } from './program.js';

function jsonObject(flag: string, text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw usage(`${flag}: not valid JSON (${(err as Error).message})`, `e.g. ${flag} '{"token":"abc"}'`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw usage(`${flag}: expected a JSON object`, `e.g. ${flag} '{"token":"abc"}'`);
  // The object is sent re-serialised: a number a double cannot hold (an id past 2^53) would change.
  const changed = inexactNumbers(text)[0];
  if (changed !== undefined)
    throw usage(
      `${flag}: the number ${changed} would reach the server changed (a double cannot hold it)`,
      `write it as a string: "${changed}"`,
    );
  return value as Record<string, unknown>;
}

/**
 * With --proto socketio, `--auth '{…}'` (a JSON object) is the CONNECT packet's auth payload;
 * `--auth user:pass` stays HTTP Basic for the upgrade request, as without --proto.
 */
export function isSocketIoAuth(flags: RawFlags): boolean {
  return flags.proto === 'socketio' && flags.auth !== undefined && flags.auth.trimStart().startsWith('{');
}

/** Protocols whose opening logs in with `--auth login:passcode` (not HTTP Basic on the upgrade request). */
const loginProtocols = ['stomp', 'mqtt'];

/** Protocols whose opening takes `--init '{…}'`: graphql-ws's payload, STOMP's CONNECT headers, MQTT's CONNECT fields. */
const initProtocols = ['graphql-ws', 'phoenix', 'stomp', 'mqtt'];

/** With --proto stomp or mqtt, `--auth login:passcode` is the protocol's own login, sent in its CONNECT frame. */
export function isProtoLogin(flags: RawFlags): boolean {
  return loginProtocols.includes(flags.proto ?? '') && flags.auth !== undefined;
}

/** What to mask of a protocol login: the passcode, or the login when it comes alone (a token). */
export function loginSecrets(p: { login?: string; passcode?: string }): string[] {
  if (p.login === undefined) return [];
  return p.passcode ? [p.passcode, `${p.login}:${p.passcode}`] : [p.login];
}

const separatorNames: Record<string, string> = { rs: '\x1e', nul: '\0', lf: '\n', crlf: '\r\n' };

/** --separator's value: a name, or backslash escapes (\x1e, \0, \n, \r, \t) and plain characters. */
function parseSeparator(text: string): string {
  const named = separatorNames[text.toLowerCase()];
  if (named !== undefined) return named;
  const escapes: Record<string, string> = { '0': '\0', n: '\n', r: '\r', t: '\t', '\\': '\\' };
  let isEscaped = false;
  const sep = text.replace(/\\(x[0-9a-fA-F]{2}|[0nrt\\])/g, (_m, e: string) => {
    isEscaped = true;
    return e.startsWith('x') ? String.fromCharCode(parseInt(e.slice(1), 16)) : escapes[e]!;
  });
  // A word such as "comma" is a mistake far more often than a wanted five-byte separator.
  if (sep === '' || (!isEscaped && /^[a-z]{2,}$/i.test(sep)))
    throw usage(
      `--separator: "${text}" is not a separator`,
      `use one of ${Object.keys(separatorNames).join(', ')} or an escape such as \\x1e`,
    );
  return sep;
}

/** Validates --proto and its flags; undefined for raw WebSocket without --separator. */
export function buildProtoSettings(flags: RawFlags): ProtoSettings | undefined {
  const name = flags.proto ?? 'raw';
  if (!(protocolNames as readonly string[]).includes(name))
    throw usage(`--proto: unknown protocol "${name}"`, `use one of ${protocolNames.join(', ')}`);
  if (flags.separator !== undefined) {
    const separator = parseSeparator(flags.separator);
    if (name !== 'raw')
      throw usage(
        `--separator goes with raw WebSocket, not --proto ${name}: the protocol frames its own messages`,
      );
    if (flags.recordEnd !== undefined && flags.recordEnd !== 'none')
      throw usage('--separator and --record-end both end each message: give one');
    if (flags.binary) throw usage('--separator splits text frames: it does not go with --binary');
    return { name, separator };
  }
  const onlyWith = (flag: string, value: unknown, ...protos: string[]) => {
    if (value !== undefined && !protos.includes(name))
      throw usage(`${flag} goes with --proto ${protos.join(' or ')}`);
  };
  onlyWith('--path', flags.path, 'socketio');
  onlyWith('--namespace', flags.namespace, 'socketio');
  if (flags.init !== undefined && !initProtocols.includes(name))
    throw usage(
      `--init goes with --proto ${initProtocols.slice(0, -1).join(', ')} or ${initProtocols.at(-1)}`,
    );
  if (name === 'raw') return undefined;
  if (flags.binary) throw usage(`--binary does not go with --proto ${name}: its messages are JSON lines`);
  switch (name) {
    case 'socketio': {
      if (flags.namespace !== undefined && !flags.namespace.startsWith('/'))
        throw usage(`--namespace: "${flags.namespace}" must start with /`);
      return {
        name,
        ...(flags.path !== undefined ? { path: flags.path } : {}),
        ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
        ...(isSocketIoAuth(flags) ? { auth: jsonObject('--auth', flags.auth!) } : {}),
      };
    }
    case 'phoenix':
    case 'graphql-ws':
      return { name, ...(flags.init !== undefined ? { init: jsonObject('--init', flags.init) } : {}) };
    case 'stomp':
    case 'mqtt': {
      const login = flags.auth === undefined ? undefined : /^([^:]*):(.*)$/s.exec(flags.auth);
      if (flags.auth !== undefined && !login)
        throw usage(
          `--auth: expected login:passcode for the ${name === 'mqtt' ? 'MQTT' : 'STOMP'} CONNECT packet`,
        );
      return {
        name,
        ...(login ? { login: login[1]!, passcode: login[2]! } : {}),
        ...(flags.init !== undefined ? { init: jsonObject('--init', flags.init) } : {}),
      };
    }
    default:
      return { name: name as 'jsonrpc' | 'cdp' };
  }
}
