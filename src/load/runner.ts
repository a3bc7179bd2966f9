// wsx load's engine: opens many cheap connections on one shared ticker, sends on an open-model schedule,
// pairs replies with their sends and records latencies in histograms. No UI, no stdio: the mode reports.
//
// Cheap means: lean connections (lean-client.ts: a socket and one small object each, ws only where they
// do not apply) without the core Connection's per-socket heartbeat, queue and timers (one ticker serves
// every connection), permessage-deflate off unless asked, one sink for every connection's events instead
// of closures per connection, and one shared Map for the sends awaiting a reply.

import type { Agent } from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';
import { classifyError, WsxError } from '../core/errors.js';
import type { Codec, CodecContext, ProtocolMessage } from '../protocols/codec.js';
import { lookup, type JsonPath } from '../match/matcher.js';
import { LoadMeasures, type LoadDriver } from './measures.js';
import type { MessageMaker } from './message.js';
import { LeanClient, leanUnsupported, type LoadConn, type LoadSink } from './lean-client.js';
import { roundTripStart, SendSchedule } from './schedule.js';
import { targetAt, type Stage } from './stages.js';

/** How a reply is paired with the send it answers. */
export type Correlation = { by: 'echo' } | { by: 'json'; path: JsonPath; label: string } | { by: 'none' };

export interface LoadPlan {
  url: string;
  protocols: string[];
  /**
   * --proto: a fresh codec for each connection. A connection then counts as open once the protocol's
   * opening is done (Socket.IO's CONNECT answered, a STOMP CONNECTED), and each --message is one input line
   * of that protocol (`emit chat "hi"`, `call sum [1,2]`), answered through the codec's own ids.
   */
  makeCodec?: () => Codec;
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
  /** A lean connection (lean-client.ts), or a ws WebSocket where the lean one does not apply. */
  conn: LoadConn;
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
  codec?: Codec;
  /** With a codec: sends not answered yet (each send is expected to be a request the protocol answers). */
  awaiting: number;
  /** With a codec: frames received, the Incoming's seq. */
  received: number;
  ctx?: CodecContext;
  /** The probe's wait: called once the protocol's opening succeeded (undefined) or failed. */
  settled?: (err: WsxError | undefined) => void;
}

/** The ticker's period, ms: sends leave within about half this much of their scheduled time. */
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

export class LoadRun extends LoadMeasures implements LoadDriver {
  private readonly sockets = new Set<LoadSocket>();
  /** Open sockets in opening order: sends go round-robin over them. */
  private open: LoadSocket[] = [];
  private nextSendSocket = 0;
  /** The highest target the stages have reached: a target below it closes connections. */
  private peakTarget = 0;
  /** No new connection before this time (ms into the run): the machine refused the last one. */
  private refusedUntilMs = 0;
  /** `${conn} ${key}` → where the round trip of the send awaiting that reply starts (roundTripStart). */
  private readonly pending = new Map<string, number>();
  /** Fan-out: key → the send's round-trip start and how many receivers have yet to get it. */
  private readonly fanoutPending = new Map<string, { at: number; left: number }>();
  private readonly schedule: SendSchedule;
  private readonly lifetime = new AbortController();
  private readonly warned = new Set<string>();
  private ticker: NodeJS.Timeout | undefined;
  private isStopping = false;
  private nextIndex: number;
  private connecting = 0;
  /** With a codec: sends not answered yet, over all connections (the drain waits for them). */
  private awaitingTotal = 0;
  /** The round-trip start of the send being handed to a codec: its frames' round trips start there. */
  private sendingScheduledAt: number | undefined;
  /** The lean connections' shared settings, or undefined when these options need ws (leanUnsupported). */
  private readonly lean: LeanClient<LoadSocket> | undefined;
  /** Resolves closeAll's wait once the last socket is closed. */
  private allClosed: (() => void) | undefined;
  /** What every connection reports to: one object per run, so a connection carries no closures of its own. */
  private readonly sink: LoadSink<LoadSocket> = {
    open: (socket) => this.onSocketOpen(socket),
    message: (socket, data, isBinary) => this.onMessage(socket, data, isBinary),
    error: (socket, err) => this.onSocketError(socket, err),
    close: (socket, code, reason) => this.onSocketClose(socket, code, reason),
  };

