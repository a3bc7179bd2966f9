// Every flag of wsx, declared once: spelling, help line, value check, default, the modes that use it, the
// commands that share it and the profile key that saves it. The commander program, both profile mappings,
// the config file's profile check, the "ignored in this mode" warning and docs/flags.md all read this table.

import { connectionDefaults } from '../core/connection-options.js';
import { formatDuration } from '../text/duration.js';
import { bytesFlag, durationFlag, portFlag, positiveIntFlag } from './flag-values.js';

export type { Mode };

import type { Mode } from '../options.js';

/** How a flag's value is checked; a flag without one is a switch or takes free text. */
export type ValueKind = 'duration' | 'duration-or-zero' | 'size' | 'count' | 'port';

/**
 * How a profile holds a setting: text, a path (saved absolute, `~/` kept), a list of texts, a header map, an
 * env:/file: reference to a secret, true/false, a whole number above 0, a duration (with or without 0), a
 * size, or a proxy URL (false for --no-proxy).
 */
export type ProfileValue =
  | 'text'
  | 'path'
  | 'texts'
  | 'headers'
  | 'reference'
  | 'switch'
  | 'count'
  | 'duration'
  | 'duration-or-zero'
  | 'size'
  | 'proxy';

/** Where a profile keeps a flag's setting. `isCustom`: profile-flags.ts maps it by hand (several flags, one key). */
export interface ProfileKey {
  key: string;
  type: ProfileValue;
  section?: 'tls';
  isCustom?: boolean;
}

/** Subcommands that take a client flag as it is (the same commander Option). */
export type SharedWith = 'run' | 'load' | 'profiles add';

export interface FlagSpec {
  /** Commander's spelling: short and long names and the value name, e.g. '-H, --header <"Name: value">'. */
  flags: string;
  help: string;
  /** The --help heading it is listed under (the main program). */
  group?: string;
  value?: ValueKind;
  /** The value when the flag is not given, as a user would type it. */
  default?: string | readonly string[];
  choices?: readonly string[];
  isRepeatable?: boolean;
  /** --expect and --expect-json share one list, in the order typed. */
  expectation?: 'regex' | 'json';
  /** The modes it does something in; absent: every mode. A given flag the mode ignores is warned about. */
  modes?: readonly Mode[];
  sharedWith?: readonly SharedWith[];
  profile?: ProfileKey;
  isHidden?: boolean;
}

const d = connectionDefaults;

/** Bytes as a size flag is typed: 67108864 → "64M". */
export function sizeText(bytes: number): string {
  for (const [suffix, unit] of [
    ['G', 1024 ** 3],
    ['M', 1024 ** 2],
    ['k', 1024],
  ] as const)
    if (bytes % unit === 0) return `${bytes / unit}${suffix}`;
  return String(bytes);
}

const connection = 'Connection:';
const everywhere: readonly SharedWith[] = ['run', 'load', 'profiles add'];
const runAndProfiles: readonly SharedWith[] = ['run', 'profiles add'];
const lineModes: readonly Mode[] = ['pipe', 'script'];

