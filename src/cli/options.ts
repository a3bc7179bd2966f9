// Flags → one validated Options object that every mode shares. Every mistake throws before a socket opens.

import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from '../core/connection.js';
import { WsxError } from '../core/errors.js';
import { normalizeUrl } from '../core/url.js';
import { parseExpectation } from '../match/expectations.js';
import type { Mode, Options } from '../options.js';
import { maskSecrets, maskUrl } from '../text/mask.js';
import {
  guardRedirect,
  keepMaskable,
  payloadSecrets,
  readCredentials,
  readFlagFile,
  readPayloadSources,
  type Credentials,
  type ReadFile,
} from './credentials.js';
import { durationFlag, usage } from './flag-values.js';
import { flagValue } from './flags.js';
import { chooseMode, ignoredFlagsWarning } from './mode.js';
import type { RawFlags } from './program.js';
import { buildProtoSettings, isProtoLogin, isSocketIoAuth, loginSecrets } from './proto-flags.js';
import { describeProxy, proxyAgentFactory, proxyPassword, resolveProxy } from './proxy.js';
import { readTls } from './tls.js';
import type { Profile } from '../config/config-file.js';
import type { IsGiven } from './profile-flags.js';

export type { Mode, Options } from '../options.js';

/** What buildOptions reads besides the flags; tests pass their own. */
export interface Environment {
  env: NodeJS.ProcessEnv;
  isStdinTty: boolean;
  isStdoutTty: boolean;
  readFile?: ReadFile;
  /** Reads all of stdin (--from-curl -). Default: fd 0. */
  readStdin?: () => string;
  /** Asks for the --key passphrase on the terminal, echo off. Default: prompt.ts. */
  askSecret?: (question: string) => Promise<string>;
}

/** A saved connection to run under the flags (wsx @NAME): `isGiven` tells typed flags from defaults. */
export interface ProfileInput {
  name: string;
  profile: Profile;
  isGiven: IsGiven;
}

/**
 * Validates `given` and builds the Options every mode runs from: asks for an encrypted --key's passphrase
 * on a terminal and sets up the proxy agent. A `profile` fills in every setting the flags leave out, before
 * anything is validated. Throws a WsxError ('invalid-option' or 'invalid-url').
 */
export async function buildOptions(
  urlArg: string | undefined,
  given: RawFlags,
  env: Environment,
  profile?: ProfileInput,
): Promise<Options> {
  let curlNote: string | undefined;
  if (given.fromCurl !== undefined) {
    const { applyCurl } = await import('./from-curl.js');
    const readStdin = env.readStdin ?? (() => readFileSync(0, 'utf8'));
    ({ urlArg, flags: given, note: curlNote } = applyCurl(urlArg, withRepeatables(given), readStdin));
  }
  // Loaded only with a profile: runs without one skip the config modules.
  const applied = profile
    ? (await import('./profile-flags.js')).applyProfile(
        profile.name,
        profile.profile,
        urlArg,
        withRepeatables(given),
        profile.isGiven,
        env,
      )
    : { urlArg, flags: given, secrets: [], secretHeaders: [] };
  const flags = readPayloadSources(withRepeatables(applied.flags), env.env, env.readFile);
  const target = readTarget(applied.urlArg, flags);
  // With --proto socketio, --auth '{…}' is the CONNECT payload, not HTTP Basic credentials.
  const credentialFlags =
    isSocketIoAuth(flags) || isProtoLogin(flags) ? { ...flags, auth: undefined } : flags;
  const credentials = readCredentials(target.url, credentialFlags, env.env, env.readFile);
  for (const name of applied.secretHeaders) credentials.secretHeaders.add(name);
  credentials.secrets.push(...applied.secrets);
  const expectations = flags.expectations.map((e) => parseExpectation(e.kind, e.text));
  const mode = chooseMode(flags, expectations.length > 0, env);
  const secrets = credentials.secrets;
  const tls = await readTls(flags, env, secrets);
  const proxy = resolveProxy(credentials.url, flags.proxy, env.env);
  const password = proxy && proxyPassword(proxy);
  if (password) secrets.push(password);
  const proto = buildProtoSettings(flags);
  // A Socket.IO auth payload and a graphql-ws init payload are credentials: masked like a bearer token.
  if (proto?.name === 'socketio' && proto.auth) secrets.push(...payloadSecrets(proto.auth));
  if ((proto?.name === 'graphql-ws' || proto?.name === 'phoenix') && proto.init)
    secrets.push(...payloadSecrets(proto.init));
  const hasCookies = flags.cookie.length > 0 || flags.cookieJar !== undefined;
  const onUpgrade = hasCookies ? await addCookies(flags, credentials) : undefined;
  if (proto?.name === 'stomp' || proto?.name === 'mqtt')
    secrets.push(...loginSecrets(proto), ...payloadSecrets(proto.init ?? {}));
  const connection = connectionOptions(flags, mode, credentials);
  if (onUpgrade) connection.onUpgrade = onUpgrade;
  if (tls) connection.tls = tls;
  if (proxy) {
    connection.proxyLabel = describeProxy(proxy);
    connection.agentFor = await proxyAgentFactory(proxy);
  }
  const contract = flags.asyncapi === undefined ? undefined : await readContract(flags, credentials.url, env);
  if (contract === undefined && (flags.channel !== undefined || flags.asyncapiReport !== undefined))
    throw usage(
      `${flags.channel !== undefined ? '--channel' : '--asyncapi-report'} goes with --asyncapi FILE`,
    );
  return {
    ...outputOptions(flags),
    ...(contract ? { contract } : {}),
    url: credentials.url,
    displayUrl: target.isDemo ? credentials.url : credentials.displayUrl,
    mode,
    connection,
    proto,
    secretHeaders: credentials.secretHeaders,
    secrets: keepMaskable(secrets),
    proxy,
    expectations,
    isDemo: target.isDemo,
    ...(profile ? { profile: profile.name } : {}),
    warnings: [curlNote, ignoredFlagsWarning(mode, flags)].filter((w) => w !== undefined),
  };
}

