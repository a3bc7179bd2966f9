// wsx load with a scenario file: each virtual connection runs the file (--iterations times, or again and
// again for the duration), its connect step timed as the connect time and each passing expect step as a
// round trip. A step that fails is counted by its line and verb, with the first reason said once; it ends
// that iteration only, never the run.

import { setMaxListeners } from 'node:events';
import { performance } from 'node:perf_hooks';
import { Connection } from '../core/connection.js';
import type { WsxError } from '../core/errors.js';
import { loadCodec } from '../protocols/index.js';
import type { RunSettings, StepResult } from '../scenario/results.js';
import { runScenario } from '../scenario/runner.js';
import type { Scenario } from '../scenario/steps.js';
import { LoadMeasures, type LoadDriver } from './measures.js';
import type { LoadHooks } from './runner.js';

export interface ScenarioLoadPlan {
  scenario: Scenario;
  /** The connection each iteration opens, with the file's (or --proto's) protocol. */
  settings: RunSettings;
  connections: number;
  /** New virtual connections a second; Infinity starts them all at once. */
  connectRatePerSec: number;
  durationMs: number;
  /** Runs of the file per virtual connection; undefined: again and again until the duration ends. */
  iterations?: number;
}

/** Steps whose time is a round trip: they wait for the server's answer. */
const timedVerbs = new Set(['expect', 'expect-all', 'expect-close']);

export class ScenarioLoad extends LoadMeasures implements LoadDriver {
  private readonly lifetime = new AbortController();
  private active = 0;
  private started = 0;
  private readonly reasonsSaid = new Set<string>();

  constructor(
    private readonly plan: ScenarioLoadPlan,
    private readonly hooks: LoadHooks = {},
  ) {
    super();
    this.counts.target = plan.connections;
  }

  openCount(): number {
    return this.active;
  }

  currentTarget(): number {
    return this.plan.connections;
  }

  /** Opens one connection (through the file's protocol's URL) and closes it: refused, 404, TLS fail fast. */
  async probe(): Promise<WsxError | undefined> {
    const { connection, proto } = this.plan.settings;
    // Through the protocol's own URL (Socket.IO's /socket.io/?EIO=4…), as each iteration connects.
    const target = proto
      ? (await loadCodec(proto.name, proto)).target(connection.url, connection.protocols ?? [])
      : undefined;
    const conn = new Connection(
      {
        ...connection,
        ...(target ? { url: target.url, protocols: target.protocols } : {}),
        reconnect: { enabled: false },
      },
      { signal: this.lifetime.signal },
    );
    const failure = await new Promise<WsxError | undefined>((resolve) => {
      conn.on('error', (err) => resolve(err));
      conn.on('state', (change) => {
        if (change.to === 'open') resolve(undefined);
        else if (change.to === 'closed') resolve(undefined);
      });
      conn.start();
    });
    await conn.close(1000);
    return failure;
  }

  async run(): Promise<void> {
    this.watchEventLoop(true);
    const until = AbortSignal.any([this.lifetime.signal, AbortSignal.timeout(this.plan.durationMs)]);
    // Every virtual connection's run and socket listen to this one signal: that is by design, not a leak.
    setMaxListeners(0, until);
    const users: Promise<void>[] = [];
    const gapMs = Number.isFinite(this.plan.connectRatePerSec) ? 1000 / this.plan.connectRatePerSec : 0;
    for (let i = 0; i < this.plan.connections && !until.aborted; i++) {
      users.push(this.user(until));
      if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
    }
    await Promise.all(users);
    this.endedAtMs = performance.now();
    this.watchEventLoop(false);
  }

  stop(): void {
    this.lifetime.abort(130);
  }

  /** One virtual connection: the file, again and again. */
  private async user(until: AbortSignal): Promise<void> {
    this.started++;
    for (let i = 0; this.plan.iterations === undefined || i < this.plan.iterations; i++) {
      if (until.aborted) return;
      let isConnected = false;
      let hasFailedStep = false;
      const result = await runScenario(
        this.plan.scenario,
        { ...this.plan.settings, signal: until },
        {
          stepDone: (_file, step) => {
            if (step.step.verb === 'connect' && step.isOk) {
              isConnected = true;
              this.active++;
              this.counts.peak = Math.max(this.counts.peak, this.active);
            }
            if (this.countStep(step, until)) hasFailedStep = true;
          },
        },
      );
      if (isConnected) this.active--;
      if (result.isOk) this.counts.iterations.completed++;
      else if (hasFailedStep) this.counts.iterations.failed++;
      // Otherwise the duration (or Ctrl+C) cut this iteration short: not a failure of the server's.
    }
  }

  /** Counts one step's result; true when it failed (and was counted as a failure). */
  private countStep(result: StepResult, until: AbortSignal): boolean {
    const { step } = result;
    if (step.verb === 'connect') {
      this.counts.attempts++;
      if (result.isOk) {
        this.counts.opened++;
        this.recordConnect(result.ms);
      } else if (!until.aborted) {
        this.counts.failed++;
        this.countFailure(result);
        return true;
      }
      return false;
    }
    if (step.verb === 'send' && result.isOk) this.counts.sent++;
    if (timedVerbs.has(step.verb) && result.isOk) {
      this.counts.received++;
      this.recordRtt(result.ms);
    }
    if (result.isOk || until.aborted) return false;
    this.countFailure(result);
    return true;
  }

  /** A failed step, by where it is in the file; its first reason is said once. */
  private countFailure(result: StepResult): void {
    const where = `line ${result.step.line} ${result.step.verb}`;
    this.counts.errors[where] = (this.counts.errors[where] ?? 0) + 1;
    if (this.reasonsSaid.has(where)) return;
    this.reasonsSaid.add(where);
    this.hooks.warning?.({
      code: 'step',
      message: `${this.plan.scenario.file}:${result.step.line}: ${result.step.verb} failed: ${result.error ?? 'failed'} (counted; the run goes on)`,
    });
  }
}
