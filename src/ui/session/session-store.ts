// Collects a connection's events for the UI and publishes a new view at most ~30 times a second: news after
// a quiet spell at once, news within a flush period of the last view at the period's end, and a change of
// the connection's state at once whatever came before it.

import type { Connection } from '../../core/connection.js';
import type { Contract } from '../../contract/index.js';
import { markOf } from '../log/contract-mark.js';
import type { ConnectionEvents, ConnectionSnapshot, Outgoing } from '../../core/events.js';
import type { WsxError } from '../../core/errors.js';
import type { ProtocolMessage } from '../../protocols/codec.js';
import type { ProtocolSession } from '../../protocols/session.js';
import { decodedEntry } from '../log/protocol-entry.js';
import { describeStateChange } from '../components/state-label.js';
import { plural } from '../../text/plural.js';
import type { LogEntry } from '../log/log-entry.js';
import { LogBuffer, type LogBufferLimits } from '../log/log-buffer.js';

export interface SessionView {
  snap: ConnectionSnapshot;
  /** The oldest queued messages, for the queue panel. */
  queued: readonly Outgoing[];
  /** How many queued messages exist beyond `queued`. */
  moreQueued: number;
  /** Clock time of this view, ms (countdowns are computed against it). */
  now: number;
  /** Changes whenever new log entries are waiting in takeEntries() or were added to the lens's log. */
  entriesVersion: number;
}

export interface StoreOptions {
  showPingPong: boolean;
  /** Ms between published views. Default 33 (about 30 per second). */
  flushMs?: number;
  /** Log entries kept between flushes; beyond this, the oldest are summarised as "N more". Default 200. */
  maxPendingEntries?: number;
  now?: () => number;
  /**
   * Keep entries in a bounded ring for the full-screen lens instead of handing them out once (inline).
   * Default: inline.
   */
  logLimits?: LogBufferLimits;
  /**
   * The --proto codec over the connection: the log then shows its decoded messages instead of frames, and
   * lines as typed instead of the frames they became (the protocol's own pongs and handshakes stay out).
   */
  proto?: ProtocolSession;
  /** --asyncapi: each text message sent and received carries its verdict (the lens marks its row). */
  contract?: Contract;
}

const queuePreviewCount = 5;

/** Subscriptions to a connection's events in one list: each `listen` also records how to undo itself. */
function listenerList(conn: Connection) {
  const offs: (() => void)[] = [];
  const listen = <K extends keyof ConnectionEvents>(
    event: K,
    listener: (...args: ConnectionEvents[K]) => void,
  ): void => {
    conn.on(event, listener as never);
    offs.push(() => conn.off(event, listener as never));
  };
  return { listen, off: () => offs.forEach((off) => off()) };
}

export class SessionStore {
  private view: SessionView;
  private listeners = new Set<() => void>();
  private pending: LogEntry[] = [];
  private skipped = 0;
  private flushTimer: NodeJS.Timeout | undefined;
  /** this.now() at which the pending flush runs, and at which the last one ran. */
  private flushDueAt = 0;
  private lastFlushAt = -Infinity;
  private readonly ticker: NodeJS.Timeout;
  private readonly detach: () => void;
  private readonly flushMs: number;
  private readonly maxPending: number;
  private readonly now: () => number;
  private hasNewEntries = false;
  /** The full-screen lens's entries; undefined in inline mode, where entries are printed once. */
  readonly log: LogBuffer | undefined;

  constructor(
    private readonly conn: Connection,
    options: StoreOptions,
  ) {
    this.flushMs = options.flushMs ?? 33;
    this.maxPending = options.maxPendingEntries ?? 200;
    this.now = options.now ?? Date.now;
    this.log = options.logLimits ? new LogBuffer(options.logLimits) : undefined;
    this.view = this.buildView(0);
    const offs = [
      options.proto ? this.showDecoded(options.proto) : this.showFrames(options.contract),
      this.showConnection(options),
    ];
    this.detach = () => offs.forEach((off) => off());
    // Countdowns ("retry in 3s", "up 2m", "27s left") move even when nothing happens.
    this.ticker = setInterval(() => this.schedule(), 1000);
  }

  /** With a --proto codec: its decoded messages, its ready line, notes and failures. Returns the unsubscribe. */
  private showDecoded(proto: ProtocolSession): () => void {
    const onMessage = (msg: ProtocolMessage) => this.add(decodedEntry(msg, this.now()));
    const onReady = ({ detail }: { detail: string }) =>
      detail ? this.add({ kind: 'state', at: this.now(), text: detail, tone: 'good' }) : this.schedule();
    const onNote = (text: string) => this.add({ kind: 'state', at: this.now(), text, tone: 'warn' });
    const onFailure = (err: WsxError) =>
      this.add({ kind: 'state', at: this.now(), text: err.describe(), tone: 'bad' });
    proto.on('message', onMessage);
    proto.on('ready', onReady);
    proto.on('note', onNote);
    proto.on('failure', onFailure);
    return () => {
      proto.off('message', onMessage);
      proto.off('ready', onReady);
      proto.off('note', onNote);
      proto.off('failure', onFailure);
    };
  }

