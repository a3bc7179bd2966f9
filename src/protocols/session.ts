// A codec wired to a Connection: frames in and out, the protocol's opening on every socket, and its failures.

import { EventEmitter } from 'node:events';
import { systemClock, type Clock } from '../core/clock.js';
import type { Connection } from '../core/connection.js';
import { WsxError } from '../core/errors.js';
import type { CancelTimer } from '../core/clock.js';
import type { StateChange } from '../core/events.js';
import { isInputError, type Codec, type CodecContext, type ProtocolMessage } from './codec.js';

export type ProtocolEvents = {
  message: [msg: ProtocolMessage];
  /** The protocol's opening finished on a socket (every socket: it repeats after a reconnect). */
  ready: [info: { detail: string; isReconnect: boolean }];
  note: [text: string];
  /** Detail for --verbose only. */
  detail: [text: string];
  /** The protocol refused us for good; the connection is being closed. Emitted once. */
  failure: [err: WsxError];
};

/**
 * Sits between a mode and its Connection. The Connection knows nothing of protocols: this class listens to
 * its `state` and `message` events, and the codec sends through `conn.send`. Create it before anything else
 * listens to the connection, so its verdict on a closing socket (`failure`) is known to later listeners.
 */
export class ProtocolSession extends EventEmitter<ProtocolEvents> {
  /** The failure that ended the run, once the protocol refused us. */
  failure: WsxError | undefined;
  /**
   * Input lines the codec held for the protocol's opening and never sent, once the connection ended for
   * good: the user's messages, dropped.
   */
  droppedInputs = 0;
  private isDisposed = false;
  private readyCount = 0;
  /** False once a frame of the current input() found the connection's queue full. */
  private hasRoom = true;
  /** Callbacks for frames not yet written, by the frame itself (equal frames are written in send order). */
  private readonly writeWaiters = new Map<string | Buffer, ((at: number) => void)[]>();
  private isReadyNow = false;
  private readonly ctx: CodecContext;
  private cancelOpeningTimer: CancelTimer | undefined;

  /**
   * `openingTimeoutMs` (default 10000, like the WebSocket handshake): a socket whose protocol opening has
   * not finished by then is a failure, so a server that speaks another protocol cannot hang the run.
   */
  constructor(
    readonly conn: Connection,
    readonly codec: Codec,
    clock: Clock = systemClock,
    private readonly openingTimeoutMs = 10_000,
  ) {
    super();
    this.ctx = {
      send: (frame, onWritten) => {
        if (onWritten) {
          const waiting = this.writeWaiters.get(frame);
          if (waiting) waiting.push(onWritten);
          else this.writeWaiters.set(frame, [onWritten]);
        }
        if (!conn.send(frame)) this.hasRoom = false;
      },
      sendOwn: (frame) => void conn.send(frame, { isProtocolFrame: true }),
      deliver: (msg) => this.emit('message', msg),
      ready: (detail) => {
        this.cancelOpeningTimer?.();
        this.isReadyNow = true;
        this.emit('ready', { detail, isReconnect: this.readyCount++ > 0 });
      },
      keepAlive: () => conn.markKeepAlive(),
      note: (text) => this.emit('note', text),
      detail: (text) => this.emit('detail', text),
      // Through the retry policy: a server whose timer values make the codec give up at once must not
      // get a fresh connection every millisecond (measured: 587 in a few seconds).
      reconnect: (why) => conn.abandonSocket(why),
      fail: (err) => this.fail(err),
      protocol: () => conn.snapshot().protocol,
      now: () => clock.now(),
      setTimer: (ms, fn) => clock.setTimer(ms, fn),
    };
    // SignalR's /negotiate: a step before every socket, the first and each after a reconnect.
    if (codec.prepareSocket) conn.prepareSockets(codec.prepareSocket);
    conn.on('state', (change) => this.onState(change));
    const settle = (data: string | Buffer, at: number | undefined) => {
      const waiting = this.writeWaiters.get(data);
      const next = waiting?.shift();
      if (waiting?.length === 0) this.writeWaiters.delete(data);
      if (next && at !== undefined) next(at);
    };
    conn.on('sent', (msg) => settle(msg.data, clock.now()));
    conn.on('dropped', ({ msg }) => settle(msg.data, undefined));
    conn.on('message', (frame) => {
      if (!this.failure) this.guarded('on a message from the server', () => codec.received(frame, this.ctx));
    });
  }