/**
 * --cookie and --cookie-jar: the Cookie header (after any -H Cookie), its values secret, and the jar
 * written back when the upgrade response sets cookies. cookies.js is a bundle of its own (scripts/build.mjs).
 */
async function addCookies(
  flags: RawFlags,
  credentials: Credentials,
): Promise<NonNullable<ConnectionOptions['onUpgrade']>> {
  const { setUpCookies } = await import('./cookies.js');
  const cookies = setUpCookies(
    credentials.url,
    { cookie: flags.cookie, ...(flags.cookieJar !== undefined ? { cookieJar: flags.cookieJar } : {}) },
    (message, hint) => usage(message, hint),
  );
  const headers = credentials.headers;
  const given = Object.keys(headers).find((name) => name.toLowerCase() === 'cookie');
  if (cookies.header !== undefined) {
    if (given) headers[given] = `${headers[given]}; ${cookies.header}`;
    else headers.Cookie = cookies.header;
  }
  credentials.secrets.push(...cookies.secrets);
  credentials.secretHeaders.add('cookie');
  credentials.secretHeaders.add('set-cookie');
  return (url, responseHeaders) => {
    const setCookie = responseHeaders['set-cookie'];
    if (!setCookie || setCookie.length === 0) return;
    try {
      cookies.saveResponse(url, setCookie);
    } catch (err) {
      // A jar that cannot be written loses the new cookies, not the connection.
      process.stderr.write(`wsx: --cookie-jar: cannot write ${flags.cookieJar}: ${(err as Error).message}\n`);
    }
  };
}

/**
 * --asyncapi: the document read and its channel picked now, so a bad one stops the run before any socket
 * opens. The contract code (ajv, yaml) is its own bundle, loaded only here: runs without it pay nothing.
 */
async function readContract(flags: RawFlags, url: string, env: Environment): Promise<Options['contract']> {
  const file = flags.asyncapi!;
  const text = readFlagFile(env.readFile, '--asyncapi', file).toString('utf8');
  const { loadContract } = await import('../contract/index.js');
  const loaded = loadContract({
    file,
    text,
    url,
    role: flags.asyncapiRole === 'client' ? 'client' : 'server',
    ...(flags.channel === undefined ? {} : { channel: flags.channel }),
    ...(flags.proto === undefined ? {} : { proto: flags.proto }),
  });
  if ('problem' in loaded) throw usage(loaded.problem);
  return {
    file,
    contract: loaded.contract,
    isStrict: flags.contract === 'strict',
    ...(flags.asyncapiReport === undefined ? {} : { reportFile: flags.asyncapiReport }),
  };
}

/** Repeatable flags are undefined when never given. */
function withRepeatables(given: RawFlags): RawFlags {
  return {
    ...given,
    header: given.header ?? [],
    subprotocol: given.subprotocol ?? [],
    execute: given.execute ?? [],
    maskParam: given.maskParam ?? [],
    cookie: given.cookie ?? [],
  };
}

