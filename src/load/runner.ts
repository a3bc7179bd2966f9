// wsx load's engine: opens many cheap connections on one shared ticker, sends on an open-model schedule,
// pairs replies with their sends and records latencies in histograms. No UI, no stdio: the mode reports.
//
// Cheap means: plain ws sockets without the core Connection's per-socket heartbeat, queue and timers
// (one ticker serves every connection), permessage-deflate off unless asked, and one shared Map for the
// sends awaiting a reply instead of an object per connection.

import type { Agent } from 'node:http';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { classifyError, type WsxError } from '../core/errors.js';
import { lookup, type JsonPath } from '../match/matcher.js';
import { newHistogram, recordMs, type Histogram } from './histogram.js';
import type { MessageMaker } from './message.js';
import { SendSchedule } from './schedule.js';
import { targetAt, type Stage } from './stages.js';
import { emptyCounts, type LoadCounts } from './summary.js';

/** How a reply is paired with the send it answers. */
export type Correlation = { by: 'echo' } | { by: 'json'; path: JsonPath; label: string } | { by: 'none' };

export interface LoadPlan {
  url: string;
  protocols: string[];
  wsOptions: WebSocket.ClientOptions;
  /** A proxy's agent, made per connection; its sockets die when the run ends. */
  agentFor?: (signal: AbortSignal) => Agent;
  /** How many connections to hold, or a target over time (stages win). */
  connections: number;
  stages?: Stage[];
  /** New connections a second; Infinity opens them as fast as the ticker can. */
  connectRatePerSec: number;
  durationMs: number;
  /** What to send; undefined holds the connections open without sending. */
  message?: MessageMaker;
  /** Sends a second over all connections, or a second per open connection. */
  ratePerSec?: number;
  ratePerConn?: number;
  correlate: Correlation;
  /**
   * The server sends each message to every other open connection (a broadcast room, `wsx serve --mode
   * broadcast`): replies are paired across connections, and reach counts receipts against expectations.
   */
  isFanout?: boolean;
  /** Local addresses to connect from, round-robin (one destination port runs out of ports near 28k). */
  sourceIps: string[];
  /** {{conn}} of this run's first connection: shards number their connections apart. */
  connOffset: number;
  /** A send that leaves later than this after its scheduled time counts as late. */
  lateAfterMs: number;
  /** After the last send, how long to wait for the replies still due. */
  drainMs: number;
  /** How long a closing connection may take to answer the close frame before it is cut off. */
  closeTimeoutMs: number;
  /** --asyncapi: whether a received text message conforms to the document (false counts it invalid). */
  isValid?: (text: string) => boolean;
}

/** Something the machine refused, said once: which limit was hit and how to raise it. */
export type LoadWarning = { code: string; message: string };

export interface LoadHooks {
  warning?: (warning: LoadWarning) => void;
}

interface LoadSocket {
  ws: WebSocket;
  /** {{conn}}: the connection's global number. */
  index: number;
  seq: number;
  startedAt: number;
  isOpen: boolean;
  /** wsx asked it to close: its close is no loss. */
  isClosing: boolean;
  /** An error ended it (counted once). */
  hasFailed: boolean;
  hasOpened: boolean;
}

/** The ticker's period, ms: sends leave within about this much of their scheduled time. */
const tickMs = 1;
/**
 * Most sends made in one tick, and most connections opened: a tick never stalls the event loop for long
 * (opening a socket costs ~0.3 ms of CPU, so 2,000 at once would hold every send and reply for 0.6 s).
 */
const maxPerTick = 2000;
const maxOpensPerTick = 50;
/** Sends awaiting a reply that are tracked at most; beyond it a send still counts, its reply is "unmatched". */
const maxPending = 1_000_000;

const limitHints: Record<string, string> = {
  EMFILE: 'too many open files: raise the limit with `ulimit -n` (and the hard limit in limits.conf)',
  ENFILE: 'the system file table is full: raise fs.file-max',
  EADDRNOTAVAIL:
    'out of local ports for this destination: add source addresses with --source-ip 127.0.0.2-127.0.0.20 (loopback) or widen net.ipv4.ip_local_port_range',
  ENOBUFS: 'the kernel ran out of socket buffers: open connections more slowly (--connect-rate)',
};

