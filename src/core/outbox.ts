// The sending side of a connection: the timed-drop queue, the socket it feeds, deadlines and flush waiters.

import type WebSocket from 'ws';
import type { CancelTimer, Clock } from './clock.js';
import type { DropReason } from './events.js';
import type { Outgoing, SendQueue } from './send-queue.js';

export interface OutboxHooks {
  /** A message was handed to the socket. */
  sent(msg: Outgoing): void;
  dropped(msg: Outgoing, why: DropReason): void;
  /** The queue went from full back to half: a paused producer may resume. */
  drain(): void;
  /** A write the socket accepted failed because the socket died. */
  unconfirmed(): void;
}

/**
 * Writes handed to the socket and not yet called back, at most. Each costs ~1 KB of stream bookkeeping
 * whatever its size, and past ~16k entries the stream's buffer array lives in V8's old space: with a
 * server that never reads, 150,000 one-byte lines in flight under the byte mark alone peaked at 230 MiB
 * RSS; capped at 1024, under 100 MiB (issue 15), with no loss of loopback throughput.
 */
const maxInFlight = 1024;

/**
 * Messages go straight to the socket while it is open, has room (bufferedAmount under the high-water
 * mark, fewer than maxInFlight writes pending) and nothing is waiting; otherwise they wait in the queue, in order, until the next write callback
 * or the next socket. A message whose deadline passes while it waits is dropped.
 */
export class Outbox {
  private socket: WebSocket | undefined;
  private inFlight = 0;
  private isProducerPaused = false;
  private isClosed = false;
  private cancelDeadline: CancelTimer | undefined;
  private deadlineTimerAt: number | undefined;
  private flushWaiters: ((isFlushed: boolean) => void)[] = [];

  constructor(
    private readonly queue: SendQueue,
    private readonly clock: Clock,
    /** Bytes in the socket's buffer above which the queue stops feeding it. */
    private readonly highWaterBytes: number,
    private readonly hooks: OutboxHooks,
  ) {}

  get length(): number {
    return this.queue.length;
  }

  /** The oldest `limit` waiting messages. */
  waiting(limit: number): readonly Outgoing[] {
    return this.queue.peekMany(limit);
  }

  /** Writes `msg` now if it can, else queues it. False when the queue is full: pause the producer. */
  offer(msg: Outgoing): boolean {
    if (this.isClosed) {
      this.hooks.dropped(msg, 'closed');
      return false;
    }
    const socket = this.socket;
    // Fast path: nothing waiting and room in the socket, so write now and keep the queue out of it.
    if (socket && this.queue.length === 0 && this.hasRoom(socket)) {
      this.write(socket, msg);
      return true;
    }
    const hasRoom = this.queue.push(msg);
    if (!hasRoom) this.isProducerPaused = true;
    if (msg.deadlineAt !== undefined) this.armDeadlineTimer();
    return hasRoom;
  }

  /** An open socket to write to; the queue starts flowing into it. */
  attach(socket: WebSocket): void {
    this.socket = socket;
    this.flush();
  }

  /** The socket is closing or gone: keep messages queued for the next one. */
  detach(): void {
    this.socket = undefined;
  }

  /** Resolves true once nothing is queued or being written on an open socket; false if close() comes first. */
  flushed(): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(this.queue.length === 0 && this.inFlight === 0);
    if (this.isFlushed()) return Promise.resolve(true);
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** For good: drops what is queued (why 'closed'), stops the deadline timer, answers flush waiters with false. */
  close(): void {
    this.isClosed = true;
    this.socket = undefined;
    this.cancelDeadline?.();
    this.cancelDeadline = this.deadlineTimerAt = undefined;
    for (const msg of this.queue.takeAll()) this.hooks.dropped(msg, 'closed');
    for (const resolve of this.flushWaiters.splice(0)) resolve(false);
  }

  private flush(): void {
    const socket = this.socket;
    if (!socket) return;
    const now = this.clock.now();
    while (this.hasRoom(socket) && this.socket === socket) {
      const msg = this.queue.shift();
      if (!msg) break;
      if (msg.deadlineAt !== undefined && msg.deadlineAt <= now) this.hooks.dropped(msg, 'deadline');
      else this.write(socket, msg);
    }
    this.maybeDrain();
    this.checkFlushed();
  }

  private hasRoom(socket: WebSocket): boolean {
    return socket.bufferedAmount < this.highWaterBytes && this.inFlight < maxInFlight;
  }

  private write(socket: WebSocket, msg: Outgoing): void {
    this.inFlight++;
    socket.send(msg.data, { binary: msg.isBinary }, this.onWritten);
    this.hooks.sent(msg);
  }

  // One shared callback for every write: a closure per message would cost more than the write.
  private readonly onWritten = (err?: Error): void => {
    this.inFlight--;
    if (err) {
      this.hooks.unconfirmed();
      this.checkFlushed();
      return;
    }
    if (this.queue.length > 0) this.flush();
    else this.checkFlushed();
  };

  private maybeDrain(): void {
    if (this.isProducerPaused && this.queue.hasRoom()) {
      this.isProducerPaused = false;
      this.hooks.drain();
    }
  }

  private isFlushed(): boolean {
    return this.queue.length === 0 && this.inFlight === 0 && (this.socket?.bufferedAmount ?? 0) === 0;
  }

  private checkFlushed(): void {
    if (this.flushWaiters.length === 0 || !this.socket || !this.isFlushed()) return;
    for (const resolve of this.flushWaiters.splice(0)) resolve(true);
  }

  private armDeadlineTimer(): void {
    const next = this.queue.nextDeadline();
    if (next === undefined || (this.deadlineTimerAt !== undefined && this.deadlineTimerAt <= next)) return;
    this.cancelDeadline?.();
    this.deadlineTimerAt = next;
    this.cancelDeadline = this.clock.setTimer(Math.max(0, next - this.clock.now()), () => {
      this.cancelDeadline = this.deadlineTimerAt = undefined;
      for (const msg of this.queue.expire(this.clock.now())) this.hooks.dropped(msg, 'deadline');
      this.maybeDrain();
      this.armDeadlineTimer();
    });
  }
}
