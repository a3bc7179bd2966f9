// Headers and credentials from -H, --header-file, the URL's userinfo and query, --auth, --auth-env and
// --bearer-env; and the record of every secret among them, so nothing wsx prints ever shows one.

import type { ClientRequest } from 'node:http';
import { WsxError } from '../core/errors.js';
import { readLocalFile } from '../text/local-file.js';
import { describeIoError } from '../text/io-error.js';
import { maskUrl } from '../text/mask.js';
import { envFlag, usage } from './flag-values.js';
import type { RawFlags } from './program.js';

/** Headers whose values are always secret, lower case. */
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];

/** Secrets shorter than this are not masked in free text: "a" or "pw" would mask half of every line. */
const minSecretLength = 3;

/** The flags this file reads, as program.ts declares them. */
export type CredentialFlags = Pick<
  RawFlags,
  'header' | 'headerFile' | 'auth' | 'authEnv' | 'bearerEnv' | 'maskParam'
>;

/** The flags readPayloadSources reads: where --auth and --init come from. */
export type PayloadFlags = Pick<RawFlags, 'auth' | 'authEnv' | 'authFile' | 'init' | 'initEnv' | 'initFile'>;

export interface Credentials {
  /** The URL to connect to: userinfo moved into an Authorization header, the query kept. */
  url: string;
  /** `url` as every output shows it: secret query values as ***. */
  displayUrl: string;
  /** Request headers, names as the user wrote them. */
  headers: Record<string, string>;
  /** Header names whose values print as ***, lower case. */
  secretHeaders: Set<string>;
  /** Secret strings that must never be printed. More are added later (passphrase, proxy password). */
  secrets: string[];
}

/** Where files are read from; tests pass their own. */
export type ReadFile = (path: string) => Buffer;

/** Reads `path` for `flag` (a regular file, 8 MiB at most), or throws a usage error naming both. */
export function readFlagFile(readFile: ReadFile | undefined, flag: string, path: string): Buffer {
  try {
    return (readFile ?? readLocalFile)(path);
  } catch (err) {
    throw usage(`${flag}: ${describeIoError(err, path)}`);
  }
}

/** "Name: value" → [name, value]; throws a usage error naming where the line came from. */
function parseHeader(line: string, where: string): [string, string] {
  const colon = line.indexOf(':');
  const name = colon > 0 ? line.slice(0, colon).trim() : '';
  if (!name || !/^[!#$%&'*+.^_`|~0-9a-z-]+$/i.test(name)) {
    throw usage(`${where}: "${line}" is not a header`, 'write it as "Name: value"');
  }
  return [name, line.slice(colon + 1).trim()];
}

/** The one value given by `flag`, `flag`-env VAR or `flag`-file FILE; a usage error when more than one is. */
function oneSource(
  flag: string,
  literal: string | undefined,
  envVar: string | undefined,
  file: string | undefined,
  env: NodeJS.ProcessEnv,
  readFile: ReadFile | undefined,
): string | undefined {
  const given = [literal, envVar, file].filter((v) => v !== undefined).length;
  if (given > 1) throw usage(`give one of ${flag}, ${flag}-env and ${flag}-file`);
  if (literal !== undefined) return literal;
  if (envVar !== undefined) return envFlag(env, `${flag}-env`, envVar);
  if (file === undefined) return undefined;
  const text = readFlagFile(readFile, `${flag}-file`, file)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw usage(`${flag}-file: ${file} is empty`);
  return text;
}

/**
 * `flags` with --auth and --init read from where they were given (--auth-env/--auth-file, --init-env/
 * --init-file), so the rest of wsx sees only `auth` and `init`. Keeping the values out of argv is the point:
 * they are credentials (Basic user:pass, a Socket.IO auth payload, a graphql-ws connection_init payload).
 */
export function readPayloadSources<F extends PayloadFlags>(
  flags: F,
  env: NodeJS.ProcessEnv,
  readFile?: ReadFile,
): F {
  const auth = oneSource('--auth', flags.auth, flags.authEnv, flags.authFile, env, readFile);
  const init = oneSource('--init', flags.init, flags.initEnv, flags.initFile, env, readFile);
  const read: F = { ...flags, auth, init };
  delete read.authEnv;
  delete read.authFile;
  delete read.initEnv;
  delete read.initFile;
  return read;
}

/**
 * The strings of a JSON payload (a Socket.IO auth object, a graphql-ws init object) to mask: each string
 * member as written and as JSON escapes it inside a frame. Member names stay readable.
 */
export function payloadSecrets(payload: unknown): string[] {
  const secrets: string[] = [];
  const pending: unknown[] = [payload];
  // Bounded by the payload's size: each value is visited once.
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') secrets.push(value, JSON.stringify(value).slice(1, -1));
    else if (value !== null && typeof value === 'object')
      pending.push(...Object.values(value as Record<string, unknown>));
  }
  return keepMaskable(secrets);
}