/** An error's name in the report: a refusal by the machine keeps its errno name, the rest their kind. */
function errorKind(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  if (typeof code === 'string' && code in limitHints) return code.toLowerCase();
  const status = /Unexpected server response: (\d+)/.exec(String((err as Error)?.message))?.[1];
  if (status) return `http_${status}`;
  return classifyError(err).kind;
}

/** The pairing key of a message, or undefined when it has none. */
function keyOf(text: string, correlate: Correlation): string | undefined {
  if (correlate.by === 'echo') return text;
  if (correlate.by === 'none') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const found = lookup(value, correlate.path);
  return found.found ? JSON.stringify(found.value) : undefined;
}

export class LoadRun {
  readonly counts: LoadCounts = emptyCounts();
  readonly rtt: Histogram = newHistogram();
  readonly connect: Histogram = newHistogram();
  /** Since the last takeInterval(): the live view's current percentiles and the interval log. */
  private intervalRtt: Histogram = newHistogram();
  private intervalConnect: Histogram = newHistogram();
  private readonly sockets = new Set<LoadSocket>();
  /** Open sockets in opening order: sends go round-robin over them. */
  private open: LoadSocket[] = [];
  private nextSendSocket = 0;
  /** `${conn} ${key}` → the scheduled time of the send awaiting that reply. */
  private readonly pending = new Map<string, number>();
  /** Fan-out: key → the send's scheduled time and how many receivers have yet to get it. */
  private readonly fanoutPending = new Map<string, { at: number; left: number }>();
  private readonly schedule: SendSchedule;
  private readonly lifetime = new AbortController();
  private readonly warned = new Set<string>();
  private readonly t0 = performance.now();
  private ticker: NodeJS.Timeout | undefined;
  private isStopping = false;
  private nextIndex: number;
  private connecting = 0;
  private readonly eventLoop = monitorEventLoopDelay({ resolution: 10 });
  private readonly cpuAtStart = process.cpuUsage();
  private endedAtMs: number | undefined;

  constructor(
    private readonly plan: LoadPlan,
    private readonly hooks: LoadHooks = {},
  ) {
    this.nextIndex = plan.connOffset;
    this.schedule = new SendSchedule(0);
    this.counts.target = plan.stages ? Math.max(...plan.stages.map((s) => s.target), 0) : plan.connections;
  }

  /** ms since the run started. */
  elapsedMs(): number {
    return (this.endedAtMs ?? performance.now()) - this.t0;
  }

  /** Connections open now. */
  openCount(): number {
    return this.open.length;
  }

  /** The target the ramp aims at now. */
  currentTarget(): number {
    return this.plan.stages ? targetAt(this.plan.stages, this.elapsedMs()) : this.plan.connections;
  }

  /**
   * Opens one connection and waits for it: a URL that cannot connect at all fails the run before any ramp
   * (a refused port, a 404, a TLS error), instead of a thousand identical errors. Resolves with the error.
   */
  async probe(): Promise<WsxError | undefined> {
    let socket: LoadSocket;
    try {
      socket = this.openOne();
    } catch (err) {
      return classifyError(err);
    }
    return new Promise((resolve) => {
      socket.ws.once('open', () => resolve(undefined));
      socket.ws.once('error', (err) => resolve(classifyError(err)));
      socket.ws.once('close', () => resolve(undefined));
    });
  }

  /** Runs the plan to its end (or until stop()); resolves when every socket is closed. */
  async run(): Promise<void> {
    this.eventLoop.enable();
    const done = new Promise<void>((resolve) => {
      this.ticker = setInterval(() => {
        if (this.elapsedMs() >= this.plan.durationMs) {
          clearInterval(this.ticker);
          resolve();
          return;
        }
        this.tick();
      }, tickMs);
      this.lifetime.signal.addEventListener('abort', () => resolve(), { once: true });
    });
    await done;
    clearInterval(this.ticker);
    if (!this.lifetime.signal.aborted) {
      // Sends that were due and never left (the generator fell behind): counted, never silently skipped.
      const missed = this.schedule.skipDue(this.plan.durationMs, this.currentRate());
      this.counts.unsent += missed;
      this.counts.late += missed;
    }
    if (!this.lifetime.signal.aborted) await this.drain();
    await this.closeAll(this.lifetime.signal.aborted ? 1001 : 1000);
    this.eventLoop.disable();
  }

  /** Ctrl+C: stop ramping and sending now, close every connection with 1001 (going away). */
  stop(): void {
    this.lifetime.abort();
  }

