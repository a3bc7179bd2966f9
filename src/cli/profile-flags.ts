// Profiles and flags, both ways: a saved profile merged under the command line's flags (flags win), and
// `wsx profiles add`'s flags turned into a profile that holds references to secrets, never secrets.

import { isAbsolute, resolve } from 'node:path';
import type { Profile } from '../config/config-file.js';
import { renderTemplate } from '../config/messages.js';
import { configFile, expandHome } from '../config/paths.js';
import { parseSecretRef, resolveSecretRef, type ResolveEnvironment } from '../config/secret-ref.js';
import { normalizeUrl } from '../core/url.js';
import { maskUrl } from '../text/mask.js';
import { usage } from './flag-values.js';
import { attributeName, checkValue, clientFlags, flagName, type FlagSpec, type ProfileKey } from './flags.js';
import { isSocketIoAuth } from './proto-flags.js';
import type { ProfileInput } from './options.js';
import type { RawFlags } from './program.js';

/** The flags a profile sets: the client's own (a profile's `proto` goes to --proto unchanged). */
export type ProfileFlags = RawFlags;

/** True when the user typed the flag (its RawFlags key), not when commander filled in a default. */
export type IsGiven = (key: keyof ProfileFlags) => boolean;

/** What a profile adds besides flag values: secrets it resolved, for masking. */
export interface AppliedProfile {
  urlArg: string | undefined;
  flags: ProfileFlags;
  /** Values read through env:/file: references (and {{env.NAME}} in the URL). */
  secrets: string[];
  /** Names of headers whose value came from a reference: they print as ***. */
  secretHeaders: string[];
}

/** Header names that always carry credentials, lower case (the same three credentials.ts masks). */
export const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];

/** A header name that looks like it carries a secret: X-Api-Key, X-Auth-Token, Session-Id … */
export const secretLookingHeader = /auth|token|key|secret|passw|cookie|session|signature|credential/i;

function headerName(line: string): string {
  return line.slice(0, Math.max(0, line.indexOf(':'))).trim();
}

/** {{env.NAME}} values in a URL template, and the URL with them filled in. */
function renderUrl(
  template: string,
  where: string,
  env: NodeJS.ProcessEnv,
): { url: string; secrets: string[] } {
  const secrets: string[] = [];
  for (const [, name] of template.matchAll(/\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g)) {
    const value = env[name!];
    if (value) secrets.push(value, encodeURIComponent(value));
  }
  try {
    return { url: renderTemplate(template, {}, env), secrets };
  } catch (err) {
    throw usage(`${where}: url: ${(err as Error).message}`);
  }
}

/**
 * Merges `profile` under `given`: every setting the command line did not give comes from the profile.
 * Headers merge by name (a -H of the same name wins), -s replaces the profile's subprotocols, and a URL on the
 * command line replaces the profile's. References are read now; an unset variable or unreadable file throws
 * a usage error naming the profile and the setting.
 */
