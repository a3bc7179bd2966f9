// The subcommands' own flags, one table per command, in --help order (the client's flags they share are
// marked `sharedWith` in flags.ts). Each command's module adds these with toOption (program.ts).

import { defaultMessage } from '../load/message.js';
import type { FlagSpec } from './flags.js';

/** The subcommands that have flags of their own. */
export type CommandName =
  'run' | 'load' | 'load merge' | 'serve' | 'scenario' | 'profiles add' | 'completion';

const run: readonly FlagSpec[] = [
  { flags: '--url <url>', help: "connect here (supplies or overrides the file's connect line)" },
  {
    flags: '--var <NAME=VALUE>',
    help: 'a variable for {{NAME}} in send steps (repeatable)',
    isRepeatable: true,
  },
  {
    flags: '--step-timeout <duration>',
    help: 'limit for a step without "within"',
    value: 'duration',
    default: '10s',
  },
  { flags: '--junit <file>', help: 'write a JUnit XML report (one testcase per file)' },
  { flags: '--jsonl', help: 'write one JSON object per step to stdout instead of the human view' },
  {
    flags: '--record <file>',
    help: 'also write every connection as a transcript (wsx serve --replay, wsx scenario)',
  },
];

const load: readonly FlagSpec[] = [
  { flags: '-c, --connections <n>', help: 'connections to hold open', value: 'count', default: '1' },
  { flags: '--connect-rate <n/s>', help: 'new connections a second (default: as fast as possible)' },
  {
    flags: '-d, --duration <duration>',
    help: 'how long to run (default 10s, or the stages)',
    value: 'duration',
  },
  { flags: '--stages <list>', help: 'connections over time, e.g. 30s:1000,2m:1000,30s:0 (ramps like k6)' },
  {
    flags: '--message <text|@file>',
    help: `what each connection sends; {{conn}} {{seq}} {{uuid}} {{now}} (default "${defaultMessage}")`,
  },
  {
    flags: '--rate <n/s>',
    help: 'messages a second over all connections (open model: sends keep their schedule)',
  },
  { flags: '--rate-per-conn <n/s>', help: 'messages a second per open connection' },
  {
    flags: '--correlate <how>',
    help: 'pair replies with sends: echo (default), json PATH (a shared field), none',
  },
  {
    flags: '--fanout',
    help: 'the server sends each message to every other connection (a broadcast room): report reach and its latency',
  },
  {
    flags: '--threshold <rule>',
    help: "pass/fail rule, e.g. 'rtt p99 < 50ms', 'errors < 0.1%' (repeatable; exit 6)",
    isRepeatable: true,
  },
  { flags: '--summary-json <file>', help: 'write the summary as JSON ("-": stdout)' },
  { flags: '--hdr-log <file>', help: 'write HdrHistogram interval logs of rtt and connect times (µs)' },
  { flags: '--junit <file>', help: 'write a JUnit XML report, one testcase per threshold' },
  {
    flags: '--source-ip <range>',
    help: 'connect from these local addresses, e.g. 127.0.0.2-127.0.0.20 (more than 28k connections)',
  },
  {
    flags: '--shard <i/n>',
    help: 'run shard i (0-based) of n: its slice of the connections and the rate',
  },
  {
    flags: '--start-at <time>',
    help: 'wait until this time (ISO 8601 or Unix seconds) so shards start together',
  },
  {
    flags: '--late-after <duration>',
    help: 'a send that leaves this long after its scheduled time counts as late',
    value: 'duration',
    default: '10ms',
  },
  {
    flags: '--iterations <n>',
    help: 'with a scenario file: runs of it per connection (default: again and again for -d)',
    value: 'count',
  },
  {
    flags: '--var <NAME=VALUE>',
    help: 'with a scenario file: a variable for {{NAME}} (repeatable)',
    isRepeatable: true,
  },
  {
    flags: '--drain <duration>',
    help: 'after the last send, wait this long for the replies still due',
    value: 'duration-or-zero',
    default: '2s',
  },
  // One thread by default: a small run is faster, leaner and sends fewer late on one (docs/load.md).
  {
    flags: '--workers <k>',
    help: 'worker threads to spread the connections over, histograms merged exactly',
    value: 'count',
    default: '1',
  },
  { flags: '-q, --quiet', help: 'no progress and no table on stderr, only errors' },
];

const loadMerge: readonly FlagSpec[] = [
  { flags: '--summary-json <file>', help: 'write the merged summary as JSON ("-": stdout)' },
  { flags: '--junit <file>', help: 'write a JUnit XML report, one testcase per threshold' },
  { flags: '-q, --quiet', help: 'no table on stderr, only errors' },
];