  constructor(
    private readonly plan: LoadPlan,
    private readonly hooks: LoadHooks = {},
  ) {
    super();
    this.nextIndex = plan.connOffset;
    // Half a tick's lead: each send leaves at the tick nearest its time (see SendSchedule).
    this.schedule = new SendSchedule(0, tickMs / 2);
    this.counts.target = plan.stages ? Math.max(...plan.stages.map((s) => s.target), 0) : plan.connections;
    this.lean =
      leanUnsupported(plan.url, plan.protocols, plan.wsOptions) === undefined
        ? new LeanClient(plan.url, plan.protocols, plan.wsOptions, this.sink)
        : undefined;
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
    // Settled by the socket's open (with a codec: the protocol's opening), its first error, or its close.
    return new Promise((resolve) => (socket.settled = resolve));
  }

  /** Runs the plan to its end (or until stop()); resolves when every socket is closed. */
  async run(): Promise<void> {
    this.watchEventLoop(true);
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
    this.watchEventLoop(false);
  }

  /** Ctrl+C: stop ramping and sending now, close every connection with 1001 (going away). */
  stop(): void {
    this.lifetime.abort();
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
    // After the machine refused a socket (EMFILE, EADDRNOTAVAIL…) retrying on every 1 ms tick only piles up
    // failures (thousands a second for the same missing connections): wait a second, then try again.
    const cooling = now < this.refusedUntilMs;
    let opening = cooling
      ? 0
      : Math.min(target - this.open.length - this.connecting, allowed, maxOpensPerTick);
    try {
      while (opening-- > 0) this.openOne();
    } catch {
      // Counted by openOne; the next tick tries again, at the connect rate.
    }
    // A stage that lowers the target closes the newest connections first. Only below the highest target so
    // far: while the first stage rises from 0, the probe connection (open before the target reaches 1) is the
    // ramp's first connection, not one to close and replace.
    this.peakTarget = Math.max(this.peakTarget, target);
    while (target < this.peakTarget && this.open.length > target) {
      const socket = this.open.pop()!;
      socket.isClosing = true;
      socket.conn.close(1000, 'load stage ramp-down');
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
      const from = roundTripStart(scheduled, now);
      if (socket.codec) {
        this.sendThroughCodec(socket, socket.codec, text, from);
        continue;
      }
      const key = keyOf(text, this.plan.correlate);
      if (this.plan.isFanout) {
        // Every other open connection should get it: that is the reach this send expects.
        const receivers = this.open.length - 1;
        this.counts.reach.expected += receivers;
        if (key !== undefined && receivers > 0 && this.fanoutPending.size < maxPending)
          this.fanoutPending.set(key, { at: from, left: receivers });
      } else if (key !== undefined && this.pending.size < maxPending) {
        this.pending.set(`${socket.index} ${key}`, from);
      }
      socket.conn.send(text);
      this.counts.sent++;
    }
  }

  /** One --message as an input line of the protocol; its answer is timed from `from`. */
  private sendThroughCodec(socket: LoadSocket, codec: Codec, text: string, from: number): void {
    this.sendingScheduledAt = from;
    try {
      codec.input(text, this.contextOf(socket));
    } catch (err) {
      // The line is not one this protocol can send: every send would fail the same way, so say it once.
      this.countError('input', err);
      return;
    } finally {
      this.sendingScheduledAt = undefined;
    }
    socket.awaiting++;
    this.awaitingTotal++;
    this.counts.sent++;
  }

  /** The codec's view of one load connection, made once per connection: no closure per message. */
  private contextOf(socket: LoadSocket): CodecContext {
    return (socket.ctx ??= {
      send: (frame, onWritten) => {
        socket.conn.send(frame);
        onWritten?.(this.sendingScheduledAt ?? this.elapsedMs());
      },
      sendOwn: (frame) => socket.conn.send(frame),
      deliver: (msg) => this.onDecoded(socket, msg),
      ready: () => this.onOpened(socket),
      keepAlive: () => {},
      note: () => {},
      detail: () => {},
      reconnect: (why) => this.failSocket(socket, why),
      fail: (err) => this.failSocket(socket, err),
      protocol: () => socket.conn.protocol,
      now: () => this.elapsedMs(),
      setTimer: (ms, fn) => {
        const timer = setTimeout(fn, ms);
        return () => clearTimeout(timer);
      },
    });
  }