export function applyProfile(
  name: string,
  profile: Profile,
  urlArg: string | undefined,
  given: ProfileFlags,
  isGiven: IsGiven,
  env: ResolveEnvironment,
): AppliedProfile {
  const where = `profile ${name}`;
  const flags: ProfileFlags = { ...given };
  const secrets: string[] = [];
  const secretHeaders: string[] = [];
  const read = (value: string, setting: string): string => {
    const ref = parseSecretRef(value);
    if (!ref) return value;
    const secret = resolveSecretRef(ref, `${where}: ${setting}`, env);
    secrets.push(secret);
    return secret;
  };
  let url = urlArg;
  if (url === undefined) {
    const rendered = renderUrl(profile.url, where, env.env);
    url = rendered.url;
    secrets.push(...rendered.secrets);
  }

  const typedNames = new Set((given.header ?? []).map((line) => headerName(line).toLowerCase()));
  const profileLines: string[] = [];
  const addHeader = (header: string, value: string, isSecret: boolean) => {
    if (typedNames.has(header.toLowerCase())) return;
    profileLines.push(`${header}: ${value}`);
    if (isSecret) secretHeaders.push(header.toLowerCase());
  };
  for (const [header, value] of Object.entries(profile.headers ?? {}))
    addHeader(header, read(value, `headers.${header}`), parseSecretRef(value) !== undefined);
  const typesAuth = isGiven('auth') || isGiven('authEnv') || isGiven('authFile') || isGiven('bearerEnv');
  if (profile.bearer && !typesAuth)
    addHeader('Authorization', `Bearer ${read(profile.bearer, 'bearer')}`, true);
  const proto = isGiven('proto') ? given.proto : (profile.proto ?? given.proto);
  const basic = profile.basic && !typesAuth ? read(profile.basic, 'basic') : undefined;
  // --auth-env saved with --proto socketio: a JSON object is the auth payload, as --auth '{…}' would be.
  if (basic !== undefined && proto === 'socketio' && basic.trimStart().startsWith('{')) flags.auth = basic;
  else if (basic !== undefined) {
    if (!basic.includes(':')) throw usage(`${where}: basic: expected user:pass`);
    secrets.push(basic.split(/:(.*)/s)[1] ?? '');
    addHeader('Authorization', `Basic ${Buffer.from(basic).toString('base64')}`, true);
  }
  flags.header = [...profileLines, ...(given.header ?? [])];
  flags.maskParam = [...new Set([...(profile.maskParams ?? []), ...(given.maskParam ?? [])])];

  const typesInit = isGiven('init') || isGiven('initEnv') || isGiven('initFile');
  if (profile.init !== undefined && !typesInit) flags.init = read(profile.init, 'init');
  const readSetting = (value: string, key: ProfileKey) => read(value, settingName(key));
  Object.assign(flags, tableSettings(profile, isGiven, readSetting, env.env));
  return { urlArg: url, flags, secrets, secretHeaders };
}

/**
 * The profile `name` from the user's config file, ready for buildOptions; `isGiven` tells typed flags from
 * commander's defaults. Throws an 'invalid-option' WsxError (exit 2) naming the file when there is no such
 * profile or the file is malformed.
 */
export async function loadProfile(
  name: string,
  env: NodeJS.ProcessEnv,
  isGiven: IsGiven,
): Promise<ProfileInput> {
  const { findProfile } = await import('../config/config-file.js');
  return { name, profile: findProfile(configFile(env), name), isGiven };
}

/** A file path saved in a profile works from any directory: made absolute, `~/` kept. */
function savedPath(path: string, cwd: string): string {
  return path.startsWith('~/') || isAbsolute(path) ? path : resolve(cwd, path);
}

function refuse(what: string, hint: string): never {
  throw usage(`not saved: ${what}; a profile never stores a secret`, hint);
}

/**
 * The profile that `wsx profiles add NAME URL [flags]` saves. Refuses (usage error, nothing written) any
 * literal secret: a credential-looking -H value, --auth, --passphrase, a password in the URL or proxy, a
 * secret query value. Each can be given as a reference instead (env:VAR, file:PATH, {{env.VAR}} in the URL).
 */