/** Credentials in the URL, --auth, --auth-env or --bearer-env: all end up as an Authorization header. */
function authorization(
  url: URL,
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
): { value: string; secrets: string[] } | undefined {
  let basic: string | undefined;
  if (url.username || url.password)
    basic = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  if (flags.auth !== undefined) basic = flags.auth;
  if (flags.authEnv) basic = envFlag(env, '--auth-env', flags.authEnv);
  if (basic !== undefined && !basic.includes(':')) throw usage('--auth: expected user:pass');
  // A user name alone is how some services pass a token (https://TOKEN@host): then it is the secret.
  const [user = '', password = ''] = basic?.split(/:(.*)/s) ?? [];
  const basicSecrets = basic === undefined ? [] : [basic, password || user];
  if (flags.bearerEnv) {
    const token = envFlag(env, '--bearer-env', flags.bearerEnv);
    return { value: `Bearer ${token}`, secrets: [token, ...basicSecrets] };
  }
  if (basic === undefined) return undefined;
  return { value: `Basic ${Buffer.from(basic).toString('base64')}`, secrets: basicSecrets };
}

/**
 * Collects headers and credentials for `url` (already normalised). `readFile` reads --header-file.
 * Throws a usage error for a malformed header, an unreadable file or an unset environment variable.
 */
export function readCredentials(
  url: string,
  flags: CredentialFlags,
  env: NodeJS.ProcessEnv,
  readFile?: ReadFile,
): Credentials {
  const headers: Record<string, string> = {};
  const secretHeaders = new Set(credentialHeaders);
  const secrets: string[] = [];
  for (const line of flags.header) {
    const [name, value] = parseHeader(line, '-H');
    headers[name] = value;
  }
  if (flags.headerFile) {
    // Headers go in a file to keep them out of argv and shell history: treat every one as secret.
    const text = readFlagFile(readFile, '--header-file', flags.headerFile).toString('utf8');
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      const [name, value] = parseHeader(line, `--header-file line ${i + 1}`);
      headers[name] = value;
      secretHeaders.add(name.toLowerCase());
    });
  }
  const parsed = new URL(url);
  const auth = authorization(parsed, flags, env);
  if (auth) {
    for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
    headers['Authorization'] = auth.value;
    secrets.push(...auth.secrets);
  }
  parsed.username = parsed.password = '';
  const connectUrl = parsed.toString();
  const masked = maskUrl(connectUrl, flags.maskParam);
  secrets.push(...masked.secrets);
  for (const [name, value] of Object.entries(headers))
    if (secretHeaders.has(name.toLowerCase())) secrets.push(value, value.replace(/^(Bearer|Basic)\s+/i, ''));
  return {
    url: connectUrl,
    displayUrl: masked.displayUrl,
    headers,
    secretHeaders,
    secrets: keepMaskable(secrets),
  };
}

/** Drops duplicates and strings too short to mask in free text. */
export function keepMaskable(secrets: string[]): string[] {
  return [...new Set(secrets)].filter((s) => s.length >= minSecretLength);
}

/**
 * -L rules. ws follows a wss:// → ws:// redirect and, once a redirect listener exists, stops stripping
 * credentials itself; so wsx refuses the downgrade and strips them on any change of origin.
 */
export function guardRedirect(from: URL, to: URL, req: ClientRequest, original: URL): void {
  if (from.protocol === 'wss:' && to.protocol !== 'wss:') {
    throw new WsxError('redirect', `refused a redirect from ${from.href} to ${to.href}: it would drop TLS`, {
      hint: 'connect to the ws:// URL yourself if you mean it',
    });
  }
  if (to.origin !== original.origin) for (const name of credentialHeaders) req.removeHeader(name);
}
