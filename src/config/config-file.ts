// The config file: named connections (profiles), saved messages and template variables, as JSON that
// reads well in a diff. Read whole and validated whole: one mistake anywhere stops wsx with one line naming
// the file, the line and the problem, so it never runs on half a config.

import { WsxError } from '../core/errors.js';
import { durationRefusal, parseDuration } from '../text/duration.js';
import { LocalFileError, readLocalFile } from '../text/local-file.js';
import { namePattern } from './names.js';
import { isSecretRef } from './secret-ref.js';
// The flag table is data: the profile keys and their types are read from it, so a flag saved in a profile
// is declared once. It imports nothing from config/.
import { clientFlags, type ProfileFlagFields, type ProfileValue } from '../cli/flags.js';

/**
 * One saved connection. Its settings are the flags' (cli/flags.ts names each flag's key and type);
 * durations and sizes are written as on the command line, secrets only as env:/file: references.
 */
export interface Profile extends ProfileFlagFields {
  url: string;
  /** Template variables for this profile's saved messages (and the global ones when it is used). */
  vars?: Record<string, string>;
  /** Saved messages, name → text with {{var}} templates. */
  messages?: Record<string, string>;
}

export interface Config {
  profiles: Record<string, Profile>;
  /** Saved messages for every connection. */
  messages: Record<string, string>;
  vars: Record<string, string>;
}

export { namePattern };

export function emptyConfig(): Config {
  return { profiles: {}, messages: {}, vars: {} };
}

/** A problem at `path` inside the JSON document (keys from the root). */
class Problem extends Error {
  constructor(
    readonly path: string[],
    message: string,
  ) {
    super(message);
  }
}

type Json = unknown;
type Check = (value: Json, path: string[]) => void;

const isObject = (v: Json): v is Record<string, Json> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const string: Check = (v, path) => {
  if (typeof v !== 'string') throw new Problem(path, 'expected a string');
};
const boolean: Check = (v, path) => {
  if (typeof v !== 'boolean') throw new Problem(path, 'expected true or false');
};
const count: Check = (v, path) => {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1)
    throw new Problem(path, 'expected a whole number above 0');
};
const duration =
  (allowZero: boolean): Check =>
  (v, path) => {
    const ms = typeof v === 'string' ? parseDuration(v) : undefined;
    if (ms === undefined || (!allowZero && ms === 0))
      throw new Problem(
        path,
        `${JSON.stringify(v)} ${typeof v === 'string' ? durationRefusal(v) : 'is not a duration'} (use e.g. 500ms, 5s, 2m)`,
      );
  };
const size: Check = (v, path) => {
  if (typeof v !== 'string' || !/^\s*\d+(?:\.\d+)?\s*[kmg]?(?:i?b)?\s*$/i.test(v) || parseFloat(v) <= 0)
    throw new Problem(path, `${JSON.stringify(v)} is not a size (use e.g. 65536, 512k, 64M)`);
};
const strings: Check = (v, path) => {
  if (!Array.isArray(v)) throw new Problem(path, 'expected a list of strings');
  v.forEach((item, i) => string(item, [...path, String(i)]));
};
const stringMap: Check = (v, path) => {
  if (!isObject(v)) throw new Problem(path, 'expected an object of "name": "text"');
  for (const [key, item] of Object.entries(v)) string(item, [...path, key]);
};
const namedStrings: Check = (v, path) => {
  stringMap(v, path);
  for (const key of Object.keys(v as object))
    if (!namePattern.test(key))
      throw new Problem([...path, key], `"${key}" is not a name (letters, digits, _ . -)`);
};
const secretRef: Check = (v, path) => {
  string(v, path);
  if (!isSecretRef(v as string))
    throw new Problem(path, 'secrets are never stored in the config: write env:VARIABLE or file:PATH');
};
const proxy: Check = (v, path) => {
  if (v !== false) string(v, path);
};
const fields =
  (shape: Record<string, Check>, required: string[] = []): Check =>
  (v, path) => {
    if (!isObject(v)) throw new Problem(path, 'expected an object');
    // Own keys only: `shape[key]` alone would find valueOf, constructor or __proto__ on Object.prototype
    // and call it as a check (an internal error) or accept it silently.
    for (const key of required) if (!Object.hasOwn(v, key)) throw new Problem(path, `"${key}" is missing`);
    for (const [key, item] of Object.entries(v)) {
      const check = Object.hasOwn(shape, key) ? shape[key] : undefined;
      if (!check)
        throw new Problem([...path, key], `unknown field "${key}" (known: ${Object.keys(shape).join(', ')})`);
      check(item, [...path, key]);
    }
  };

/** How each kind of profile value the flag table names is checked. */
const valueChecks: Record<ProfileValue, Check> = {
  text: string,
  path: string,
  texts: strings,
  headers: stringMap,
  reference: secretRef,
  switch: boolean,
  count,
  duration: duration(false),
  'duration-or-zero': duration(true),
  size,
  proxy,
};