export function profileFromFlags(url: string, flags: ProfileFlags, isGiven: IsGiven, cwd: string): Profile {
  const maskParams = flags.maskParam ?? [];
  // Placeholders are references: check the URL with them taken out.
  const bare = url.replace(/\{\{[^}]*\}\}/g, 'x');
  const normalized = normalizeUrl(bare);
  if (maskUrl(url, maskParams).secrets.some((s) => !/^\{\{[^}]*\}\}$/.test(s)))
    refuse(
      'the URL holds a password or a secret query value',
      'write it as {{env.VAR}}, e.g. ?token={{env.API_TOKEN}}',
    );
  const profile: Profile = { url: bare === url ? normalized : url.trim() };

  const headers: Record<string, string> = {};
  for (const line of flags.header ?? []) {
    const name = headerName(line);
    if (!name) throw usage(`-H: "${line}" is not a header`, 'write it as "Name: value"');
    const value = line.slice(line.indexOf(':') + 1).trim();
    const isCredential = credentialHeaders.includes(name.toLowerCase()) || secretLookingHeader.test(name);
    if (isCredential && !parseSecretRef(value))
      refuse(
        `-H ${name} looks like a credential`,
        name.toLowerCase() === 'authorization'
          ? `use --bearer-env VAR, or -H 'Authorization: env:VAR' with VAR holding the whole value`
          : `give its value as env:VAR or file:PATH, e.g. -H '${name}: env:API_TOKEN'`,
      );
    headers[name] = value;
  }
  if (Object.keys(headers).length > 0) profile.headers = headers;
  if (flags.headerFile) profile.headerFile = savedPath(flags.headerFile, cwd);
  if (flags.bearerEnv) profile.bearer = `env:${flags.bearerEnv}`;
  if (flags.auth !== undefined)
    refuse(
      isSocketIoAuth(flags) ? '--auth is the Socket.IO auth payload, a credential' : '--auth is a password',
      'use --auth-env VAR or --auth-file FILE, holding the same value',
    );
  if (flags.authEnv) profile.basic = `env:${flags.authEnv}`;
  if (flags.authFile) profile.basic = `file:${savedPath(flags.authFile, cwd)}`;
  if (flags.init !== undefined)
    refuse(
      '--init is the graphql-ws connection payload, usually a credential',
      'use --init-env VAR or --init-file FILE, holding the same JSON',
    );
  if (flags.initEnv) profile.init = `env:${flags.initEnv}`;
  if (flags.initFile) profile.init = `file:${savedPath(flags.initFile, cwd)}`;
  if (maskParams.length > 0) profile.maskParams = maskParams;
  for (const spec of tableMapped) {
    const attribute = attributeName(spec);
    const value = (flags as unknown as Record<string, unknown>)[attribute];
    // Commander's defaults are not settings: only typed values are saved.
    const isUnset = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
    if (isUnset || (spec.default !== undefined && !isGiven(attribute as keyof ProfileFlags))) continue;
    putSetting(profile, spec.profile!, savedValue(spec, value as string | string[] | boolean, cwd));
  }
  return profile;
}

/** The flag values of the table-mapped settings `profile` holds and the command line did not type. */
function tableSettings(
  profile: Profile,
  isGiven: IsGiven,
  read: (value: string, key: ProfileKey) => string,
  env: NodeJS.ProcessEnv,
): Partial<ProfileFlags> {
  const flags: Record<string, unknown> = {};
  for (const spec of tableMapped) {
    const key = spec.profile!;
    const attribute = attributeName(spec) as keyof ProfileFlags;
    const saved = settingOf(profile, key);
    if (saved === undefined || isGiven(attribute)) continue;
    // Counts are numbers in a profile and text on the command line; paths saved as ~/… work for anyone.
    flags[attribute] =
      typeof saved === 'number'
        ? String(saved)
        : key.type === 'path'
          ? expandHome(saved as string, env)
          : key.type === 'reference'
            ? read(saved as string, key)
            : saved;
  }
  return flags;
}

/** Flags whose profile setting is mapped by the table's rules; the others (headers, credentials) above. */
const tableMapped = clientFlags.filter((spec) => spec.profile && !spec.profile.isCustom);

/** "tls.passphrase": where a setting is, for messages. */
function settingName(key: ProfileKey): string {
  return key.section ? `${key.section}.${key.key}` : key.key;
}

function settingOf(profile: Profile, key: ProfileKey): unknown {
  const holder = (key.section ? profile[key.section] : profile) as Record<string, unknown> | undefined;
  return holder?.[key.key];
}

function putSetting(profile: Profile, key: ProfileKey, value: unknown): void {
  const holder = (key.section ? (profile[key.section] ??= {}) : profile) as Record<string, unknown>;
  holder[key.key] = value;
}

/** A typed flag's value as a profile holds it, checked as the flag is; a literal secret is refused. */
function savedValue(spec: FlagSpec, value: string | string[] | boolean, cwd: string): unknown {
  const name = flagName(spec);
  switch (spec.profile!.type) {
    case 'path':
      return savedPath(value as string, cwd);
    case 'count':
      return checkValue(spec, value as string);
    case 'duration':
    case 'duration-or-zero':
    case 'size':
      checkValue(spec, value as string);
      return value;
    case 'reference':
      if (!parseSecretRef(value as string))
        refuse(`${name} is a secret`, `give it as ${name} env:VAR or ${name} file:PATH`);
      return value;
    case 'proxy':
      if (typeof value === 'string' && maskUrl(value).secrets.length > 0)
        refuse(
          'the --proxy URL holds a password',
          'leave it out and set HTTPS_PROXY in the environment instead',
        );
      return value;
    case 'text':
    case 'texts':
    case 'switch':
    case 'headers':
      return value;
  }
}
