// The replay walk behind `wsx serve --replay`: one recorded session played back to one client. Pure apart
// from the clock and the callbacks it is given, so tests drive it with a fake clock and no sockets.

import type { Clock, CancelTimer } from '../core/clock.js';
import { lookup, parsePath, describeValue, type JsonPath } from '../match/matcher.js';
import type { RecordedFrame, RecordedSession } from './recording.js';
import { matcherFor } from './to-scenario.js';

export type OnMismatch = 'skip' | 'hold' | 'close';

export interface ReplayOptions {
  /** Gaps are divided by this: 1 as recorded, 10 ten times faster, 0 no delay at all. */
  speed: number;
  /** `json PATH` rules: when any are given, only those fields are compared; otherwise the exact message. */
  match: JsonPath[];
  /**
   * skip: ignore the message and keep waiting for the expected one; hold: stop the walk, keep the socket
   * open; close: close with 1008.
   */
  onMismatch: OnMismatch;
}

export interface ReplayPeer {
  send(data: string | Buffer, isBinary: boolean): void;
  close(code: number, reason: string): void;
  /** Mismatches and the end of the walk, for stderr. */
  log(line: string): void;
}

/** "10x", "10", "0.5" → the divisor for gaps; undefined when it is not a number ≥ 0. */
export function parseSpeed(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*x?\s*$/i.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** The rules of `--match 'json PATH'`, repeatable; throws a message naming the bad one. */
export function parseMatchRule(text: string): JsonPath {
  const m = /^\s*json\s+(\S+)\s*$/.exec(text);
  if (!m) throw new Error(`--match "${text}": write it as 'json PATH', e.g. --match 'json type'`);
  try {
    return parsePath(m[1]!);
  } catch (err) {
    throw new Error(`--match "${text}": ${(err as Error).message}`, { cause: err });
  }
}

// Close codes that cannot go in a close frame (RFC 6455 §7.4.1): a recorded 1005/1006/1015 is replayed as 1000.
const unsendableCodes = new Set([1005, 1006, 1015]);

function shown(data: string | Buffer, isBinary: boolean): string {
  if (isBinary) return `binary ${Buffer.from(data).toString('base64').slice(0, 80)} (base64)`;
  const text = data.toString();
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 120)}…` : text);
}

/** A ticker has at least this many messages of one shape... */
const minTickerMessages = 3;
/** ...their gaps within this factor of the median gap (recorded ticks jitter by a few ms)... */
const tickerGapFactor = 2;
/** ...for at least this share of the gaps... */
const minSteadyShare = 0.75;
/** ...and a median gap at least this long, ms: a burst of same-shaped replies (a history) is no ticker. */
const minTickerGapMs = 20;

/**
 * Server pushes the client did not ask for, each message's index mapped to the index of the client message
 * its ticker started after (-1: the connection's open). A ticker is three or more server messages of one
 * shape (what `wsx scenario` would expect of them: `json type == "tick"`) at a steady interval (three
 * quarters of the gaps within half to twice their median); a reply that happens to share a shape with
 * others comes at irregular gaps, after each request, and stays a reply.
 */
export function findTickers(frames: RecordedFrame[]): Map<number, number> {
  const byShape = new Map<string, number[]>();
  for (const [i, f] of frames.entries()) {
    if (f.from !== 'server') continue;
    const shape = f.isBinary ? 'binary' : matcherFor(f.data.toString());
    const list = byShape.get(shape) ?? [];
    list.push(i);
    byShape.set(shape, list);
  }
  const anchors = new Map<number, number>();
  for (const indices of byShape.values()) {
    if (indices.length < minTickerMessages) continue;
    const gaps = indices.slice(1).map((n, k) => frames[n]!.atMs - frames[indices[k]!]!.atMs);
    const median = [...gaps].sort((a, b) => a - b)[Math.floor(gaps.length / 2)]!;
    if (median < minTickerGapMs) continue;
    // A server under load delays a tick now and then (Node's setInterval does not catch up): a quarter
    // of the gaps may be off.
    const steady = gaps.filter((g) => g <= median * tickerGapFactor && g >= median / tickerGapFactor);
    if (steady.length < gaps.length * minSteadyShare) continue;
    // The client message before the first tick started it (a subscribe), or nothing did.
    let anchor = -1;
    for (let i = indices[0]! - 1; i >= 0; i--)
      if (frames[i]!.from === 'client') {
        anchor = i;
        break;
      }
    for (const i of indices) anchors.set(i, anchor);
  }
  return anchors;
}

/**
 * findTickers once per recorded session, not per client: 100,000 frames took 645 ms, and each client that
 * connects gets a walk. Derived from the session alone (kept only while the session is), so walks that
 * share it cannot affect each other.
 */
const tickersBySession = new WeakMap<RecordedSession, Map<number, number>>();
function tickersOf(session: RecordedSession): Map<number, number> {
  let tickers = tickersBySession.get(session);
  if (!tickers) tickersBySession.set(session, (tickers = findTickers(session.frames)));
  return tickers;
}

export class ReplayWalk {
  private readonly frames: RecordedFrame[];
  /** Ticker messages: index → the client message (-1: the open) their own timer counts from. */
  private readonly tickers: Map<number, number>;
  /** Index of the next recorded client frame the walk waits for (frames.length: none left). */
  private next: number;
  private timers = new Set<CancelTimer>();
  private isHeld = false;
  private isStopped = false;

  constructor(
    private readonly session: RecordedSession,
    private readonly options: ReplayOptions,
    private readonly clock: Clock,
    private readonly peer: ReplayPeer,
  ) {
    this.frames = session.frames;
    this.tickers = tickersOf(session);
    this.next = this.nextClient(0);
  }

  /** Sends the server frames recorded before the first client frame, at their recorded offsets. */
  start(): void {
    this.play(0, this.next, 0);
    this.playTickers(-1, 0);
  }

  /** A message from the client: matched against the next recorded client frame. */
  receive(data: string | Buffer, isBinary: boolean): void {
    if (this.isStopped || this.isHeld) return;
    const expected = this.frames[this.next];
    if (!expected) {
      this.peer.log(
        `replay: got ${shown(data, isBinary)} after the recording's last client message; ignored`,
      );
      return;
    }
    const why = this.mismatch(expected, data, isBinary);
    if (why !== undefined) {
      this.peer.log(
        `replay: client message ${this.clientNumber(this.next)} does not match (${why}): expected ${shown(expected.data, expected.isBinary)}, got ${shown(data, isBinary)}; ${this.reaction()}`,
      );
      if (this.options.onMismatch === 'hold') {
        // Nothing more goes out, not even frames already scheduled (a ticker): the socket stays open.
        this.isHeld = true;
        this.cancelPending();
      }
      if (this.options.onMismatch === 'close') {
        this.stop();
        this.peer.close(1008, 'replay: unexpected message');
      }
      return;
    }
    const matched = this.next;
    const after = matched + 1;
    this.next = this.nextClient(after);
    // Exact matching leaves nothing to carry over; with --match rules the client's ids may differ.
    const echoed = this.options.match.length > 0 ? echoesOf(expected, data, isBinary) : undefined;
    this.play(after, this.next, expected.atMs, echoed);
    this.playTickers(matched, expected.atMs);
  }

  /** Cancels every pending frame: the client left. */
  stop(): void {
    this.isStopped = true;
    this.cancelPending();
  }

  private cancelPending(): void {
    for (const cancel of this.timers) cancel();
    this.timers.clear();
  }

  private reaction(): string {
    switch (this.options.onMismatch) {
      case 'skip':
        return 'ignored, still waiting for the expected one';
      case 'hold':
        return 'the replay stops here (--on-mismatch hold)';
      case 'close':
        return 'closing with 1008 (--on-mismatch close)';
    }
  }

  private clientNumber(index: number): number {
    return this.frames.slice(0, index + 1).filter((f) => f.from === 'client').length;
  }

  private nextClient(from: number): number {
    const i = this.frames.findIndex((f, n) => n >= from && f.from === 'client');
    return i < 0 ? this.frames.length : i;
  }

  private delay(gapMs: number): number {
    return this.options.speed === 0 ? 0 : Math.max(0, gapMs) / this.options.speed;
  }

  /** Schedules frames[from, to) (server frames) at their gaps after `baseAtMs`; then the close when the walk is over. */
  private play(from: number, to: number, baseAtMs: number, echoed?: Echoes): void {
    // Each burst is timed from the message that triggered it, not queued behind earlier ones: a ticker
    // recorded before the first client message must not delay the replies to that message.
    const base = this.clock.now();
    for (let i = from; i < to; i++) {
      if (this.tickers.has(i)) continue;
      const frame = this.frames[i]!;
      const data = echoed && !frame.isBinary ? withEchoes(frame.data.toString(), echoed) : frame.data;
      this.at(base + this.delay(frame.atMs - baseAtMs), () => this.peer.send(data, frame.isBinary));
    }
    if (to < this.frames.length) return;
    const close = this.session.close;
    if (close?.by === 'server') {
      const code = unsendableCodes.has(close.code) ? 1000 : close.code;
      this.at(base + this.delay(close.atMs - baseAtMs), () => {
        this.stop();
        this.peer.close(code, close.reason);
      });
    }
  }

  /**
   * Schedules every tick of the tickers that `anchor` (a client message's index, -1 for the open) started,
   * at their recorded offsets from it: later client messages, sent early, late or never, do not move them.
   */
  private playTickers(anchor: number, baseAtMs: number): void {
    const base = this.clock.now();
    for (const [i, from] of this.tickers) {
      if (from !== anchor) continue;
      const frame = this.frames[i]!;
      this.at(base + this.delay(frame.atMs - baseAtMs), () => this.peer.send(frame.data, frame.isBinary));
    }
  }

  private at(when: number, fn: () => void): void {
    const cancel = this.clock.setTimer(when - this.clock.now(), () => {
      this.timers.delete(cancel);
      if (!this.isStopped) fn();
    });
    this.timers.add(cancel);
  }

  private mismatch(expected: RecordedFrame, data: string | Buffer, isBinary: boolean): string | undefined {
    if (expected.isBinary !== isBinary) return expected.isBinary ? 'binary expected' : 'text expected';
    if (this.options.match.length === 0) {
      if (isBinary) return Buffer.from(expected.data).equals(Buffer.from(data)) ? undefined : 'bytes differ';
      return expected.data.toString() === data.toString() ? undefined : 'text differs';
    }
    const want = parseJson(expected.data.toString());
    const got = parseJson(data.toString());
    if (got === notJson) return 'not JSON';
    for (const path of this.options.match) {
      const a = want === notJson ? { found: false } : lookup(want, path);
      const b = lookup(got, path);
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        const name = path.join('.');
        return `json ${name}: ${b.found ? describeValue(b.value) : 'missing'}, recorded ${a.found ? describeValue(a.value) : 'missing'}`;
      }
    }
    return undefined;
  }
}

