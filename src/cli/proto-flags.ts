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

/** Validates --proto and its flags; undefined for raw WebSocket. */
export function buildProtoSettings(flags: RawFlags): ProtoSettings | undefined {
  const name = flags.proto ?? 'raw';
  if (!(protocolNames as readonly string[]).includes(name))
    throw usage(`--proto: unknown protocol "${name}"`, `use one of ${protocolNames.join(', ')}`);
  const onlyWith = (flag: string, value: unknown, proto: string) => {
    if (value !== undefined && name !== proto) throw usage(`${flag} goes with --proto ${proto}`);
  };
  onlyWith('--path', flags.path, 'socketio');
  onlyWith('--namespace', flags.namespace, 'socketio');
  onlyWith('--init', flags.init, 'graphql-ws');
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
    case 'graphql-ws':
      return { name, ...(flags.init !== undefined ? { init: jsonObject('--init', flags.init) } : {}) };
    default:
      return { name: name as 'jsonrpc' | 'cdp' };
  }
}