/** The URL to connect to (--demo's is a placeholder until its server listens). */
function readTarget(urlArg: string | undefined, flags: RawFlags): { url: string; isDemo: boolean } {
  const isDemo = flags.demo === true;
  if (!isDemo && !urlArg) throw usage('missing URL', 'e.g. wsx ws://localhost:8080, or wsx --demo to try it');
  if (isDemo && urlArg) throw usage('--demo starts its own server: give no URL with it');
  if (isDemo) return { url: 'ws://127.0.0.1/', isDemo };
  try {
    return { url: normalizeUrl(urlArg!), isDemo };
  } catch (err) {
    // The error quotes what was typed: mask its credentials like every other output does.
    if (!(err instanceof WsxError)) throw err;
    const { secrets } = maskUrl(urlArg!, flags.maskParam);
    throw new WsxError(err.kind, maskSecrets(err.message, secrets), err.hint ? { hint: err.hint } : {});
  }
}

function connectionOptions(flags: RawFlags, mode: Mode, credentials: Credentials): ConnectionOptions {
  const pingIntervalMs = flagValue('pingInterval', flags.pingInterval);
  const pingTimeoutMs = flagValue('pingTimeout', flags.pingTimeout);
  return {
    url: credentials.url,
    displayUrl: credentials.displayUrl,
    protocols: flags.subprotocol,
    headers: credentials.headers,
    ...(flags.origin ? { origin: flags.origin } : {}),
    handshakeTimeoutMs: flagValue('connectTimeout', flags.connectTimeout),
    maxPayloadBytes: flagValue('maxMessageSize', flags.maxMessageSize),
    compress: flags.compress === true,
    followRedirects: flags.location === true,
    maxRedirects: flagValue('maxRedirects', flags.maxRedirects),
    ...(flags.location === true ? { onRedirect: guardRedirect } : {}),
    reconnect: {
      // On by default only where a person watches: the interactive session.
      enabled: flags.reconnect ?? mode === 'interactive',
      maxRetries: flags.maxRetries === undefined ? Infinity : flagValue('maxRetries', flags.maxRetries),
    },
    heartbeat:
      pingIntervalMs === 0
        ? false
        : {
            intervalMs: pingIntervalMs,
            timeoutMs: pingTimeoutMs,
            ...(flags.appPing !== undefined ? { appMessage: flags.appPing } : {}),
          },
    queue: { maxMessages: flagValue('queueLimit', flags.queueLimit) },
  };
}

/** What the modes print and how they read input: everything that is not the connection itself. */
function outputOptions(flags: RawFlags) {
  if (flags.inputFormat !== 'raw' && !flags.binary) throw usage('--input-format goes with --binary');
  const recordEnd = (flags.recordEnd ?? 'none') as Options['recordEnd'];
  if (recordEnd !== 'none' && flags.proto !== undefined && flags.proto !== 'raw')
    throw usage(`--record-end does not go with --proto ${flags.proto}: its lines are JSON`);
  return {
    delimiter: flags.null ? ('null' as const) : ('newline' as const),
    isBinaryInput: flags.binary === true,
    recordEnd,
    inputFormat: flags.inputFormat as Options['inputFormat'],
    binaryOut: flags.binaryOut as Options['binaryOut'],
    isJsonl: flags.jsonl === true,
    recordFile: flags.record,
    isQuiet: flags.quiet === true,
    isVerbose: flags.verbose === true,
    showPingPong: flags.showPingPong === true,
    showTimestamps: flags.timestamps === true,
    isPretty: flags.pretty === true,
    showHandshake: flags.showHandshake === true,
    isInsecure: flags.insecure === true,
    dropAfterMs: flags.dropAfter === undefined ? undefined : flagValue('dropAfter', flags.dropAfter),
    execute: flags.execute,
    resend: flags.resend === true,
    count: flags.count === undefined ? undefined : flagValue('count', flags.count),
    timeoutMs: flags.timeout === undefined ? undefined : flagValue('timeout', flags.timeout),
    // --wait forever: after the input, listen until the server closes, --count or --timeout.
    waitMs:
      flags.wait.trim().toLowerCase() === 'forever'
        ? Infinity
        : durationFlag('--wait', flags.wait, { allowZero: true }),
    isListenOnly: flags.input === false,
    isInline: flags.inline === true,
    scrollback: flags.scrollback === undefined ? undefined : flagValue('scrollback', flags.scrollback),
  };
}
