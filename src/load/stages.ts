// Load shape: how many connections wsx load holds at each moment (k6-style stages, or one flat level).

import { parseDuration } from '../text/duration.js';

/** Ramp linearly from the previous stage's target to `target` connections over `durationMs`. */
export interface Stage {
  durationMs: number;
  target: number;
}

/**
 * Parses "30s:1000,2m:1000,30s:0": each stage a duration and the number of connections to reach by its end.
 * Returns a message naming the part it could not read instead of throwing, so the caller words the error.
 */
export function parseStages(text: string): Stage[] | string {
  const stages: Stage[] = [];
  for (const part of text.split(',')) {
    const match = /^\s*([^:]+):\s*(\d+)\s*$/.exec(part);
    const durationMs = match ? parseDuration(match[1]!) : undefined;
    if (!match || durationMs === undefined || durationMs <= 0)
      return `"${part.trim()}" is not DURATION:CONNECTIONS (e.g. 30s:1000)`;
    stages.push({ durationMs, target: Number(match[2]) });
  }
  return stages;
}

export function stagesDurationMs(stages: readonly Stage[]): number {
  return stages.reduce((sum, s) => sum + s.durationMs, 0);
}

/** The connection target `elapsedMs` into the run: a straight line within each stage, starting at 0. */
export function targetAt(stages: readonly Stage[], elapsedMs: number): number {
  let from = 0;
  let start = 0;
  for (const stage of stages) {
    if (elapsedMs < start + stage.durationMs) {
      const part = (elapsedMs - start) / stage.durationMs;
      return Math.round(from + (stage.target - from) * part);
    }
    from = stage.target;
    start += stage.durationMs;
  }
  return from;
}

/** The largest target any stage reaches. */
export function peakTarget(stages: readonly Stage[]): number {
  return stages.reduce((max, s) => Math.max(max, s.target), 0);
}

/** A shard's part of `total`: shard i of n takes an equal slice, the first ones one more when it does not divide. */
export function shardSlice(total: number, index: number, count: number): number {
  return Math.floor(total / count) + (index < total % count ? 1 : 0);
}

/** Where shard i's connections start in the global numbering ({{conn}} is unique across shards). */
export function shardOffset(total: number, index: number, count: number): number {
  let offset = 0;
  for (let i = 0; i < index; i++) offset += shardSlice(total, i, count);
  return offset;
}