  /** Without a codec: the frames received and sent (with --asyncapi, each with its verdict). Returns the unsubscribe. */
  private showFrames(contract: Contract | undefined): () => void {
    const { listen, off } = listenerList(this.conn);
    // A message from ws can be a view into the much larger chunk the socket read: kept in the lens's log
    // for a long time, that view would pin the whole chunk. A copy holds only the message's own bytes.
    listen('message', (msg) =>
      this.add({
        kind: 'received',
        at: this.now(),
        data: this.log ? Buffer.from(msg.data) : msg.data,
        isBinary: msg.isBinary,
        ...(contract ? { contract: markOf(contract, 'received', msg.data, msg.isBinary) } : {}),
      }),
    );
    listen('sent', (msg) =>
      this.add({
        kind: 'sent',
        at: this.now(),
        data: msg.data,
        isBinary: msg.isBinary,
        ...(contract ? { contract: markOf(contract, 'sent', msg.data, msg.isBinary) } : {}),
      }),
    );
    return off;
  }

  /** Drops, state changes, pings and pongs, with or without a codec. Returns the unsubscribe. */
  private showConnection(options: StoreOptions): () => void {
    const { listen, off } = listenerList(this.conn);
    listen('dropped', ({ msg, why }) =>
      this.add({
        kind: 'dropped',
        at: this.now(),
        data: msg.data,
        isBinary: msg.isBinary,
        why: why === 'deadline' ? 'not sent in time' : 'connection closed',
      }),
    );
    listen('state', (change) => {
      const described = describeStateChange(change);
      if (described) this.add({ kind: 'state', at: this.now(), ...described });
      // The status line's "● open" is what a user waits for after starting a session: it waited up to a
      // whole flush period (33 ms) behind the view that showed "connecting".
      this.schedule({ isUrgent: true });
      // Lines a codec held for its opening (a Socket.IO CONNECT, a graphql-ws ack) never reached the
      // queue, so no `dropped` event names them: say so once the connection has ended for good. The
      // ProtocolSession listened first and has counted them by now.
      const held = change.to === 'closed' ? (options.proto?.droppedInputs ?? 0) : 0;
      if (held > 0)
        this.add({
          kind: 'state',
          at: this.now(),
          text: `${plural(held, 'line', 'lines')} held for the protocol's opening ${held === 1 ? 'was' : 'were'} dropped: never sent`,
          tone: 'bad',
        });
    });
    listen('ping', () => (options.showPingPong ? this.add({ kind: 'ping', at: this.now() }) : undefined));
    listen('pong', ({ rttMs }) =>
      options.showPingPong ? this.add({ kind: 'pong', at: this.now(), rttMs }) : this.schedule(),
    );
    listen('error', () => {}); // each failure also arrives as a state change, which is what the log shows
    return off;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getView = (): SessionView => this.view;

  /** An entry from the UI itself (help text, a command's result). */
  add(entry: LogEntry): void {
    if (this.log) {
      this.log.push(entry);
      this.hasNewEntries = true;
      this.schedule();
      return;
    }
    this.pending.push(entry);
    if (this.pending.length > this.maxPending) {
      this.pending.shift();
      this.skipped++;
    }
    this.schedule();
  }

  /** Empties the lens's log (/clear, Ctrl+L): entries cleared by the user do not count as dropped. */
  clearLog(): void {
    this.log?.clear();
    this.hasNewEntries = true;
    this.schedule();
  }

  /** Publishes a fresh view soon: for changes the connection emits no event for (a message queued offline). */
  refresh(): void {
    this.schedule();
  }

  /** Removes and returns the entries waiting to be printed, with a summary of any that were skipped. */
  takeEntries(): LogEntry[] {
    const taken = this.pending;
    this.pending = [];
    if (this.skipped > 0) {
      taken.unshift({ kind: 'skipped', at: this.now(), count: this.skipped });
      this.skipped = 0;
    }
    return taken;
  }

  dispose(): void {
    clearInterval(this.ticker);
    clearTimeout(this.flushTimer);
    this.detach();
    this.listeners.clear();
  }

  /**
   * Publishes a new view once `flushMs` have passed since the last one, or on the next turn of the event
   * loop when that is already so or the change `isUrgent`. Events of one turn share a view either way.
   * (Each view used to wait a full period after its first event: a message after a quiet spell, or the
   * session's first view, showed 33 ms late.)
   */
  private schedule({ isUrgent = false } = {}): void {
    const now = this.now();
    const dueAt = isUrgent
      ? now
      : Math.max(now, Math.min(this.lastFlushAt + this.flushMs, now + this.flushMs));
    if (this.flushTimer) {
      if (this.flushDueAt <= dueAt) return;
      clearTimeout(this.flushTimer);
    }
    this.flushDueAt = dueAt;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.lastFlushAt = this.now();
      const isNew = this.hasNewEntries || this.pending.length > 0 || this.skipped > 0;
      this.hasNewEntries = false;
      this.view = this.buildView(this.view.entriesVersion + (isNew ? 1 : 0));
      for (const listener of this.listeners) listener();
    }, dueAt - now);
  }

  private buildView(entriesVersion: number): SessionView {
    const snap = this.conn.snapshot();
    const queued = this.conn.queuedMessages(queuePreviewCount);
    return {
      snap,
      queued,
      moreQueued: Math.max(0, snap.counters.queued - queued.length),
      now: this.now(),
      entriesVersion,
    };
  }
}