/** Per key, a recorded client value (as JSON text) and what this client sent in its place. */
type Echoes = Map<string, Map<string, unknown>>;

/**
 * Where this client's matched message differs from the recorded one in a scalar under the same key (its
 * own request id, a nonce), the pairs recorded → sent; undefined when there are none or either is not JSON.
 */
function echoesOf(recorded: RecordedFrame, data: string | Buffer, isBinary: boolean): Echoes | undefined {
  if (recorded.isBinary || isBinary) return undefined;
  const was = parseJson(recorded.data.toString());
  const now = parseJson(data.toString());
  if (was === notJson || now === notJson) return undefined;
  const echoes: Echoes = new Map();
  const walk = (a: unknown, b: unknown, key: string | undefined, depth: number) => {
    if (depth > 6) return;
    if (a !== null && b !== null && typeof a === 'object' && typeof b === 'object') {
      for (const [k, v] of Object.entries(a))
        walk(v, (b as Record<string, unknown>)[k], Array.isArray(a) ? key : k, depth + 1);
      return;
    }
    if (key === undefined || a === b || !isScalar(a) || !isScalar(b)) return;
    const pairs = echoes.get(key) ?? new Map<string, unknown>();
    pairs.set(JSON.stringify(a), b);
    echoes.set(key, pairs);
  };
  walk(was, now, undefined, 0);
  return echoes.size > 0 ? echoes : undefined;
}

/**
 * A recorded server message with the client's values put back where it echoed the recorded client's:
 * a leaf under the same key with the recorded value (a JSON-RPC answer's `id`). Other text is unchanged.
 */
function withEchoes(text: string, echoes: Echoes): string {
  const value = parseJson(text);
  if (value === notJson) return text;
  let isChanged = false;
  const put = (v: unknown, key: string | undefined, depth: number): unknown => {
    if (depth > 6) return v;
    if (Array.isArray(v)) return v.map((item) => put(item, key, depth + 1));
    if (v !== null && typeof v === 'object')
      return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, put(item, k, depth + 1)]));
    const pairs = key === undefined ? undefined : echoes.get(key);
    const recorded = JSON.stringify(v);
    if (!pairs?.has(recorded)) return v;
    isChanged = true;
    return pairs.get(recorded);
  };
  const out = put(value, undefined, 0);
  return isChanged ? JSON.stringify(out) : text;
}

function isScalar(value: unknown): boolean {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

const notJson = Symbol('not JSON');
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return notJson;
  }
}
