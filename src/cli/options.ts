// Flags → one validated Options object that every mode shares. Every mistake throws before a socket opens.

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { ConnectionOptions } from '../core/connection.js';
import { WsxError } from '../core/errors.js';
import { normalizeUrl } from '../core/url.js';
import { parseDuration } from '../text/duration.js';
import type { RawFlags } from './program.js';
import { parseExpectation } from '../match/expectations.js';
import type { Mode, Options } from '../options.js';

export type { Mode, Options } from '../options.js';
import { describeProxy, resolveProxy } from './proxy.js';

export interface Environment {
  env: NodeJS.ProcessEnv;
  isStdinTty: boolean;
  isStdoutTty: boolean;
  readFile?: (path: string) => Buffer;
}

function usage(message: string, hint?: string): WsxError {
  return new WsxError('invalid-option', message, hint ? { hint } : {});
}

function duration(flag: string, text: string, allowZero = false): number {
  const ms = parseDuration(text);
  if (ms === undefined || (!allowZero && ms === 0))
    throw usage(`${flag}: "${text}" is not a duration`, 'use e.g. 500ms, 5s, 2m');
  return ms;
}

function positiveInt(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usage(`${flag}: "${text}" is not a whole number above 0`);
  return n;
}

/** "64M" → 67108864. Accepts k, M, G (powers of 1024), with an optional trailing B or iB. */
export function parseBytes(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg])?(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const power = { '': 0, k: 1, m: 2, g: 3 }[(match[2] ?? '').toLowerCase()] ?? 0;
  return Math.round(Number(match[1]) * 1024 ** power);
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

function readText(env: Environment, flag: string, path: string): Buffer {
  try {
    return (env.readFile ?? readFileSync)(path);
  } catch (err) {
    throw usage(
      `${flag}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
}

function fromEnv(env: Environment, flag: string, name: string): string {
  const value = env.env[name];
  if (value === undefined || value === '') throw usage(`${flag}: environment variable ${name} is not set`);
  return value;
}

// Headers that carry credentials: never sent to another origin after a redirect.
const credentialHeaders = ['authorization', 'cookie', 'proxy-authorization'];

/**
 * -L rules. ws follows a wss:// → ws:// redirect and, once a redirect listener exists, stops stripping
 * credentials itself; so wsx refuses the downgrade and strips them on any change of origin.
 */
export function guardRedirect(
  from: URL,
  to: URL,
  req: import('node:http').ClientRequest,
  original: URL,
): void {
  if (from.protocol === 'wss:' && to.protocol !== 'wss:') {
    throw new WsxError('redirect', `refused a redirect from ${from.href} to ${to.href}: it would drop TLS`, {
      hint: 'connect to the ws:// URL yourself if you mean it',
    });
  }
  if (to.origin !== original.origin) for (const name of credentialHeaders) req.removeHeader(name);
}

/** PKCS#8 "BEGIN ENCRYPTED PRIVATE KEY" or legacy "Proc-Type: 4,ENCRYPTED". */
export function isEncryptedKey(key: Buffer | string): boolean {
  return /ENCRYPTED/.test(key.toString());
}

/** Fails at once, naming the flag, when --key cannot be read with the --passphrase given (or without one). */
export function checkKey(key: Buffer | string, passphrase: string | undefined): void {
  // Loaded only here: node:crypto costs ~4 ms of start-up that runs without --key do not need.
  const { createPrivateKey } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  // Without a passphrase OpenSSL would try to prompt on its own; say what to do instead.
  if (passphrase === undefined && isEncryptedKey(key))
    throw usage('--key is encrypted', 'give its passphrase with --passphrase');
  try {
    createPrivateKey(passphrase === undefined ? { key } : { key, passphrase });
  } catch (err) {
    if (passphrase !== undefined && /bad decrypt/i.test((err as Error).message))
      throw usage('--passphrase does not decrypt --key');
    throw usage(`--key is not a private key in PEM format (${(err as Error).message})`);
  }
}

/** Validates `flags` and builds the Options every mode runs from. */
export function buildOptions(urlArg: string | undefined, given: RawFlags, env: Environment): Options {
  // Repeatable flags are undefined when never given.
  const flags: RawFlags = {
    ...given,
    header: given.header ?? [],
    subprotocol: given.subprotocol ?? [],
    execute: given.execute ?? [],
  };
  const isDemo = flags.demo === true;
  if (!isDemo && !urlArg) throw usage('missing URL', 'e.g. wsx ws://localhost:8080, or wsx --demo to try it');
  if (isDemo && urlArg) throw usage('--demo starts its own server: give no URL with it');
  let url = isDemo ? 'ws://127.0.0.1/' : normalizeUrl(urlArg!);

  const headers: Record<string, string> = {};
  const secretHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);
  const secrets: string[] = [];
  for (const line of flags.header) {
    const [name, value] = parseHeader(line, '-H');
    headers[name] = value;
  }
  if (flags.headerFile) {
    const text = readText(env, '--header-file', flags.headerFile).toString('utf8');
    text.split(/\r?\n/).forEach((line, i) => {
      if (line.trim() === '' || line.trimStart().startsWith('#')) return;
      const [name, value] = parseHeader(line, `--header-file line ${i + 1}`);
      headers[name] = value;
      secretHeaders.add(name.toLowerCase());
      secrets.push(value);
    });
  }

  // Credentials: in the URL, --auth, --auth-env or --bearer-env; all end up as an Authorization header.
  const parsed = new URL(url);
  let basic: string | undefined;
  if (parsed.username || parsed.password) {
    basic = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
    parsed.username = parsed.password = '';
    url = parsed.toString();
  }
  if (flags.auth) basic = flags.auth;
  if (flags.authEnv) basic = fromEnv(env, '--auth-env', flags.authEnv);
  if (basic !== undefined) {
    if (!basic.includes(':')) throw usage('--auth: expected user:pass');
    headers['Authorization'] = `Basic ${Buffer.from(basic).toString('base64')}`;
    secrets.push(basic, basic.slice(basic.indexOf(':') + 1));
  }
  if (flags.bearerEnv) {
    const token = fromEnv(env, '--bearer-env', flags.bearerEnv);
    headers['Authorization'] = `Bearer ${token}`;
    secrets.push(token);
  }
  for (const [name, value] of Object.entries(headers))
    if (secretHeaders.has(name.toLowerCase())) secrets.push(value);

  const maxMessageSize = parseBytes(flags.maxMessageSize);
  if (!maxMessageSize)
    throw usage(`--max-message-size: "${flags.maxMessageSize}" is not a size`, 'use e.g. 65536, 512k, 64M');
  const pingIntervalMs = duration('--ping-interval', flags.pingInterval, true);
  const pingTimeoutMs = duration('--ping-timeout', flags.pingTimeout);
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw usage('--cert and --key go together');

  const expectations = flags.expectations.map((e) => parseExpectation(e.kind, e.text));
  const isScript = flags.execute.length > 0 || expectations.length > 0;
  const mode: Mode = isScript
    ? 'script'
    : isDemo || (flags.tui && flags.input !== false && env.isStdinTty && env.isStdoutTty)
      ? 'interactive'
      : 'pipe';
  if (isDemo && mode !== 'interactive')
    throw usage('--demo needs a terminal (stdin and stdout must be TTYs)');
  if (flags.inputFormat !== 'raw' && !flags.binary) throw usage('--input-format goes with --binary');

  const connection: ConnectionOptions = {
    url,
    protocols: flags.subprotocol,
    headers,
    handshakeTimeoutMs: duration('--connect-timeout', flags.connectTimeout),
    maxPayloadBytes: maxMessageSize,
    compress: flags.compress === true,
    followRedirects: flags.location === true,
    maxRedirects: positiveInt('--max-redirects', flags.maxRedirects),
    reconnect: {
      // On by default only where a person watches: the interactive session.
      enabled: flags.reconnect ?? mode === 'interactive',
      maxRetries: flags.maxRetries === undefined ? Infinity : positiveInt('--max-retries', flags.maxRetries),
    },
    heartbeat:
      pingIntervalMs === 0
        ? false
        : {
            intervalMs: pingIntervalMs,
            timeoutMs: pingTimeoutMs,
            ...(flags.appPing !== undefined ? { appMessage: flags.appPing } : {}),
          },
    queue: { maxMessages: positiveInt('--queue-limit', flags.queueLimit) },
  };
  if (flags.origin) connection.origin = flags.origin;
  const tls: NonNullable<ConnectionOptions['tls']> = {};
  if (flags.ca) tls.ca = readText(env, '--ca', flags.ca);
  if (flags.cert) tls.cert = readText(env, '--cert', flags.cert);
  if (flags.key) tls.key = readText(env, '--key', flags.key);
  if (flags.passphrase) {
    tls.passphrase = flags.passphrase;
    secrets.push(flags.passphrase);
  }
  // On a terminal, main asks for a missing passphrase instead (isKeyPassphraseNeeded).
  const isKeyPassphraseNeeded =
    tls.key !== undefined && tls.passphrase === undefined && isEncryptedKey(tls.key) && env.isStdinTty;
  if (tls.key && !isKeyPassphraseNeeded) checkKey(tls.key, tls.passphrase);
  if (flags.insecure) tls.rejectUnauthorized = false;
  if (flags.servername) tls.servername = flags.servername;
  if (Object.keys(tls).length > 0) connection.tls = tls;

  const proxy = resolveProxy(url, flags.proxy);
  if (proxy) {
    const password = new URL(proxy).password;
    if (password) secrets.push(decodeURIComponent(password));
    connection.proxyLabel = describeProxy(proxy);
  }
  if (connection.followRedirects) connection.onRedirect = guardRedirect;

  return {
    url,
    mode,
    connection,
    secretHeaders,
    secrets: secrets.filter((s) => s.length >= 3),
    proxy,
    delimiter: flags.null ? 'null' : 'newline',
    isBinaryInput: flags.binary === true,
    inputFormat: flags.inputFormat as Options['inputFormat'],
    binaryOut: flags.binaryOut as Options['binaryOut'],
    isJsonl: flags.jsonl === true,
    isQuiet: flags.quiet === true,
    isVerbose: flags.verbose === true,
    showPingPong: flags.showPingPong === true,
    showTimestamps: flags.timestamps === true,
    isPretty: flags.pretty === true,
    showHandshake: flags.showHandshake === true,
    isInsecure: flags.insecure === true,
    dropAfterMs: flags.dropAfter === undefined ? undefined : duration('--drop-after', flags.dropAfter),
    execute: flags.execute,
    expectations,
    resend: flags.resend === true,
    count: flags.count === undefined ? undefined : positiveInt('--count', flags.count),
    timeoutMs: flags.timeout === undefined ? undefined : duration('--timeout', flags.timeout),
    waitMs: flags.wait.trim().toLowerCase() === 'forever' ? Infinity : duration('--wait', flags.wait, true),
    isListenOnly: flags.input === false,
    isDemo,
    isKeyPassphraseNeeded,
  };
}