  private onDecoded(socket: LoadSocket, msg: ProtocolMessage): void {
    this.counts.received++;
    // With --proto, the decoded message is what the document describes (as in the other modes).
    if (this.plan.isValid && msg.binary === undefined && !this.plan.isValid(msg.text)) this.counts.invalid++;
    if (msg.rttMs !== undefined) {
      if (socket.awaiting > 0) {
        socket.awaiting--;
        this.awaitingTotal--;
      }
      this.recordRtt(msg.rttMs);
    } else if (msg.kind === 'response' || msg.kind === 'ack' || msg.kind === 'error') {
      // An answer to no request of ours (or one the codec could not time).
      this.counts.unmatched++;
    }
    if (msg.isError) this.countError('protocol_error');
  }

  /** A connection ready for the run's sends: the socket's open, or the protocol's opening with a codec. */
  private onOpened(socket: LoadSocket): void {
    settle(socket, undefined);
    if (socket.isOpen || socket.hasFailed) return;
    this.connecting--;
    socket.isOpen = socket.hasOpened = true;
    this.counts.opened++;
    const ms = performance.now() - socket.startedAt;
    this.recordConnect(ms);
    if (this.isStopping || this.lifetime.signal.aborted) {
      socket.isClosing = true;
      socket.conn.close(1001);
      return;
    }
    this.open.push(socket);
    this.counts.peak = Math.max(this.counts.peak, this.open.length);
  }

  /** The protocol refused or gave up on a connection: counted once under `kind`, the socket cut off. */
  private failSocket(socket: LoadSocket, err: WsxError): void {
    settle(socket, err);
    if (socket.hasFailed) return;
    const wasConnecting = !socket.isOpen;
    socket.hasFailed = true;
    socket.isOpen = false;
    if (wasConnecting) this.connecting--;
    if (!this.isStopping) {
      if (wasConnecting) this.counts.failed++;
      this.countError(err.kind);
    }
    socket.conn.terminate();
  }

  private openOne(): LoadSocket {
    const index = this.nextIndex++;
    const ips = this.plan.sourceIps;
    const extra = {
      ...(ips.length > 0 ? { localAddress: ips[index % ips.length] } : {}),
      ...(this.plan.agentFor ? { agent: this.plan.agentFor(this.lifetime.signal) } : {}),
    };
    this.counts.attempts++;
    this.connecting++;
    const socket: LoadSocket = {
      conn: undefined as unknown as LoadConn,
      index,
      seq: 0,
      startedAt: performance.now(),
      isOpen: false,
      isClosing: false,
      hasFailed: false,
      hasOpened: false,
      awaiting: 0,
      received: 0,
      ...(this.plan.makeCodec ? { codec: this.plan.makeCodec() } : {}),
    };
    try {
      socket.conn = this.lean ? this.lean.open(socket, extra) : this.openWs(socket, extra);
    } catch (err) {
      this.connecting--;
      this.counts.failed++;
      this.countError(errorKind(err), err);
      throw err;
    }
    this.sockets.add(socket);
    return socket;
  }

  /** The fallback: a ws WebSocket, its events passed to the same sink. */
  private openWs(socket: LoadSocket, extra: WebSocket.ClientOptions): LoadConn {
    const ws = new WebSocket(this.plan.url, this.plan.protocols, { ...this.plan.wsOptions, ...extra });
    const sink = this.sink;
    ws.on('open', () => sink.open(socket));
    ws.on('message', (data, isBinary) => sink.message(socket, data as Buffer, isBinary));
    ws.on('error', (err) => sink.error(socket, err));
    ws.on('close', (code, reason) => sink.close(socket, code, reason));
    return ws;
  }

  private onSocketOpen(socket: LoadSocket): void {
    // With a codec the connection is ready for sends once the protocol's opening is done (ctx.ready).
    if (socket.codec) socket.codec.opened(this.contextOf(socket));
    else this.onOpened(socket);
  }

  private onSocketError(socket: LoadSocket, err: Error): void {
    settle(socket, classifyError(err));
    const wasConnecting = !socket.isOpen && !socket.hasFailed;
    socket.hasFailed = true;
    socket.isOpen = false;
    if (wasConnecting) this.connecting--;
    // Cutting off the connections still opening when the run ends is wsx's doing, not the server's.
    if (this.isStopping) return;
    if (wasConnecting) this.counts.failed++;
    this.countError(errorKind(err), err);
  }