/** The client's flags (wsx [options] <url>), in --help order; `as const` so the Profile type is read from it. */
const clientRows = [
  {
    flags: '--profile <name>',
    help: 'open a saved connection (same as @NAME; see wsx profiles); flags here override it',
    group: connection,
    sharedWith: ['run', 'load'],
  },
  {
    flags: '-H, --header <"Name: value">',
    help: 'add a request header (repeatable)',
    group: connection,
    isRepeatable: true,
    sharedWith: everywhere,
    profile: { key: 'headers', type: 'headers', isCustom: true },
  },
  {
    flags: '--from-curl <command>',
    help: "URL, headers, cookies and -u from a curl command (DevTools' Copy as cURL); - reads it from stdin",
    group: connection,
    sharedWith: ['run', 'load'],
  },
  {
    flags: '--header-file <file>',
    help: 'read headers from a file, one "Name: value" per line (keeps tokens out of argv)',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'headerFile', type: 'path' },
  },
  {
    flags: '--auth <user:pass>',
    help: 'HTTP Basic credentials; with --proto socketio, a JSON object is the auth payload; with --proto stomp or mqtt, the CONNECT login:passcode (masked in all output)',
    group: connection,
    sharedWith: everywhere,
  },
  {
    flags: '--auth-env <VAR>',
    help: "read --auth's value from environment variable VAR (keeps it out of argv)",
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'basic', type: 'reference', isCustom: true },
  },
  {
    flags: '--auth-file <file>',
    help: "read --auth's value from a file (a trailing newline is dropped)",
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'basic', type: 'reference', isCustom: true },
  },
  {
    flags: '--bearer-env <VAR>',
    help: 'send "Authorization: Bearer <value of VAR>"',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'bearer', type: 'reference', isCustom: true },
  },
  {
    flags: '-b, --cookie <name=value>',
    help: "send a cookie (repeatable, or 'a=1; b=2'; masked in all output)",
    group: connection,
    isRepeatable: true,
    sharedWith: ['run', 'load'],
  },
  {
    flags: '--cookie-jar <file>',
    help: 'cookies from a Netscape/curl cookie file, for this URL; cookies the server sets are written back',
    group: connection,
    sharedWith: ['run', 'load'],
  },
  {
    flags: '--mask-param <name>',
    help: 'also mask this URL query parameter in all output (repeatable; token, key, sig, ... always are)',
    group: connection,
    isRepeatable: true,
    sharedWith: everywhere,
    profile: { key: 'maskParams', type: 'texts', isCustom: true },
  },
  {
    flags: '-s, --subprotocol <name>',
    help: 'offer a subprotocol (repeatable); the chosen one is shown',
    group: connection,
    isRepeatable: true,
    sharedWith: everywhere,
    profile: { key: 'subprotocols', type: 'texts' },
  },
  {
    flags: '-o, --origin <origin>',
    help: 'set the Origin header',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'origin', type: 'text' },
  },
  {
    flags: '--connect-timeout <duration>',
    help: 'limit for the opening handshake',
    group: connection,
    value: 'duration',
    default: formatDuration(d.handshakeTimeoutMs),
    sharedWith: everywhere,
    profile: { key: 'connectTimeout', type: 'duration' },
  },
  {
    flags: '--ca <file>',
    help: 'trust the CA certificates in this PEM file (wss://)',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'ca', section: 'tls', type: 'path' },
  },
  {
    flags: '--cert <file>',
    help: 'client certificate, PEM (mutual TLS)',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'cert', section: 'tls', type: 'path' },
  },
  {
    flags: '--key <file>',
    help: 'client private key, PEM (mutual TLS)',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'key', section: 'tls', type: 'path' },
  },
  {
    flags: '--passphrase <text>',
    help: 'passphrase of an encrypted --key',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'passphrase', section: 'tls', type: 'reference' },
  },
  {
    flags: '-k, --insecure',
    help: 'do not verify the server certificate (prints a warning)',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'insecure', section: 'tls', type: 'switch' },
  },
  {
    flags: '--servername <name>',
    help: 'TLS server name (SNI) to send and verify',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'servername', section: 'tls', type: 'text' },
  },
  {
    flags: '--proxy <url>',
    help: 'HTTP proxy for the connection (CONNECT); default from HTTPS_PROXY/HTTP_PROXY',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'proxy', type: 'proxy' },
  },
  {
    flags: '--no-proxy',
    help: 'ignore HTTPS_PROXY/HTTP_PROXY',
    group: connection,
    sharedWith: everywhere,
  },
  {
    flags: '-L, --location',
    help: 'follow redirects on the upgrade request',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'followRedirects', type: 'switch' },
  },
  {
    flags: '--max-redirects <n>',
    help: 'most redirects to follow with -L',
    group: connection,
    value: 'count',
    default: String(d.maxRedirects),
    sharedWith: everywhere,
    profile: { key: 'maxRedirects', type: 'count' },
  },
  {
    flags: '--compress',
    help: 'offer permessage-deflate (off by default: it costs memory per connection and CPU per message)',
    group: connection,
    sharedWith: everywhere,
    profile: { key: 'compress', type: 'switch' },
  },
  {
    flags: '--max-message-size <bytes>',
    help: 'largest incoming message; larger ones close with 1009 (k, M, G suffixes)',
    group: connection,
    value: 'size',
    default: sizeText(d.maxPayloadBytes),
    sharedWith: everywhere,
    profile: { key: 'maxMessageSize', type: 'size' },
  },
  {
    flags: '--show-handshake',
    help: 'print the upgrade request and response headers to stderr (secrets masked)',
    group: connection,
    sharedWith: ['load'],
  },

  {
    flags: '--proto <name>',
    help: 'speak a protocol on top of WebSocket: socketio, jsonrpc, cdp (Chrome DevTools), graphql-ws, phoenix, signalr, actioncable, stomp, mqtt (default raw)',
    group: 'Protocols:',
    sharedWith: everywhere,
    profile: { key: 'proto', type: 'text' },
  },
  {
    flags: '--path <path>',
    help: 'Socket.IO endpoint path (default /socket.io/)',
    group: 'Protocols:',
    sharedWith: ['run', 'load'],
  },
  {
    flags: '--namespace <nsp>',
    help: 'Socket.IO namespace to join (default /, or the URL path)',
    group: 'Protocols:',
    sharedWith: ['run', 'load'],
  },
  {
    flags: '--init <json>',
    help: 'graphql-ws connection_init payload, params added to every Phoenix join, STOMP CONNECT headers or MQTT CONNECT fields: a JSON object (masked in all output)',
    group: 'Protocols:',
    sharedWith: everywhere,
  },
  {
    flags: '--init-env <VAR>',
    help: "read --init's value from environment variable VAR",
    group: 'Protocols:',
    sharedWith: everywhere,
    profile: { key: 'init', type: 'reference', isCustom: true },
  },
  {
    flags: '--init-file <file>',
    help: "read --init's value from a file",
    group: 'Protocols:',
    sharedWith: everywhere,
    profile: { key: 'init', type: 'reference', isCustom: true },
  },
  {
    flags: '--separator <sep>',
    help: 'raw mode: end each sent message with this record separator and split received text frames on it: rs (0x1E), nul, lf, crlf or an escape like \\x1e',
    group: 'Protocols:',
    sharedWith: runAndProfiles,
    profile: { key: 'separator', type: 'text' },
  },

  {
    flags: '--asyncapi <file>',
    help: 'check every message against this AsyncAPI 2.x/3.0 document (YAML or JSON)',
    group: 'Contracts:',
    sharedWith: everywhere,
    profile: { key: 'asyncapi', type: 'path' },
  },
  {
    flags: '--channel <name>',
    help: "the document's channel (key or address) instead of the URL's path",
    group: 'Contracts:',
    sharedWith: everywhere,
    profile: { key: 'channel', type: 'text' },
  },
  {
    flags: '--asyncapi-role <role>',
    help: 'whom the document describes: the server (default) or the client',
    group: 'Contracts:',
    choices: ['server', 'client'],
    default: 'server',
    sharedWith: everywhere,
    profile: { key: 'asyncapiRole', type: 'text' },
  },
  {
    flags: '--contract <mode>',
    help: 'a message that breaks the contract: warn (a stderr line) or strict (the run fails, exit 7)',
    group: 'Contracts:',
    choices: ['warn', 'strict'],
    default: 'warn',
    // The session marks each row; failing a run by its exit code is for the line modes and scenarios.
    modes: lineModes,
    sharedWith: runAndProfiles,
    profile: { key: 'contract', type: 'text' },
  },
  {
    flags: '--asyncapi-report <file>',
    help: 'write a JSON summary of the verdicts here when the run ends',
    group: 'Contracts:',
    // The session shows verdicts in its rows; the report file is the line modes' summary.
    modes: lineModes,
  },

  { flags: '--no-tui', help: 'line mode even on a terminal', group: 'Input/Output:' },
  {
    flags: '--no-input',
    help: 'do not read stdin: listen until the server closes, --count, --timeout or a signal',
    group: 'Input/Output:',
  },
  {
    flags: '-0, --null',
    help: 'split stdin on NUL bytes instead of newlines',
    group: 'Input/Output:',
    modes: ['pipe'],
  },
  {
    flags: '--binary',
    help: 'send each stdin record as a binary frame',
    group: 'Input/Output:',
    // The session sends typed lines as binary frames with it.
    modes: ['pipe', 'interactive'],
  },
  {
    flags: '--record-end <end>',
    help: 'bytes sent after each stdin record (for line-based backends): none, lf, crlf, nul',
    group: 'Input/Output:',
    choices: ['none', 'lf', 'crlf', 'nul'],
    default: 'none',
    modes: ['pipe'],
  },
  {
    flags: '--input-format <format>',
    help: 'decode each stdin record before sending',
    group: 'Input/Output:',
    choices: ['raw', 'base64', 'hex'],
    default: 'raw',
  },
  {
    flags: '--binary-out <format>',
    help: 'how received binary messages are written',
    group: 'Input/Output:',
    choices: ['base64', 'hex', 'raw'],
    default: 'base64',
    modes: lineModes,
  },
  {
    flags: '--jsonl',
    help: 'write one JSON object per event to stdout (recv, send, open, close, drop, ...)',
    group: 'Input/Output:',
    modes: lineModes,
  },
  {
    flags: '--record <file>',
    help: 'also write the session as a transcript for wsx serve --replay and wsx scenario',
    group: 'Input/Output:',
    // Every mode: the interactive session records what is typed and received too.
  },
  { flags: '-q, --quiet', help: 'print only errors on stderr', group: 'Input/Output:' },
  {
    flags: '--no-color',
    help: 'no colour (also NO_COLOR=1)',
    group: 'Input/Output:',
    sharedWith: ['run', 'load'],
  },
  {
    flags: '-v, --verbose',
    help: 'more detail on stderr, with stack traces on failure',
    group: 'Input/Output:',
  },
  {
    flags: '-P, --show-ping-pong',
    help: 'show pings and pongs in the interactive session (--jsonl always has them)',
    group: 'Input/Output:',
    // Line modes report pings and pongs only as --jsonl events, and those come with or without -P.
    modes: ['interactive'],
  },
  {
    flags: '--pretty',
    help: 'pretty-print JSON messages in the interactive session',
    group: 'Input/Output:',
    modes: ['interactive'],
  },
  {
    flags: '--timestamps',
    help: 'show a time on each message in the interactive session',
    group: 'Input/Output:',
    modes: ['interactive'],
  },
  {
    flags: '--inline',
    help: 'interactive session: print the log into the scrollback instead of full screen',
    group: 'Input/Output:',
    modes: ['interactive'],
  },
  {
    flags: '--scrollback <n>',
    help: 'interactive session: log entries kept on screen (default 10000, 64 MiB at most)',
    group: 'Input/Output:',
    value: 'count',
    modes: ['interactive'],
  },

  {
    flags: '--reconnect',
    help: 'reconnect when the connection drops (default in the interactive session)',
    group: 'Reliability:',
    sharedWith: runAndProfiles,
    profile: { key: 'reconnect', type: 'switch' },
  },
  { flags: '--no-reconnect', help: 'never reconnect', group: 'Reliability:', sharedWith: runAndProfiles },
  {
    flags: '--max-retries <n>',
    help: 'give up after this many reconnect attempts in a row',
    group: 'Reliability:',
    value: 'count',
    sharedWith: runAndProfiles,
    profile: { key: 'maxRetries', type: 'count' },
  },
  {
    flags: '--ping-interval <duration>',
    help: 'send a protocol ping this often; 0 turns the heartbeat off',
    group: 'Reliability:',
    value: 'duration-or-zero',
    default: formatDuration(d.heartbeat.intervalMs),
    sharedWith: runAndProfiles,
    profile: { key: 'pingInterval', type: 'duration-or-zero' },
  },
  {
    flags: '--ping-timeout <duration>',
    help: 'a ping unanswered for this long means the server is dead',
    group: 'Reliability:',
    value: 'duration',
    default: formatDuration(d.heartbeat.timeoutMs),
    sharedWith: runAndProfiles,
    profile: { key: 'pingTimeout', type: 'duration' },
  },
  {
    flags: '--app-ping <message>',
    help: 'also send this message every ping interval (for servers that need one)',
    group: 'Reliability:',
    sharedWith: runAndProfiles,
    profile: { key: 'appPing', type: 'text' },
  },
  {
    flags: '--drop-after <duration>',
    // 30s is modes/interactive.ts's defaultTypedDeadlineMs (test/cli/program.test.ts keeps them equal).
    help:
      'drop a message not sent within this time ' +
      '(default: 30s in the interactive session; never in pipe and script runs)',
    group: 'Reliability:',
    value: 'duration',
  },
  {
    flags: '--queue-limit <n>',
    help: 'messages queued before input is paused',
    group: 'Reliability:',
    value: 'count',
    default: String(d.queue.maxMessages),
    sharedWith: ['run'],
  },

  {
    flags: '-x, --execute <message>',
    help: 'send this message once connected (repeatable, in order)',
    group: 'Scripting:',
    isRepeatable: true,
  },
  {
    flags: '--expect <regex>',
    help: 'wait for a text message matching this (repeatable, matched in order)',
    group: 'Scripting:',
    expectation: 'regex',
  },
  {
    flags: '--expect-json <path=value>',
    help: 'wait for a JSON message with this field, e.g. type=pong, data.items[0].id=7',
    group: 'Scripting:',
    expectation: 'json',
  },
  {
    flags: '--count <n>',
    help: 'exit after receiving this many messages',
    group: 'Scripting:',
    value: 'count',
    modes: lineModes,
  },
  {
    flags: '--timeout <duration>',
    help: 'limit for the whole run (exit code 4 when reached)',
    group: 'Scripting:',
    value: 'duration',
    modes: lineModes,
  },
  {
    flags: '--wait <duration>',
    help: 'after input ends, wait this long without messages before closing ("forever": until the server closes)',
    group: 'Scripting:',
    default: '1s',
    modes: lineModes,
  },
  {
    flags: '--resend',
    help: 'send the -x messages again after each reconnect',
    group: 'Scripting:',
    modes: ['script'],
  },
  { flags: '--demo', help: 'start a built-in echo server and connect to it', group: 'Scripting:' },
] as const satisfies readonly FlagSpec[];