  /**
   * Runs one of the codec's handlers. They run inside the connection's event handlers, where an exception
   * (a bug in wsx, on a frame nobody foresaw) was a stack trace and exit 1: it ends the run with one line.
   */
  private guarded(when: string, run: () => void): void {
    try {
      run();
    } catch (err) {
      const what = err instanceof Error ? err.message : String(err);
      this.fail(
        new WsxError('protocol', `the ${this.codec.name} codec failed ${when}: ${what}`, {
          hint: 'a bug in wsx; run with --verbose for the stack trace',
          cause: err,
        }),
      );
    }
  }

  /** True once the protocol's opening has finished on any socket: a later failure is a lost connection. */
  get hasBeenReady(): boolean {
    return this.readyCount > 0;
  }

  /** True while the current socket has finished the protocol's opening. */
  get isReady(): boolean {
    return this.isReadyNow;
  }

  /**
   * Sends one line the user typed. Returns false when the connection's queue is full (wait for its
   * `drain`), like Connection.send. Throws InputError for a line the protocol cannot send.
   */
  input(line: string): boolean {
    this.hasRoom = true;
    let refusal: Error | undefined;
    this.guarded('on an input line', () => {
      try {
        this.codec.input(line, this.ctx);
      } catch (err) {
        // The line's own fault: the caller skips it and says why. Anything else is a bug, and ends the run.
        if (!isInputError(err)) throw err;
        refusal = err;
      }
    });
    if (refusal) throw refusal;
    return this.hasRoom;
  }

  private onState(change: StateChange): void {
    if (change.to === 'open') {
      this.isReadyNow = false;
      this.cancelOpeningTimer = this.ctx.setTimer(this.openingTimeoutMs, () => {
        this.fail(
          new WsxError(
            'timeout',
            `the server did not finish the ${this.codec.name} opening within ${this.openingTimeoutMs} ms`,
            {
              hint: `does it speak ${this.codec.name}? check the URL${this.codec.name === 'socketio' ? ' and --path' : ''}`,
            },
          ),
        );
      });
      this.guarded('opening the protocol', () => this.codec.opened(this.ctx));
      return;
    }
    this.cancelOpeningTimer?.();
    // Once per socket, when it has ended: our own close goes open → closing → closed, and telling the codec
    // at both steps printed its notes ("1 request(s) still unanswered") twice.
    if ((change.from === 'open' || change.from === 'closing') && change.to !== 'closing') {
      this.isReadyNow = false;
      this.guarded('as the socket closed', () => {
        const failure = this.codec.closed(change.closeCode ?? 1005, change.closeReason ?? '', this.ctx);
        if (failure) this.fail(failure);
      });
    }
    if (change.to === 'closed') this.disposeCodec();
  }

  /** Stops the codec once; the input it still held for the protocol's opening is now dropped. */
  private disposeCodec(): void {
    if (this.isDisposed) return;
    this.isDisposed = true;
    this.droppedInputs += this.codec.heldInputs?.() ?? 0;
    this.codec.dispose();
  }

  private fail(err: WsxError): void {
    this.cancelOpeningTimer?.();
    if (this.failure) return;
    this.failure = err;
    this.isReadyNow = false;
    this.disposeCodec();
    this.emit('failure', err);
    // Later: the state change being emitted now reaches every listener before the connection closes.
    queueMicrotask(() => void this.conn.close(1000, ''));
  }
}
