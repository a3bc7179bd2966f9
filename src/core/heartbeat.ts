// Liveness: a protocol ping every interval and a watchdog that declares the peer dead when nothing came back.

import type { CancelTimer, Clock } from './clock.js';

export interface HeartbeatOptions {
  /** Time between pings, ms. Default 30000. */
  intervalMs: number;
  /** How long after a ping some inbound bytes must arrive, ms. Default 10000. */
  timeoutMs: number;
}

export const defaultHeartbeat: HeartbeatOptions = Object.freeze({ intervalMs: 30_000, timeoutMs: 10_000 });

export interface HeartbeatHooks {
  /** Send a ping carrying `payload`. */
  ping(payload: Buffer): void;
  /** Nothing arrived within timeoutMs of a ping: the peer is a zombie. Called at most once. */
  dead(silentForMs: number): void;
}

/**
 * One heartbeat per socket. Any bytes received count as a sign of life (`sawActivity`, called per chunk
 * read, so a long message arriving slowly is not silence), which only records the time: a busy stream
 * costs one assignment per chunk, not a timer reset. A pong whose payload matches
 * the last ping gives the round-trip time.
 */
export class Heartbeat {
  private lastActivityAt: number;
  private pingSentAt = 0;
  private pingCount = 0;
  private cancelTick: CancelTimer | undefined;
  private cancelWatchdog: CancelTimer | undefined;
  private isStopped = false;

  constructor(
    private readonly options: HeartbeatOptions,
    private readonly clock: Clock,
    private readonly hooks: HeartbeatHooks,
  ) {
    this.lastActivityAt = clock.now();
  }

  start(): void {
    this.scheduleTick();
  }

  sawActivity(): void {
    this.lastActivityAt = this.clock.now();
  }

  /** Records a pong; returns the round-trip time in ms if it answers our latest ping. */
  sawPong(payload: Buffer): number | undefined {
    this.sawActivity();
    if (payload.length === 4 && payload.readUInt32BE(0) === this.pingCount)
      return this.clock.now() - this.pingSentAt;
    return undefined;
  }

  stop(): void {
    this.isStopped = true;
    this.cancelTick?.();
    this.cancelWatchdog?.();
    this.cancelTick = this.cancelWatchdog = undefined;
  }

  private scheduleTick(): void {
    this.cancelTick = this.clock.setTimer(this.options.intervalMs, () => this.tick());
  }

  private tick(): void {
    if (this.isStopped) return;
    this.pingCount = (this.pingCount + 1) >>> 0;
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(this.pingCount, 0);
    this.pingSentAt = this.clock.now();
    this.hooks.ping(payload);
    if (this.isStopped) return;
    // A watchdog already armed for an earlier ping stays: re-arming it would let a zombie live forever
    // whenever intervalMs < timeoutMs.
    if (this.cancelWatchdog === undefined) {
      const sentAt = this.pingSentAt;
      this.cancelWatchdog = this.clock.setTimer(this.options.timeoutMs, () => {
        this.cancelWatchdog = undefined;
        if (this.isStopped || this.lastActivityAt >= sentAt) return;
        this.stop();
        this.hooks.dead(this.clock.now() - this.lastActivityAt);
      });
    }
    this.scheduleTick();
  }
}
