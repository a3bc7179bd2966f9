// `wsx load URL` and `wsx load merge FILE…`: flags for many connections, validated before any socket opens.

import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { describeIoError } from '../text/io-error.js';
import type { Command } from 'commander';
import { wsClientOptions } from '../core/connection-options.js';
import { parsePath } from '../match/matcher.js';
import { compileMessage, defaultMessage } from '../load/message.js';
import type { Correlation, LoadHooks } from '../load/runner.js';
import type { ScenarioLoadPlan } from '../load/scenario-load.js';
import { parseStages, shardSlice, stagesDurationMs, type Stage } from '../load/stages.js';
import { parseThreshold, type Threshold } from '../load/thresholds.js';
import type { Outcome } from '../outcome.js';
import { durationFlag, positiveIntFlag, usage } from './flag-values.js';
import { peakConnections, planFromSettings, sliceOf, type LoadSettings } from './load-settings.js';
import { buildOptions } from './options.js';
import { commandFlags } from './command-flags.js';
import { sharedOptions, toOption, type RawFlags } from './program.js';
import { subcommandFlags } from './subcommand-flags.js';

export interface LoadFlags {
  connections: string;
  connectRate?: string;
  duration?: string;
  stages?: string;
  message?: string;
  rate?: string;
  ratePerConn?: string;
  correlate?: string;
  fanout?: boolean;
  threshold?: string[];
  summaryJson?: string;
  hdrLog?: string;
  junit?: string;
  sourceIp?: string;
  shard?: string;
  startAt?: string;
  lateAfter: string;
  drain: string;
  quiet?: boolean;
  workers?: string;
  iterations?: string;
  var?: string[];
}

/** "500", "500/s" → 500 a second, above 0. */
export function rateFlag(flag: string, text: string): number {
  const n = Number(text.trim().replace(/\/s$/, ''));
  if (!(Number.isFinite(n) && n > 0))
    throw usage(`${flag}: "${text}" is not a rate`, 'use e.g. 100 or 100/s');
  return n;
}

/** "0/4" → shard 0 of 4 (0-based, as Kubernetes' JOB_COMPLETION_INDEX). */
export function shardFlag(text: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || count < 1 || index >= count)
    throw usage(
      `--shard: "${text}" is not INDEX/COUNT with 0 <= INDEX < COUNT`,
      'e.g. --shard 0/4 ... --shard 3/4',
    );
  return { index, count };
}

/** "127.0.0.2-127.0.0.20" or "127.0.0.2,127.0.0.3": the local addresses to connect from. */
export function sourceIpsFlag(text: string): string[] {
  const ips: string[] = [];
  const toNumber = (ip: string) => {
    const parts = ip.trim().split('.').map(Number);
    if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255))
      throw usage(
        `--source-ip: "${ip.trim()}" is not an IPv4 address`,
        'e.g. --source-ip 127.0.0.2-127.0.0.20',
      );
    return ((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!;
  };
  const toIp = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  for (const part of text.split(',')) {
    const [from, to] = part.split('-');
    const first = toNumber(from!);
    const last = to === undefined ? first : toNumber(to);
    if (last < first || last - first > 65_535)
      throw usage(`--source-ip: "${part.trim()}" is not a range from low to high of at most 65536 addresses`);
    for (let n = first; n <= last; n++) ips.push(toIp(n));
  }
  return ips;
}

/** "2026-12-06T20:00:00Z" or Unix seconds → epoch ms. */
export function startAtFlag(text: string): number {
  const ms = /^\d+(\.\d+)?$/.test(text.trim()) ? Number(text) * 1000 : Date.parse(text);
  if (!Number.isFinite(ms))
    throw usage(`--start-at: "${text}" is not a time`, 'use ISO 8601 (2026-12-06T20:00:00Z) or Unix seconds');
  return ms;
}

function correlateFlag(text: string | undefined, hasMessage: boolean): Correlation {
  if (text === undefined) return hasMessage ? { by: 'echo' } : { by: 'none' };
  const trimmed = text.trim();
  if (trimmed === 'echo' || trimmed === 'none') return { by: trimmed };
  const match = /^json\s+(\S+)$/.exec(trimmed);
  if (match) {
    try {
      return { by: 'json', path: parsePath(match[1]!), label: match[1]! };
    } catch (err) {
      throw usage(`--correlate: ${(err as Error).message}`);
    }
  }
  throw usage(`--correlate: "${text}" is not echo, none or "json PATH"`, "e.g. --correlate 'json id'");
}