  private onSocketClose(socket: LoadSocket, code: number, reason: Buffer): void {
    this.sockets.delete(socket);
    if (socket.codec) {
      const refusal = socket.codec.closed(code, reason.toString(), this.contextOf(socket));
      socket.codec.dispose();
      settle(
        socket,
        refusal ??
          new WsxError(
            'closed-by-peer',
            `the server closed (${code}) before the protocol's opening finished`,
            {
              details: { closeCode: code, closeReason: reason.toString() },
            },
          ),
      );
      this.awaitingTotal -= socket.awaiting;
      this.counts.unanswered += socket.awaiting;
      socket.awaiting = 0;
      // Opened as a socket but never ready: the protocol's opening failed (the server closed first).
      if (!socket.hasOpened && !socket.hasFailed) {
        socket.hasFailed = true;
        this.connecting--;
        if (!this.isStopping) {
          this.counts.failed++;
          this.countError(`close_${code}`);
        }
      }
    }
    settle(socket, undefined);
    const at = this.open.indexOf(socket);
    if (at >= 0) this.open.splice(at, 1);
    if (socket.hasOpened && !socket.isClosing && !this.isStopping) {
      this.counts.lost++;
      // One failure, one error: a socket an error ended was counted by its error.
      if (!socket.hasFailed) this.countError(`close_${code}`);
    }
    socket.isOpen = false;
    if (this.sockets.size === 0) this.allClosed?.();
  }

  private onMessage(socket: LoadSocket, data: Buffer, isBinary: boolean): void {
    const now = this.elapsedMs();
    if (socket.codec) {
      socket.codec.received(
        { data, isBinary, receivedAt: now, seq: ++socket.received },
        this.contextOf(socket),
      );
      return;
    }
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
      this.recordRtt(now - sent.at);
      return;
    }
    const id = key === undefined ? undefined : `${socket.index} ${key}`;
    const from = id === undefined ? undefined : this.pending.get(id);
    if (from === undefined) {
      this.counts.unmatched++;
      return;
    }
    this.pending.delete(id!);
    this.recordRtt(now - from);
  }

  private countError(kind: string, err?: unknown): void {
    this.counts.errors[kind] = (this.counts.errors[kind] ?? 0) + 1;
    const code = (err as { code?: unknown })?.code;
    if (typeof code === 'string' && code in limitHints) this.refusedUntilMs = this.elapsedMs() + 1000;
    if (typeof code === 'string' && code in limitHints && !this.warned.has(code)) {
      this.warned.add(code);
      this.hooks.warning?.({ code, message: `the machine refused a connection: ${limitHints[code]}` });
    }
  }

  /** Waits up to drainMs for the replies still due. */
  private async drain(): Promise<void> {
    const until = performance.now() + this.plan.drainMs;
    while (
      this.pending.size + this.fanoutPending.size + this.awaitingTotal > 0 &&
      performance.now() < until &&
      !this.lifetime.signal.aborted
    )
      await new Promise((r) => setTimeout(r, 5));
  }

  private async closeAll(code: 1000 | 1001): Promise<void> {
    this.isStopping = true;
    this.endedAtMs = performance.now();
    this.counts.unanswered += this.pending.size + this.fanoutPending.size;
    // Connections still in their opening handshake when the run ends never opened within it.
    if (this.connecting > 0) {
      this.counts.failed += this.connecting;
      this.counts.errors.still_connecting = (this.counts.errors.still_connecting ?? 0) + this.connecting;
    }
    this.pending.clear();
    this.fanoutPending.clear();
    const closed = new Promise<void>((resolve) => (this.allClosed = resolve));
    if (this.sockets.size === 0) this.allClosed?.();
    // A copy: a connection still in its handshake may close at once, leaving the set while it is walked.
    for (const socket of [...this.sockets]) {
      socket.isClosing = true;
      if (socket.conn.readyState === WebSocket.OPEN) socket.conn.close(code);
      else socket.conn.terminate();
    }
    const cutOff = setTimeout(() => {
      for (const socket of [...this.sockets]) socket.conn.terminate();
    }, this.plan.closeTimeoutMs);
    await closed;
    clearTimeout(cutOff);
    this.lifetime.abort();
  }
}

/** Hands the probe's wait its answer, once: the first of open, error or close. */
function settle(socket: LoadSocket, err: WsxError | undefined): void {
  const settled = socket.settled;
  // Only the probe has one: writing the field on every record would give each a larger shape.
  if (!settled) return;
  socket.settled = undefined;
  settled(err);
}