  /** The latencies recorded since the last call (for the live view and the interval log). */
  takeInterval(): { rtt: Histogram; connect: Histogram } {
    const taken = { rtt: this.intervalRtt, connect: this.intervalConnect };
    this.intervalRtt = newHistogram();
    this.intervalConnect = newHistogram();
    return taken;
  }

  /** The load generator's own health over the run. */
  clientHealth(): { eventLoopP99Ms: number; cpuPercent: number } {
    const cpu = process.cpuUsage(this.cpuAtStart);
    const wallMs = Math.max(1, this.elapsedMs());
    const p99 = this.eventLoop.count > 0 ? this.eventLoop.percentile(99) / 1e6 : 0;
    return { eventLoopP99Ms: p99, cpuPercent: ((cpu.user + cpu.system) / 1000 / wallMs) * 100 };
  }

  private tick(): void {
    const now = this.elapsedMs();
    this.ramp(now);
    this.sendDue(now);
  }

  private ramp(now: number): void {
    const target = this.currentTarget();
    const allowed =
      this.plan.connectRatePerSec === Infinity
        ? Infinity
        : Math.floor((this.plan.connectRatePerSec * now) / 1000) + 1 - this.counts.attempts;
    let opening = Math.min(target - this.open.length - this.connecting, allowed, maxOpensPerTick);
    try {
      while (opening-- > 0) this.openOne();
    } catch {
      // Counted by openOne; the next tick tries again, at the connect rate.
    }
    // A stage that lowers the target closes the newest connections first.
    while (this.open.length > target) {
      const socket = this.open.pop()!;
      socket.isClosing = true;
      socket.ws.close(1000, 'load stage ramp-down');
    }
  }

  /** Sends a second now: the total rate, or the per-connection rate times the open connections. */
  private currentRate(): number {
    if (!this.plan.message) return 0;
    return this.plan.ratePerSec ?? (this.plan.ratePerConn ?? 0) * this.open.length;
  }

  private sendDue(now: number): void {
    const make = this.plan.message;
    if (!make) return;
    const rate = this.currentRate();
    for (const scheduled of this.schedule.takeDue(now, rate, maxPerTick)) {
      const socket = this.open[this.nextSendSocket++ % Math.max(1, this.open.length)];
      if (!socket) {
        // No connection is open to carry it: it cannot leave on time, and says so.
        this.counts.late++;
        this.countError('no_open_connection');
        continue;
      }
      const text = make(socket.index, socket.seq++);
      if (now - scheduled > this.plan.lateAfterMs) this.counts.late++;
      const key = keyOf(text, this.plan.correlate);
      if (this.plan.isFanout) {
        // Every other open connection should get it: that is the reach this send expects.
        const receivers = this.open.length - 1;
        this.counts.reach.expected += receivers;
        if (key !== undefined && receivers > 0 && this.fanoutPending.size < maxPending)
          this.fanoutPending.set(key, { at: scheduled, left: receivers });
      } else if (key !== undefined && this.pending.size < maxPending) {
        this.pending.set(`${socket.index} ${key}`, scheduled);
      }
      socket.ws.send(text);
      this.counts.sent++;
    }
  }