/** --message TEXT or @FILE (the file's whole text, one message). */
function messageFlag(text: string): string {
  if (!text.startsWith('@')) return text;
  const file = text.slice(1);
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw usage(`--message: ${describeIoError(err, file)}`);
  }
}

function thresholdsFlag(texts: string[]): Threshold[] {
  return texts.map((text) => {
    const t = parseThreshold(text);
    if (typeof t === 'string')
      throw usage(`--threshold '${text}': ${t}`, "e.g. 'rtt p99 < 50ms', 'errors < 0.1%'");
    return t;
  });
}

/** Flags that shape what a plain connection sends: a scenario file says that itself. */
const sendingFlags = ['message', 'rate', 'ratePerConn', 'correlate', 'fanout', 'stages'] as const;

/** `wsx load FILE.wsx`: each connection runs the scenario file. */
async function loadScenario(
  program: Command,
  file: string,
  flags: LoadFlags & Partial<RawFlags>,
): Promise<Outcome> {
  const given = sendingFlags.filter((name) => flags[name] !== undefined);
  if (given.length > 0)
    throw usage(
      `${given.map((n) => `--${n.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`).join(', ')} go with a URL, not a scenario file`,
      'the file says what each connection sends and expects',
    );
  const { parseVars } = await import('./run-command.js');
  const vars = parseVars(flags.var ?? []);
  const { readScenario, ScenarioSyntaxError } = await import('../scenario/parser.js');
  let scenario;
  try {
    scenario = readScenario(file, { vars: vars.keys(), env: process.env });
  } catch (err) {
    if (err instanceof ScenarioSyntaxError) return { ended: 'usage', message: err.message };
    throw err;
  }
  if (scenario.url === undefined)
    return { ended: 'usage', message: `${file}: no URL: add a "connect URL" line` };
  if (flags.workers !== undefined && positiveIntFlag('--workers', flags.workers) > 1)
    throw usage(
      '--workers goes with a URL: a scenario file runs on one thread',
      'for more cores, run shards with --shard i/n and add them up with wsx load merge',
    );
  const shard = flags.shard === undefined ? { index: 0, count: 1 } : shardFlag(flags.shard);
  const connections = positiveIntFlag('--connections', flags.connections);
  const raw = subcommandFlags(program, flags);
  const options = await buildOptions(
    scenario.url,
    { ...raw, ...(raw.proto === undefined && scenario.proto ? { proto: scenario.proto } : {}) },
    { env: process.env, isStdinTty: process.stdin.isTTY === true, isStdoutTty: false },
  );
  const iterations =
    flags.iterations === undefined ? undefined : positiveIntFlag('--iterations', flags.iterations);
  const plan: ScenarioLoadPlan = {
    scenario,
    settings: {
      connection: options.connection,
      ...(options.proto ? { proto: options.proto } : {}),
      vars,
      env: process.env,
      stepTimeoutMs: 10_000,
    },
    connections: shardSlice(connections, shard.index, shard.count),
    connectRatePerSec:
      flags.connectRate === undefined
        ? Infinity
        : rateFlag('--connect-rate', flags.connectRate) / shard.count,
    // --iterations bounds the run by count; without -d it lasts until every connection has done them.
    durationMs:
      flags.duration !== undefined
        ? durationFlag('--duration', flags.duration)
        : iterations !== undefined
          ? 2 ** 31 - 1
          : 10_000,
    ...(iterations !== undefined ? { iterations } : {}),
  };
  const { runLoad } = await import('../modes/load.js');
  return runLoad(
    {
      plan: { scenario: plan },
      displayUrl: `${file} (${options.displayUrl})`,
      thresholds: thresholdsFlag(flags.threshold ?? []),
      shard,
      ...(flags.startAt !== undefined ? { startAtMs: startAtFlag(flags.startAt) } : {}),
      reports: { summaryJson: flags.summaryJson, hdrLog: flags.hdrLog, junit: flags.junit },
      isQuiet: flags.quiet === true,
      isTty: process.stderr.isTTY === true,
    },
    { stdout: process.stdout, stderr: process.stderr },
  );
}

/** Adds `wsx load` and `wsx load merge` to `program` (after buildProgram, for its Connection flags). */
export function addLoadCommand(program: Command, done: (outcome: Outcome) => void): void {
  const load = program
    .command('load')
    .description('open many connections, send at a rate, and report connect times and round trips')
    .argument(
      '<url|file.wsx>',
      'the server to load (ws://, wss://, host:port/path), or a scenario file each connection runs',
    );
  for (const spec of commandFlags.load) load.addOption(toOption(spec));
  for (const option of sharedOptions(program, 'load')) load.addOption(option);
  load.addHelpText(
    'after',
    `
Examples:
  wsx load ws://127.0.0.1:8080 -c 1000 --connect-rate 200 -d 30s            hold 1,000 connections
  wsx load ws://127.0.0.1:8080 -c 100 --rate 2000 -d 1m --threshold 'rtt p99 < 50ms'
  wsx load ws://127.0.0.1:8080 -c 200 --rate 500 --shard 0/2 --summary-json s0.json   (and 1/2)
  wsx load merge s0.json s1.json                      one report; thresholds from the shards' files
  wsx load login.wsx -c 50 --iterations 10 --threshold 'rtt p99 < 200ms'   each connection runs the file

Round trips are measured from each send's scheduled time, so a stalled server shows in the tail.
Exit codes: 0 ok, 2 usage, 3 could not connect at all, 6 a threshold failed, 130/143 interrupted.`,
  );
  load.action(async (url: string, flags: LoadFlags & Partial<RawFlags>) => {
    if (url.endsWith('.wsx')) return done(await loadScenario(program, url, flags));
    if (flags.iterations !== undefined || flags.var !== undefined)
      throw usage(
        '--iterations and --var go with a scenario file',
        'e.g. wsx load flow.wsx -c 10 --iterations 5',
      );
    const connections = positiveIntFlag('--connections', flags.connections);
    let stages: Stage[] | undefined;
    if (flags.stages !== undefined) {
      const parsed = parseStages(flags.stages);
      if (typeof parsed === 'string') throw usage(`--stages: ${parsed}`);
      stages = parsed;
    }
    if (flags.rate !== undefined && flags.ratePerConn !== undefined)
      throw usage('give --rate (over all connections) or --rate-per-conn, not both');
    const shard = flags.shard === undefined ? { index: 0, count: 1 } : shardFlag(flags.shard);
    const messageText = flags.message === undefined ? undefined : messageFlag(flags.message);
    const isSending =
      messageText !== undefined || flags.rate !== undefined || flags.ratePerConn !== undefined;
    if (isSending && flags.rate === undefined && flags.ratePerConn === undefined)
      throw usage(
        '--message needs a rate',
        'add --rate 100 (a second over all connections) or --rate-per-conn 1',
      );
    if (flags.fanout && !isSending)
      throw usage('--fanout needs messages to fan out', 'add --rate 100 (and --message if you like)');
    const message = isSending ? compileMessage(messageText ?? defaultMessage) : undefined;
    if (typeof message === 'string') throw usage(`--message: ${message}`);
    const durationMs =
      flags.duration !== undefined
        ? durationFlag('--duration', flags.duration)
        : stages
          ? stagesDurationMs(stages)
          : 10_000;
    const thresholds = thresholdsFlag(flags.threshold ?? []);
    const raw = subcommandFlags(program, flags);
    const options = await buildOptions(url, raw, {
      env: process.env,
      isStdinTty: process.stdin.isTTY === true,
      isStdoutTty: false,
    });
    if (options.proto && flags.correlate !== undefined)
      throw usage(
        `--correlate does not go with --proto ${options.proto.name}`,
        "the codec pairs each answer with its request by the protocol's own ids",
      );
    if (options.proto && flags.fanout)
      throw usage(
        `--fanout does not go with --proto ${options.proto.name}`,
        'fan-out reach is measured on raw WebSocket',
      );
    const makeCodec = options.proto
      ? await (await import('../protocols/index.js')).codecFactory(options.proto.name, options.proto)
      : undefined;
    const target = makeCodec
      ? makeCodec().target(options.url, options.connection.protocols ?? [])
      : undefined;
    const settings: LoadSettings = {
      url: target?.url ?? options.url,
      protocols: target?.protocols ?? options.connection.protocols ?? [],
      ...(options.proto ? { proto: options.proto } : {}),
      wsOptions: wsClientOptions(options.connection),
      ...(options.proxy ? { proxy: options.proxy } : {}),
      connections,
      ...(stages ? { stages } : {}),
      connectRatePerSec:
        flags.connectRate === undefined ? Infinity : rateFlag('--connect-rate', flags.connectRate),
      durationMs,
      ...(isSending ? { messageTemplate: messageText ?? defaultMessage } : {}),
      ...(flags.rate !== undefined ? { ratePerSec: rateFlag('--rate', flags.rate) } : {}),
      ...(flags.ratePerConn !== undefined
        ? { ratePerConn: rateFlag('--rate-per-conn', flags.ratePerConn) }
        : {}),
      correlate: correlateFlag(flags.correlate, isSending),
      isFanout: flags.fanout === true,
      sourceIps: flags.sourceIp === undefined ? [] : sourceIpsFlag(flags.sourceIp),
      lateAfterMs: durationFlag('--late-after', flags.lateAfter),
      drainMs: durationFlag('--drain', flags.drain, { allowZero: true }),
      closeTimeoutMs: 2000,
    };
    // A worker without a connection of its own would still open one to probe: never more workers than
    // connections in this shard.
    const workers = Math.max(
      1,
      Math.min(
        positiveIntFlag('--workers', flags.workers ?? '1'),
        sliceOf(peakConnections(settings), { shard, worker: { index: 0, count: 1 } }),
      ),
    );
    // The compiled contract stays in this thread: settings go to worker threads as plain data.
    if (options.contract && workers > 1)
      throw usage('--asyncapi goes with one thread', 'leave out --workers, or spread the load with --shard');
    const plan = {
      ...(await planFromSettings(settings, { shard, worker: { index: 0, count: 1 } })),
      ...(options.contract
        ? {
            // A message the document has no name for (a JSON-RPC method) is unknown: not counted invalid.
            isValid: (text: string) => {
              const verdict = options.contract!.contract.check('received', text);
              return verdict.isValid || verdict.isUnknown === true;
            },
          }
        : {}),
    };
    const makeDriver =
      workers > 1
        ? async (hooks: LoadHooks) => {
            const { WorkerPool } = await import('../load/worker-pool.js');
            // dist/cli/load-worker.js, beside this bundle (scripts/build.mjs).
            const entry = new URL('./load-worker.js', import.meta.url);
            return new WorkerPool(
              workers,
              (index) =>
                new Worker(entry, {
                  workerData: { settings, slice: { shard, worker: { index, count: workers } } },
                }),
              plan.stages ? peakConnections(plan) : plan.connections,
              hooks,
            );
          }
        : undefined;
    const startAtMs = flags.startAt === undefined ? undefined : startAtFlag(flags.startAt);
    const { runLoad } = await import('../modes/load.js');
    done(
      await runLoad(
        {
          plan: { connections: plan },
          ...(makeDriver ? { makeDriver, threads: workers } : {}),
          displayUrl: options.displayUrl,
          thresholds,
          shard,
          ...(startAtMs !== undefined ? { startAtMs } : {}),
          reports: { summaryJson: flags.summaryJson, hdrLog: flags.hdrLog, junit: flags.junit },
          isQuiet: flags.quiet === true,
          isTty: process.stderr.isTTY === true,
        },
        { stdout: process.stdout, stderr: process.stderr },
      ),
    );
  });
  const merge = load
    .command('merge')
    .description("add shards' --summary-json files up: exact percentiles, thresholds applied again")
    .argument('<file...>', 'summary files written by wsx load --summary-json');
  for (const spec of commandFlags['load merge']) merge.addOption(toOption(spec));
  merge.action(async (files: string[], flags: { summaryJson?: string; junit?: string; quiet?: boolean }) => {
    const { runLoadMerge } = await import('../modes/load.js');
    done(
      await runLoadMerge(
        files,
        { summaryJson: flags.summaryJson, junit: flags.junit },
        flags.quiet === true,
        { stdout: process.stdout, stderr: process.stderr },
      ),
    );
  });
}
