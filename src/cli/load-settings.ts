// What a `wsx load` run is made from, as plain data: the main thread builds it from the flags, and each
// worker thread (--workers) rebuilds its LoadPlan from it, functions included (the message maker, the
// proxy agent), since functions cannot cross between threads.

import type WebSocket from 'ws';
import { compileMessage } from '../load/message.js';
import type { Correlation, LoadPlan } from '../load/runner.js';
import { shardOffset, shardSlice, type Stage } from '../load/stages.js';
import type { ProtoSettings } from '../options.js';
import { proxyAgentFactory } from './proxy.js';

/** The whole run's figures, before any shard or worker takes its slice. */
export interface LoadSettings {
  url: string;
  protocols: string[];
  wsOptions: WebSocket.ClientOptions;
  /** --proto: each thread makes its own codec factory from these settings. */
  proto?: ProtoSettings;
  /** The proxy URL, when the connections go through one: each thread makes its own agents. */
  proxy?: string;
  connections: number;
  stages?: Stage[];
  connectRatePerSec: number;
  durationMs: number;
  /** The --message template (its file already read); undefined holds connections without sending. */
  messageTemplate?: string;
  ratePerSec?: number;
  ratePerConn?: number;
  correlate: Correlation;
  isFanout: boolean;
  sourceIps: string[];
  lateAfterMs: number;
  drainMs: number;
  closeTimeoutMs: number;
}

/** Which part of the run a process and thread take: shard i of n (--shard), then worker j of k. */
export interface LoadSlice {
  shard: { index: number; count: number };
  worker: { index: number; count: number };
}

/** The connections `total` gives this slice: the shard's share, then the worker's share of that. */
export function sliceOf(total: number, { shard, worker }: LoadSlice): number {
  return shardSlice(shardSlice(total, shard.index, shard.count), worker.index, worker.count);
}

/** The most connections the run holds at once, over all shards and workers. */
export function peakConnections(s: Pick<LoadSettings, 'connections' | 'stages'>): number {
  return s.stages ? Math.max(0, ...s.stages.map((stage) => stage.target)) : s.connections;
}

/** The slice's plan. The template was compiled once already by the caller, so it compiles here. */
export async function planFromSettings(s: LoadSettings, slice: LoadSlice): Promise<LoadPlan> {
  const parts = slice.shard.count * slice.worker.count;
  const message = s.messageTemplate === undefined ? undefined : compileMessage(s.messageTemplate);
  if (typeof message === 'string') throw new Error(`--message: ${message}`);
  // {{conn}} stays unique across shards and workers: the shard's offset, then the worker's within it.
  const shardConnections = shardSlice(s.connections, slice.shard.index, slice.shard.count);
  const connOffset =
    shardOffset(s.connections, slice.shard.index, slice.shard.count) +
    shardOffset(shardConnections, slice.worker.index, slice.worker.count);
  return {
    url: s.url,
    protocols: s.protocols,
    ...(s.proto
      ? { makeCodec: await (await import('../protocols/index.js')).codecFactory(s.proto.name, s.proto) }
      : {}),
    wsOptions: s.wsOptions,
    ...(s.proxy !== undefined ? { agentFor: await proxyAgentFactory(s.proxy) } : {}),
    connections: sliceOf(s.connections, slice),
    ...(s.stages
      ? { stages: s.stages.map((stage) => ({ ...stage, target: sliceOf(stage.target, slice) })) }
      : {}),
    connectRatePerSec: s.connectRatePerSec / parts,
    durationMs: s.durationMs,
    ...(message ? { message } : {}),
    ...(s.ratePerSec !== undefined ? { ratePerSec: s.ratePerSec / parts } : {}),
    ...(s.ratePerConn !== undefined ? { ratePerConn: s.ratePerConn } : {}),
    correlate: s.correlate,
    isFanout: s.isFanout,
    sourceIps: s.sourceIps,
    connOffset,
    lateAfterMs: s.lateAfterMs,
    drainMs: s.drainMs,
    closeTimeoutMs: s.closeTimeoutMs,
  };
}
