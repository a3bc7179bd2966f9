// The commander program: flags, their groups in --help, and the examples. Parsing only; options.ts validates.

import { Command, Option } from 'commander';

/** Flag values exactly as commander hands them over, before validation. */
export interface RawFlags {
  /** A saved connection to open (also `wsx @NAME`); see config/ and profiles-command.ts. */
  profile?: string;
  header: string[];
  headerFile?: string;
  cookie: string[];
  cookieJar?: string;
  /** A curl command line (DevTools' Copy as cURL), or - to read it from stdin. */
  fromCurl?: string;
  auth?: string;
  authEnv?: string;
  authFile?: string;
  bearerEnv?: string;
  /** Extra query parameter names whose values are masked in every output. */
  maskParam: string[];
  subprotocol: string[];
  origin?: string;
  connectTimeout: string;
  ca?: string;
  cert?: string;
  key?: string;
  passphrase?: string;
  insecure?: boolean;
  servername?: string;
  proxy?: string | false;
  location?: boolean;
  maxRedirects: string;
  compress?: boolean;
  maxMessageSize: string;
  showHandshake?: boolean;
  tui: boolean;
  /** false with --no-input: stdin is not read. */
  input?: boolean;
  null?: boolean;
  binary?: boolean;
  /** --record-end: undefined where the command has no such option (wsx run). */
  recordEnd?: string;
  record?: string;
  inputFormat: string;
  binaryOut: string;
  jsonl?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  showPingPong?: boolean;
  timestamps?: boolean;
  pretty?: boolean;
  reconnect?: boolean;
  maxRetries?: string;
  pingInterval: string;
  pingTimeout: string;
  appPing?: string;
  dropAfter?: string;
  queueLimit: string;
  execute: string[];
  resend?: boolean;
  count?: string;
  timeout?: string;
  wait: string;
  demo?: boolean;
  inline?: boolean;
  scrollback?: string;
  proto?: string;
  path?: string;
  namespace?: string;
  init?: string;
  initEnv?: string;
  initFile?: string;
  /** --separator: raw mode's record separator (rs, nul, lf, crlf or an escape such as \x1e). */
  separator?: string;
  /** --asyncapi FILE and its companions: every message is checked against the document (src/contract). */
  asyncapi?: string;
  channel?: string;
  asyncapiRole?: string;
  asyncapiReport?: string;
  /** --expect and --expect-json in the order given: they are matched in that order. */
  expectations: { kind: 'regex' | 'json'; text: string }[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

const examples = `
Examples:
  wsx ws://localhost:8080/chat                       interactive session (in a terminal)
  wsx --demo                                         try it against a built-in echo server
  seq 1 1000 | wsx ws://localhost:8080 > replies.txt pipe: stdin lines out, replies to stdout
  wsx wss://api.example.com --bearer-env API_TOKEN -x '{"op":"ping"}' --expect pong --timeout 5s
  wsx serve --port 0 --mode echo                     a local server; prints "listening ws://…"
  wsx profiles add prod wss://api.example.com --bearer-env API_TOKEN; wsx @prod   a saved connection
  wsx run login.wsx --junit report.xml               run a scenario file (README: Scenarios)
  wsx ws://localhost:8080 --record s.jsonl < in.txt; wsx serve --replay s.jsonl; wsx scenario s.jsonl > s.wsx
  wsx load ws://localhost:8080 -c 100 --rate 1000 -d 30s   load: 100 connections, round trips (docs/load.md)
  echo Target.getTargets | wsx --proto cdp ws://127.0.0.1:9222/devtools/browser/ID   Chrome DevTools

Durations take ms, s, m or h (500ms, 5s, 2m); a bare number means seconds.
Exit codes: 0 ok, 1 local error (stdin, stdout), 2 usage, 3 could not connect, 4 timeout,
expectation not met or a --proto error answer, 5 connection ended abnormally or messages undelivered,
6 a load threshold failed, 7 a message broke the --asyncapi contract, 130/143 interrupted.
NO_COLOR turns colour off.`;

/** Builds the program: flags, help and examples. main.ts adds the action and the serve subcommand. */
export function buildProgram(version: string): Command {
  const expectations: RawFlags['expectations'] = [];
  const program = new Command('wsx')
    .description(
      'A WebSocket client for the terminal: an interactive session, lossless pipes, and CI smoke tests.',
    )
    .usage(
      '[options] <url>\n       wsx [options] @PROFILE\n       wsx serve [options]\n       wsx profiles [add|rm]\n       wsx run [options] <file...>\n       wsx load [options] <url>\n       wsx scenario <file>',
    )
    .argument(
      '[url]',
      'ws://, wss://, http(s):// (mapped to ws), host:port/path (ws:// assumed), ws+unix://, or @NAME (a profile)',
    )
    .version(version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    // Without it `wsx help` would connect to ws://help/.
    .helpCommand('help [command]', 'show this help, or the help of a command (wsx help serve)')
    .showSuggestionAfterError(true)
    // `wsx serve --jsonl` must reach serve's own flags, not the client's flags of the same name.
    .enablePositionalOptions()
    .addHelpText('after', examples);

  program.optionsGroup('Connection:');
  program
    .option(
      '--profile <name>',
      'open a saved connection (same as @NAME; see wsx profiles); flags here override it',
    )
    .option('-H, --header <"Name: value">', 'add a request header (repeatable)', collect)
    .option(
      '--from-curl <command>',
      "URL, headers, cookies and -u from a curl command (DevTools' Copy as cURL); - reads it from stdin",
    )
    .option(
      '--header-file <file>',
      'read headers from a file, one "Name: value" per line (keeps tokens out of argv)',
    )
    .option(
      '--auth <user:pass>',
      'HTTP Basic credentials; with --proto socketio, a JSON object is the auth payload; with --proto stomp or mqtt, the CONNECT login:passcode (masked in all output)',
    )
    .option('--auth-env <VAR>', "read --auth's value from environment variable VAR (keeps it out of argv)")
    .option('--auth-file <file>', "read --auth's value from a file (a trailing newline is dropped)")
    .option('--bearer-env <VAR>', 'send "Authorization: Bearer <value of VAR>"')
    .option(
      '-b, --cookie <name=value>',
      "send a cookie (repeatable, or 'a=1; b=2'; masked in all output)",
      collect,
    )
    .option(
      '--cookie-jar <file>',
      'cookies from a Netscape/curl cookie file, for this URL; cookies the server sets are written back',
    )
    .option(
      '--mask-param <name>',
      'also mask this URL query parameter in all output (repeatable; token, key, sig, ... always are)',
      collect,
    )
    .option('-s, --subprotocol <name>', 'offer a subprotocol (repeatable); the chosen one is shown', collect)
    .option('-o, --origin <origin>', 'set the Origin header')
    .option('--connect-timeout <duration>', 'limit for the opening handshake', '10s')
    .option('--ca <file>', 'trust the CA certificates in this PEM file (wss://)')
    .option('--cert <file>', 'client certificate, PEM (mutual TLS)')
    .option('--key <file>', 'client private key, PEM (mutual TLS)')
    .option('--passphrase <text>', 'passphrase of an encrypted --key')
    .option('-k, --insecure', 'do not verify the server certificate (prints a warning)')
    .option('--servername <name>', 'TLS server name (SNI) to send and verify')
    .option('--proxy <url>', 'HTTP proxy for the connection (CONNECT); default from HTTPS_PROXY/HTTP_PROXY')
    .option('--no-proxy', 'ignore HTTPS_PROXY/HTTP_PROXY')
    .option('-L, --location', 'follow redirects on the upgrade request')
    .option('--max-redirects <n>', 'most redirects to follow with -L', '10')
    .option(
      '--compress',
      'offer permessage-deflate (off by default: it costs memory per connection and CPU per message)',
    )
    .option(
      '--max-message-size <bytes>',
      'largest incoming message; larger ones close with 1009 (k, M, G suffixes)',
      '64M',
    )
    .option('--show-handshake', 'print the upgrade request and response headers to stderr (secrets masked)');

  program.optionsGroup('Protocols:');
  program
    .option(
      '--proto <name>',
      'speak a protocol on top of WebSocket: socketio, jsonrpc, cdp (Chrome DevTools), graphql-ws, phoenix, signalr, actioncable, stomp, mqtt (default raw)',
    )
    .option('--path <path>', 'Socket.IO endpoint path (default /socket.io/)')
    .option('--namespace <nsp>', 'Socket.IO namespace to join (default /, or the URL path)')
    .option(
      '--init <json>',
      'graphql-ws connection_init payload, params added to every Phoenix join, STOMP CONNECT headers or MQTT CONNECT fields: a JSON object (masked in all output)',
    )
    .option('--init-env <VAR>', "read --init's value from environment variable VAR")
    .option('--init-file <file>', "read --init's value from a file")
    .option(
      '--separator <sep>',
      'raw mode: end each sent message with this record separator and split received text frames on it: rs (0x1E), nul, lf, crlf or an escape like \\x1e',
    );

  program.optionsGroup('Contracts:');
  program
    .option('--asyncapi <file>', 'check every message against this AsyncAPI 2.x/3.0 document (YAML or JSON)')
    .option('--channel <name>', "the document's channel (key or address) instead of the URL's path")
    .addOption(
      new Option('--asyncapi-role <role>', 'whom the document describes: the server (default) or the client')
        .choices(['server', 'client'])
        .default('server'),
    )
    .option('--asyncapi-report <file>', 'write a JSON summary of the verdicts here when the run ends');

  program.optionsGroup('Input/Output:');
  program
    .option('--no-tui', 'line mode even on a terminal')
    .option('--no-input', 'do not read stdin: listen until the server closes, --count, --timeout or a signal')
    .option('-0, --null', 'split stdin on NUL bytes instead of newlines')
    .option('--binary', 'send each stdin record as a binary frame')
    .addOption(
      new Option(
        '--record-end <end>',
        'bytes sent after each stdin record (for line-based backends): none, lf, crlf, nul',
      )
        .choices(['none', 'lf', 'crlf', 'nul'])
        .default('none'),
    )
    .addOption(
      new Option('--input-format <format>', 'decode each stdin record before sending')
        .choices(['raw', 'base64', 'hex'])
        .default('raw'),
    )
    .addOption(
      new Option('--binary-out <format>', 'how received binary messages are written')
        .choices(['base64', 'hex', 'raw'])
        .default('base64'),
    )
    .option('--jsonl', 'write one JSON object per event to stdout (recv, send, open, close, drop, ...)')
    .option(
      '--record <file>',
      'also write the session as a transcript for wsx serve --replay and wsx scenario',
    )
    .option('-q, --quiet', 'print only errors on stderr')
    .option('--no-color', 'no colour (also NO_COLOR=1)')
    .option('-v, --verbose', 'more detail on stderr, with stack traces on failure')
    .option(
      '-P, --show-ping-pong',
      'show pings and pongs in the interactive session (--jsonl always has them)',
    )
    .option('--timestamps', 'show a time on each message in the interactive session')
    .option('--pretty', 'pretty-print JSON messages in the interactive session')
    .option('--inline', 'interactive session: print the log into the scrollback instead of full screen')
    .option(
      '--scrollback <n>',
      'interactive session: log entries kept on screen (default 10000, 64 MiB at most)',
    );

  program.optionsGroup('Reliability:');
  program
    .option('--reconnect', 'reconnect when the connection drops (default in the interactive session)')
    .option('--no-reconnect', 'never reconnect')
    .option('--max-retries <n>', 'give up after this many reconnect attempts in a row')
    .option('--ping-interval <duration>', 'send a protocol ping this often; 0 turns the heartbeat off', '30s')
    .option('--ping-timeout <duration>', 'a ping unanswered for this long means the server is dead', '10s')
    .option('--app-ping <message>', 'also send this message every ping interval (for servers that need one)')
    .option(
      '--drop-after <duration>',
      // 30s is modes/interactive.ts's defaultTypedDeadlineMs (test/cli/program.test.ts keeps them equal).
      'drop a message not sent within this time ' +
        '(default: 30s in the interactive session; never in pipe and script runs)',
    )
    .option('--queue-limit <n>', 'messages queued before input is paused', '10000');

  program.optionsGroup('Scripting:');
  program
    .option('-x, --execute <message>', 'send this message once connected (repeatable, in order)', collect)
    .option(
      '--expect <regex>',
      'wait for a text message matching this (repeatable, matched in order)',
      (v: string) => {
        expectations.push({ kind: 'regex', text: v });
        return v;
      },
    )
    .option(
      '--expect-json <path=value>',
      'wait for a JSON message with this field, e.g. type=pong, data.items[0].id=7',
      (v: string) => {
        expectations.push({ kind: 'json', text: v });
        return v;
      },
    )
    .option('--count <n>', 'exit after receiving this many messages')
    .option('--timeout <duration>', 'limit for the whole run (exit code 4 when reached)')
    .option(
      '--wait <duration>',
      'after input ends, wait this long without messages before closing ("forever": until the server closes)',
      '1s',
    )
    .option('--resend', 'send the -x messages again after each reconnect')
    .option('--demo', 'start a built-in echo server and connect to it');

  program.optionsGroup('');
  program.setOptionValue('expectations', expectations);
  return program;
}