/** A profile's fields: its URL, every flag's setting the table gives a key (in the table's order), vars, messages. */
function profileFields(): Record<string, Check> {
  const top: Record<string, Check> = { url: string };
  const sections: Record<string, Record<string, Check>> = {};
  for (const { profile: key } of clientFlags) {
    if (!key) continue;
    if (!key.section) top[key.key] = valueChecks[key.type];
    else {
      if (!sections[key.section]) top[key.section] = fields((sections[key.section] = {}));
      sections[key.section]![key.key] = valueChecks[key.type];
    }
  }
  return { ...top, vars: stringMap, messages: namedStrings };
}

const profileShape: Check = fields(profileFields(), ['url']);

const profilesShape: Check = (v, path) => {
  if (!isObject(v)) throw new Problem(path, 'expected an object of "name": { "url": … }');
  for (const [name, profile] of Object.entries(v)) {
    if (!namePattern.test(name))
      throw new Problem([...path, name], `"${name}" is not a profile name (letters, digits, _ . -)`);
    profileShape(profile, [...path, name]);
  }
};

const configShape: Check = fields({ profiles: profilesShape, messages: namedStrings, vars: stringMap });
/** A project's wsx.json holds saved messages and their variables, never connections. */
const projectShape: Check = fields({ messages: namedStrings, vars: stringMap });

/** The 1-based line of character `offset` in `text`. */
function lineAt(text: string, offset: number): number {
  return text.slice(0, Math.max(0, offset)).split('\n').length;
}

/**
 * Where JSON.parse failed. Node 20 gives a position for most errors but not for "Unexpected token";
 * then the shortest prefix that fails other than by ending early ends at the bad character.
 */
function syntaxErrorOffset(text: string, message: string): number {
  const at = /at position (\d+)/.exec(message);
  if (at) return Number(at[1]);
  if (/end of JSON input/.test(message)) return text.length;
  // A prefix cut inside a value fails "at the end": at its last position, or with "end of JSON input".
  const failsInside = (end: number) => {
    try {
      JSON.parse(text.slice(0, end));
      return false;
    } catch (err) {
      const cut = (err as Error).message;
      const position = /at position (\d+)/.exec(cut);
      if (position) return Number(position[1]) < end;
      return !/end of JSON input/.test(cut);
    }
  };
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (failsInside(mid + 1)) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The line of the key at `path`: each key is looked for as `"key":` after the previous one. A key written
 * with JSON escapes is not found; then the line of its parent is given, which is still close.
 */
function lineOfPath(text: string, path: string[]): number {
  let from = 0;
  for (const key of path) {
    const pattern = new RegExp(`${JSON.stringify(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'g');
    pattern.lastIndex = from;
    const match = /^\d+$/.test(key) ? null : pattern.exec(text);
    if (!match) break;
    from = match.index;
  }
  return lineAt(text, from);
}

function configError(file: string, line: number, message: string): WsxError {
  return new WsxError('invalid-option', `${file}:${line}: ${message}`);
}

/**
 * Parses and validates a config file's text. Throws an 'invalid-option' WsxError (exit 2) whose message is
 * `FILE:LINE: problem`, e.g. `…/config.json:7: profiles.prod.pingInterval: "3x" is not a duration`.
 */
export function parseConfig(text: string, file: string, opts: { isProjectFile?: boolean } = {}): Config {
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch (err) {
    const message = (err as Error).message
      .replace(/^(Unexpected token '[^']*'),.*$/s, '$1')
      .replace(/ in JSON at position \d+.*$/s, '');
    throw configError(
      file,
      lineAt(text, syntaxErrorOffset(text, (err as Error).message)),
      `not valid JSON: ${message}`,
    );
  }
  try {
    (opts.isProjectFile ? projectShape : configShape)(json, []);
  } catch (err) {
    if (!(err instanceof Problem)) throw err;
    const where = err.path.length > 0 ? `${err.path.join('.')}: ` : '';
    throw configError(file, lineOfPath(text, err.path), `${where}${err.message}`);
  }
  const valid = json as Partial<Config>;
  return { profiles: valid.profiles ?? {}, messages: valid.messages ?? {}, vars: valid.vars ?? {} };
}

/** Reads and validates `file`; a file that does not exist is an empty config. */
export function readConfig(file: string, opts: { isProjectFile?: boolean } = {}): Config {
  let text: string;
  try {
    text = readLocalFile(file).toString('utf8');
  } catch (err) {
    if (!(err instanceof LocalFileError)) throw err;
    if (err.code === 'ENOENT') return emptyConfig();
    throw new WsxError('invalid-option', `cannot read ${file}: ${err.reason}`);
  }
  return parseConfig(text, file, opts);
}

/** The profile `name` from `file`, or an 'invalid-option' WsxError saying where profiles are listed. */
export function findProfile(file: string, name: string): Profile {
  const { profiles } = readConfig(file);
  const profile = Object.hasOwn(profiles, name) ? profiles[name] : undefined;
  if (!profile)
    throw new WsxError('invalid-option', `no profile "${name}" in ${file}`, {
      hint: 'wsx profiles lists them',
    });
  return profile;
}