  private openOne(): LoadSocket {
    const index = this.nextIndex++;
    const ips = this.plan.sourceIps;
    const options: WebSocket.ClientOptions = {
      ...this.plan.wsOptions,
      ...(ips.length > 0 ? { localAddress: ips[index % ips.length] } : {}),
      ...(this.plan.agentFor ? { agent: this.plan.agentFor(this.lifetime.signal) } : {}),
    };
    this.counts.attempts++;
    this.connecting++;
    const startedAt = performance.now();
    let ws: WebSocket;
    try {
      ws = new WebSocket(this.plan.url, this.plan.protocols, options);
    } catch (err) {
      this.connecting--;
      this.counts.failed++;
      this.countError(errorKind(err), err);
      throw err;
    }
    const socket: LoadSocket = {
      ws,
      index,
      seq: 0,
      startedAt,
      isOpen: false,
      isClosing: false,
      hasFailed: false,
      hasOpened: false,
    };
    this.sockets.add(socket);
    ws.on('open', () => {
      this.connecting--;
      socket.isOpen = socket.hasOpened = true;
      this.counts.opened++;
      const ms = performance.now() - startedAt;
      recordMs(this.connect, ms);
      recordMs(this.intervalConnect, ms);
      if (this.isStopping || this.lifetime.signal.aborted) {
        socket.isClosing = true;
        ws.close(1001);
        return;
      }
      this.open.push(socket);
      this.counts.peak = Math.max(this.counts.peak, this.open.length);
    });
    ws.on('message', (data, isBinary) => this.onMessage(socket, data as Buffer, isBinary));
    ws.on('error', (err) => {
      const wasConnecting = !socket.isOpen && !socket.hasFailed;
      socket.hasFailed = true;
      socket.isOpen = false;
      if (wasConnecting) this.connecting--;
      // Cutting off the connections still opening when the run ends is wsx's doing, not the server's.
      if (this.isStopping) return;
      if (wasConnecting) this.counts.failed++;
      this.countError(errorKind(err), err);
    });
    ws.on('close', (code) => {
      this.sockets.delete(socket);
      const at = this.open.indexOf(socket);
      if (at >= 0) this.open.splice(at, 1);
      if (socket.hasOpened && !socket.isClosing && !this.isStopping) {
        this.counts.lost++;
        // One failure, one error: a socket an error ended was counted by its error.
        if (!socket.hasFailed) this.countError(`close_${code}`);
      }
      socket.isOpen = false;
    });
    return socket;
  }

  private onMessage(socket: LoadSocket, data: Buffer, isBinary: boolean): void {
    const now = this.elapsedMs();
    this.counts.received++;
    if (this.plan.isValid && !isBinary && !this.plan.isValid(data.toString())) this.counts.invalid++;
    if (this.plan.correlate.by === 'none') return;
    const key = keyOf(isBinary ? data.toString('latin1') : data.toString(), this.plan.correlate);
    if (this.plan.isFanout) {
      const sent = key === undefined ? undefined : this.fanoutPending.get(key);
      if (!sent) {
        this.counts.unmatched++;
        return;
      }
      this.counts.reach.received++;
      if (--sent.left === 0) this.fanoutPending.delete(key!);
      recordMs(this.rtt, now - sent.at);
      recordMs(this.intervalRtt, now - sent.at);
      return;
    }
    const id = key === undefined ? undefined : `${socket.index} ${key}`;
    const scheduled = id === undefined ? undefined : this.pending.get(id);
    if (scheduled === undefined) {
      this.counts.unmatched++;
      return;
    }
    this.pending.delete(id!);
    recordMs(this.rtt, now - scheduled);
    recordMs(this.intervalRtt, now - scheduled);
  }

  private countError(kind: string, err?: unknown): void {
    this.counts.errors[kind] = (this.counts.errors[kind] ?? 0) + 1;
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && code in limitHints && !this.warned.has(code)) {
      this.warned.add(code);
      this.hooks.warning?.({ code, message: `the machine refused a connection: ${limitHints[code]}` });
    }
  }

  /** Waits up to drainMs for the replies still due. */
  private async drain(): Promise<void> {
    const until = performance.now() + this.plan.drainMs;
    while (
      this.pending.size + this.fanoutPending.size > 0 &&
      performance.now() < until &&
      !this.lifetime.signal.aborted
    )
      await new Promise((r) => setTimeout(r, 5));
  }

  private async closeAll(code: 1000 | 1001): Promise<void> {
    this.isStopping = true;
    this.endedAtMs = performance.now();
    this.counts.unanswered = this.pending.size + this.fanoutPending.size;
    // Connections still in their opening handshake when the run ends never opened within it.
    if (this.connecting > 0) {
      this.counts.failed += this.connecting;
      this.counts.errors.still_connecting = (this.counts.errors.still_connecting ?? 0) + this.connecting;
    }
    this.pending.clear();
    this.fanoutPending.clear();
    const closed = [...this.sockets].map(
      (socket) =>
        new Promise<void>((resolve) => {
          socket.ws.once('close', () => resolve());
          socket.isClosing = true;
          if (socket.ws.readyState === WebSocket.OPEN) socket.ws.close(code);
          else socket.ws.terminate();
        }),
    );
    const cutOff = setTimeout(() => {
      for (const socket of this.sockets) socket.ws.terminate();
    }, this.plan.closeTimeoutMs);
    await Promise.all(closed);
    clearTimeout(cutOff);
    this.lifetime.abort();
  }
}