// The defaults are the server's own (server/server.ts defaultServerOptions); test/cli/flags.test.ts keeps
// them equal without loading the server into every run's start-up.
const serve: readonly FlagSpec[] = [
  { flags: '-p, --port <n>', help: 'port to listen on; 0 picks a free one', value: 'port', default: '8080' },
  {
    flags: '--host <address>',
    help: 'address to listen on (0.0.0.0 exposes it to the network)',
    default: '127.0.0.1',
  },
  {
    flags: '-m, --mode <mode>',
    help: 'echo: reply to the sender; broadcast: send to every other client; sink: count only',
    choices: ['echo', 'broadcast', 'sink'],
    default: 'echo',
  },
  { flags: '--max-clients <n>', help: 'refuse connections beyond this many with HTTP 503', value: 'count' },
  {
    flags: '--max-payload <bytes>',
    help: 'close clients that send a larger message with 1009',
    value: 'size',
    default: '16M',
  },
  {
    flags: '--max-buffered <bytes>',
    help: 'a client with more than this waiting holds back its senders (echo: itself; see --lag-timeout)',
    value: 'size',
    default: '4M',
  },
  {
    flags: '--lag-timeout <duration>',
    help: 'close a client that stays over --max-buffered this long with 1008 "too slow"',
    value: 'duration',
    default: '2s',
  },
  {
    flags: '--close-timeout <duration>',
    help: 'on shutdown, cut off a client that has not answered the close frame after this long',
    value: 'duration',
    default: '2s',
  },
  {
    flags: '--ping-interval <duration>',
    help: 'ping each client this often',
    value: 'duration',
    default: '10s',
  },
  {
    flags: '--ping-timeout <duration>',
    help: 'drop a client silent this long after a ping',
    value: 'duration',
    default: '5s',
  },
  {
    flags: '--replay <file>',
    help: 'play a recording (wsx transcript or HAR) to each client instead of --mode',
  },
  {
    flags: '--session <index|url-part>',
    help: 'with --replay: the session to play when the file holds several',
  },
  {
    flags: '--match <rule>',
    help: "with --replay: compare only this field of client messages, 'json PATH' (repeatable)",
    isRepeatable: true,
    default: [],
  },
  {
    flags: '--speed <n>',
    help: 'with --replay: recorded gaps divided by this (0 no delay, 1 as recorded, 10x)',
    default: '1',
  },
  {
    flags: '--on-mismatch <what>',
    help: 'with --replay, a client message that differs from the recording: skip it, hold the walk, or close',
    choices: ['skip', 'hold', 'close'],
    default: 'skip',
  },
  {
    flags: '--asyncapi <file>',
    help: "be the server an AsyncAPI document describes: answer each valid message with its reply's example, close on an invalid one with 1008",
  },
  {
    flags: '--asyncapi-role <role>',
    help: 'with --asyncapi: whom the document describes, server (default) or client',
    choices: ['server', 'client'],
  },
  {
    flags: '--push-interval <duration>',
    help: "with --asyncapi: send the examples of the server's own messages this often (0: never)",
    default: '1s',
  },
  { flags: '--jsonl', help: 'write one JSON event per connection, message and disconnect to stdout' },
  { flags: '-q, --quiet', help: 'do not log connections on stderr' },
];

const scenario: readonly FlagSpec[] = [
  {
    flags: '--session <index|url-part>',
    help: 'the session to convert when the file holds several',
  },
  { flags: '--channel <name>', help: "an AsyncAPI document's channel, when it has several" },
  {
    flags: '--asyncapi-role <role>',
    help: 'whom the AsyncAPI document describes: the server (default) or the client',
    choices: ['server', 'client'],
  },
];

const profilesAdd: readonly FlagSpec[] = [
  { flags: '-f, --force', help: 'replace a profile of the same name' },
  {
    flags: '--from-curl <command>',
    help: 'take URL, headers, cookies and -u from a curl command (- reads stdin); its secrets become env: references',
  },
];

const completion: readonly FlagSpec[] = [
  // What the completion scripts call to complete @NAME; not for people.
  { flags: '--list-profiles', help: 'print profile names, one a line', isHidden: true },
];

/** Each subcommand's own flags. */
export const commandFlags: Readonly<Record<CommandName, readonly FlagSpec[]>> = {
  run,
  load,
  'load merge': loadMerge,
  serve,
  scenario,
  'profiles add': profilesAdd,
  completion,
};