/** The client's flags (wsx [options] <url>), in --help order. */
export const clientFlags: readonly FlagSpec[] = clientRows;

/** The long name without dashes or `no-`: "--no-proxy" → "proxy". */
export function longName(spec: Pick<FlagSpec, 'flags'>): string {
  const long = /--([\w-]+)/.exec(spec.flags)?.[1] ?? '';
  return long.replace(/^no-/, '');
}

/** The key commander stores the value under (its attributeName): "--max-message-size" → "maxMessageSize". */
export function attributeName(spec: Pick<FlagSpec, 'flags'>): string {
  return longName(spec).replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
}

/** "--ping-timeout" for messages, from the spelling. */
export function flagName(spec: Pick<FlagSpec, 'flags'>): string {
  return /--[\w-]+/.exec(spec.flags)?.[0] ?? spec.flags;
}

/** The flag's value checked as its kind says; throws the usage error naming the flag. */
export function checkValue(spec: FlagSpec, text: string): number | string {
  const name = flagName(spec);
  switch (spec.value) {
    case 'duration':
      return durationFlag(name, text);
    case 'duration-or-zero':
      return durationFlag(name, text, { allowZero: true });
    case 'size':
      return bytesFlag(name, text);
    case 'count':
      return positiveIntFlag(name, text);
    case 'port':
      return portFlag(name, text);
    case undefined:
      return text;
  }
}

/** The client flag whose value commander stores under `attribute` (the first of a --x/--no-x pair). */
export function clientFlag(attribute: string): FlagSpec {
  const spec = clientFlags.find((s) => attributeName(s) === attribute);
  if (!spec) throw new Error(`no client flag stores "${attribute}"`);
  return spec;
}

/** The value of client flag `attribute` checked by its kind, e.g. `flagValue('pingTimeout', '10s')` → 10000. */
export function flagValue(attribute: string, text: string): number {
  const spec = clientFlag(attribute);
  if (spec.value === undefined) throw new Error(`${flagName(spec)} takes text, not a number`);
  return checkValue(spec, text) as number;
}

type Spec = (typeof clientRows)[number];
type WithProfile = Extract<Spec, { profile: ProfileKey }>;
type ValueOf<T extends ProfileValue> = T extends 'switch'
  ? boolean
  : T extends 'count'
    ? number
    : T extends 'texts'
      ? string[]
      : T extends 'headers'
        ? Record<string, string>
        : T extends 'proxy'
          ? string | false
          : string;
type Fields<S extends WithProfile> = { [P in S as P['profile']['key']]?: ValueOf<P['profile']['type']> };

/** The settings of a profile that flags give, typed from the table (config-file.ts adds url, vars, messages). */
export type ProfileFlagFields = Fields<Exclude<WithProfile, { profile: { section: 'tls' } }>> & {
  tls?: Fields<Extract<WithProfile, { profile: { section: 'tls' } }>>;
};

type Camel<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<Camel<Tail>>}`
  : S;
type LongName<F extends string> = F extends `${string}--${infer Rest}`
  ? Rest extends `${infer Name} ${string}`
    ? Name
    : Rest
  : never;
type Attribute<F extends string> = Camel<LongName<F> extends `no-${infer Name}` ? Name : LongName<F>>;
/** A --no-x row stores false next to its --x row; repeatable values are lists; a <value> is text. */
type RowValue<R extends Spec> = R extends { isRepeatable: true }
  ? string[]
  : R['flags'] extends `--no-${string}`
    ? false
    : R['flags'] extends `${string}<${string}`
      ? string
      : boolean;
/** Commander always fills these in: a default, or a list the program starts empty. */
type Filled<R extends Spec> = R extends { default: string } | { isRepeatable: true } ? R : never;

/**
 * The client's flag values as commander hands them over, typed from the table: a row with a default or a
 * repeatable one is always there, the others only when typed. program.ts's RawFlags adds the few a row
 * cannot say (--no-tui alone, the expectations list).
 */
export type TableFlags = { [R in Filled<Spec> as Attribute<R['flags']>]: RowValue<R> } & {
  [R in Exclude<Spec, Filled<Spec>> as Attribute<R['flags']>]?: RowValue<R>;
};
