// The sending side of a connection: the timed-drop queue, the socket it feeds, deadlines and flush waiters.

import type { Writable } from 'node:stream';
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
  /**
   * `count` messages reached the kernel on a socket that was then lost without a closing handshake, and no
   * pong confirmed them: they may or may not have arrived (TCP tells the application nothing about what
   * the peer read).
   */
  unconfirmed(count: number): void;
}

/** The payload of a delivery ping: "wsxd" and a 32-bit counter. 8 bytes, so never the heartbeat's 4. */
const deliveryPingTag = Buffer.from('wsxd');
const deliveryPingBytes = 8;

/** One attached socket and the messages written to it whose callback has not come back yet, in order. */
class Channel {
  private readonly pending: Outgoing[] = [];
  private head = 0;
  /**
   * User messages handed to this socket. A protocol's own frames (a Socket.IO CONNECT, a pong) count in
   * none of these three: a ping's `upTo` and `accepted` must count the same messages.
   */
  handed = 0;
  /** Messages the kernel accepted on this socket (callbacks come in write order: the first `accepted`). */
  accepted = 0;
  /** Messages the peer has read: those written before the last delivery ping it answered. */
  confirmed = 0;
  /** Delivery pings not answered yet, oldest first, each with the `handed` count it confirms. */
  readonly pings: { payload: Buffer; upTo: number }[] = [];

  private isCorked = false;

  constructor(
    readonly socket: WebSocket,
    /** The TCP (or TLS) socket under `socket`, if known. */
    private readonly transport: Writable | undefined,
    onWritten: (channel: Channel, err: Error | undefined) => void,
  ) {
    // One callback per socket, not per write: a closure per message would cost more than the write.
    this.written = (err) => onWritten(this, err);
  }

  readonly written: (err?: Error) => void;

  /**
   * Holds the transport's writes until the end of this tick, so every frame written in one tick (a stdin
   * chunk's lines, a queue flush) leaves in one writev instead of one syscall each (the syscalls
   * were 40% of a pipe's CPU). ws corks per frame too; corks nest. A close or terminate within the tick
   * is safe: end() uncorks, destroy() fails the held writes, which the Outbox then re-queues.
   */
  cork(): void {
    const transport = this.transport;
    if (this.isCorked || !transport) return;
    this.isCorked = true;
    transport.cork();
    process.nextTick(this.uncork);
  }

  private readonly uncork = (): void => {
    this.isCorked = false;
    this.transport!.uncork();
  };

  get inFlight(): number {
    return this.pending.length - this.head;
  }

  push(msg: Outgoing): void {
    this.pending.push(msg);
    if (!msg.isProtocolFrame) this.handed++;
  }

  /** Accepted by the kernel and not covered by an answered ping: what a lost socket may have lost. */
  get unconfirmed(): number {
    return Math.max(0, this.accepted - this.confirmed);
  }

  /** Written since the newest delivery ping (answered or not): a ping now would confirm them. */
  get hasUnmarked(): boolean {
    const upTo = this.pings.at(-1)?.upTo ?? this.confirmed;
    return this.handed > upTo;
  }

  /** ws calls write callbacks in write order; the oldest pending message is the one answered. */
  shift(): Outgoing {
    const msg = this.pending[this.head]!;
    this.pending[this.head++] = undefined as unknown as Outgoing;
    if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
    return msg;
  }
}

/**
 * Writes handed to the socket and not yet called back, at most. Each costs ~1 KB of stream bookkeeping
 * whatever its size, and past ~16k entries the stream's buffer array lives in V8's old space: with a
 * server that never reads, 150,000 one-byte lines in flight under the byte mark alone peaked at 230 MiB
 * RSS; capped at 1024, under 100 MiB, with no loss of loopback throughput.
 */
const maxInFlight = 1024;

/** Delivery pings waiting for their pong on one socket, at most: a peer that never answers costs no more. */
const maxPendingPings = 4;

/**
 * Messages go straight to the socket while it is open, has room (bufferedAmount under the high-water
 * mark, fewer than maxInFlight writes pending) and nothing is waiting; otherwise they wait in the queue,
 * in order, until the next write callback or the next socket. A message whose deadline passes while it waits is dropped.
 *
 * A write whose callback fails never left the process (the socket died with it still in ws's or Node's
 * buffer): it goes back to the head of the queue, in order, and is written again on the next socket
 * Only what the kernel had already accepted may be lost; that is counted as `unconfirmed`.
 *
 * What the peer has read is known from pongs: a WebSocket peer reads frames in order and answers a ping
 * only after reading what came before it, so a pong confirms every message written before its ping. A
 * delivery ping goes out when the socket goes idle after writing (one per burst, one unanswered at a time)
 * and before our Close frame; a lost socket then counts as unconfirmed only what came after the last
 * answered one. Without that, a server killed while idle an hour after it echoed every line made the
 * run fail for messages long answered. A peer that never answers pings keeps the conservative count.
 */
export class Outbox {
  private channel: Channel | undefined;
  /** The socket our closing handshake is running on: nothing more is written to it, its pongs still count. */
  private closingChannel: Channel | undefined;
  private pingCount = 0;
  /** Channels detached while writes were still in flight: their callbacks are still to come. */
  private draining = new Set<Channel>();
  /** Failed writes waiting to go back to the head of the queue, oldest first. */
  private failed: Outgoing[] = [];
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
    return this.queue.length + this.failed.length;
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
    const channel = this.channel;
    // Fast path: nothing waiting and room in the socket, so write now and keep the queue out of it.
    if (channel && this.length === 0 && this.hasRoom(channel)) {
      this.write(channel, msg);
      return true;
    }
    const hasRoom = this.queue.push(msg);
    if (!hasRoom) this.isProducerPaused = true;
    if (msg.deadlineAt !== undefined) this.armDeadlineTimer();
    return hasRoom;
  }

  /**
   * An open socket to write to; failed writes go first, then the queue flows into it. `transport` (the
   * socket under ws) lets writes of one tick leave together.
   */
  attach(socket: WebSocket, transport?: Writable): void {
    this.requeueFailed();
    this.channel = new Channel(socket, transport, this.onWritten);
    this.flush();
  }

  /**
   * Our closing handshake starts on the socket: a delivery ping goes out ahead of the Close frame for what
   * no pong confirmed yet, and nothing more is written to it. detach() settles its delivery when it ends.
   */
  closing(): void {
    const channel = this.channel;
    if (!channel) return;
    this.pingForDelivery(channel);
    this.channel = undefined;
    this.closingChannel = channel;
    if (channel.inFlight > 0) this.draining.add(channel);
  }

  /**
   * The socket is gone: keep messages queued for the next one. `isLost` (the closing handshake did not
   * complete, or none was started) counts what the kernel accepted on it and no pong confirmed as
   * unconfirmed; a completed closing handshake confirms everything, since the peer read our Close last.
   */
  detach(isLost = false): void {
    const channel = this.channel ?? this.closingChannel;
    this.channel = this.closingChannel = undefined;
    if (!channel) return;
    const unconfirmed = channel.unconfirmed;
    if (isLost && unconfirmed > 0) this.hooks.unconfirmed(unconfirmed);
    channel.accepted = channel.confirmed = 0;
    if (channel.inFlight > 0) this.draining.add(channel);
  }

  /**
   * A pong arrived on the socket. Returns true when it answers one of our delivery pings (the caller then
   * keeps it to itself); everything written before that ping is confirmed read.
   */
  sawPong(payload: Buffer): boolean {
    if (payload.length !== deliveryPingBytes || !payload.subarray(0, 4).equals(deliveryPingTag)) return false;
    const channel = this.channel ?? this.closingChannel;
    if (!channel) return true;
    // RFC 6455 §5.5.3 lets a peer answer only the latest of several pings: earlier ones are covered too.
    const index = channel.pings.findIndex((ping) => ping.payload.equals(payload));
    if (index < 0) return true;
    channel.confirmed = Math.max(channel.confirmed, channel.pings[index]!.upTo);
    channel.pings.splice(0, index + 1);
    if (channel === this.channel && this.isIdle(channel)) this.pingForDelivery(channel);
    return true;
  }

  /** Resolves true once nothing is queued or being written on an open socket; false if close() comes first. */
  flushed(): Promise<boolean> {
    if (this.isClosed) return Promise.resolve(this.length === 0 && this.inFlight() === 0);
    if (this.isFlushed()) return Promise.resolve(true);
    return new Promise((resolve) => this.flushWaiters.push(resolve));
  }

  /** For good: drops what is queued (why 'closed'), stops the deadline timer, answers flush waiters with false. */
  close(): void {
    this.isClosed = true;
    this.channel = this.closingChannel = undefined;
    this.cancelDeadline?.();
    this.cancelDeadline = this.deadlineTimerAt = undefined;
    this.requeueFailed();
    for (const msg of this.queue.takeAll()) this.hooks.dropped(msg, 'closed');
    for (const resolve of this.flushWaiters.splice(0)) resolve(false);
  }

  private requeueFailed(): void {
    if (this.failed.length === 0) return;
    const failed = this.failed;
    this.failed = [];
    this.queue.unshiftAll(failed);
    if (!this.isClosed && failed.some((msg) => msg.deadlineAt !== undefined)) this.armDeadlineTimer();
  }

  private inFlight(): number {
    let count = this.channel?.inFlight ?? 0;
    for (const channel of this.draining) count += channel.inFlight;
    return count;
  }

  private flush(): void {
    const channel = this.channel;
    if (!channel) return;
    const now = this.clock.now();
    while (this.hasRoom(channel) && this.channel === channel) {
      const msg = this.queue.shift();
      if (!msg) break;
      if (msg.deadlineAt !== undefined && msg.deadlineAt <= now) this.hooks.dropped(msg, 'deadline');
      else this.write(channel, msg);
    }
    this.maybeDrain();
    this.checkFlushed();
  }

  private hasRoom(channel: Channel): boolean {
    return channel.socket.bufferedAmount < this.highWaterBytes && channel.inFlight < maxInFlight;
  }

  private write(channel: Channel, msg: Outgoing): void {
    channel.cork();
    channel.push(msg);
    channel.socket.send(msg.data, { binary: msg.isBinary }, channel.written);
    this.hooks.sent(msg);
  }

  private readonly onWritten = (channel: Channel, err: Error | undefined): void => {
    const msg = channel.shift();
    if (channel.inFlight === 0) this.draining.delete(channel);
    if (err) {
      // Never reached the kernel: written again, ahead of the rest, on the next socket.
      this.failed.push(msg);
      if (this.isClosed) this.requeueAndDropAll();
      return;
    }
    // A protocol's own frames (a Socket.IO CONNECT, a pong) are not the user's messages to account for.
    if (!msg.isProtocolFrame) channel.accepted++;
    if (channel !== this.channel) return;
    if (this.queue.length > 0) this.flush();
    else this.checkFlushed();
    // The end of a burst: one ping confirms all of it (the next burst's waits for this one's pong).
    if (channel === this.channel && channel.pings.length === 0 && this.isIdle(channel))
      this.pingForDelivery(channel);
  };

  /** Nothing waiting and every write called back: the burst is over. */
  private isIdle(channel: Channel): boolean {
    return this.length === 0 && channel.inFlight === 0;
  }

  /** Sends a delivery ping marking everything written so far on `channel`, if anything is not marked yet. */
  private pingForDelivery(channel: Channel): void {
    if (!channel.hasUnmarked || channel.pings.length >= maxPendingPings) return;
    this.pingCount = (this.pingCount + 1) >>> 0;
    const payload = Buffer.alloc(deliveryPingBytes);
    deliveryPingTag.copy(payload);
    payload.writeUInt32BE(this.pingCount, 4);
    channel.pings.push({ payload, upTo: channel.handed });
    // flushed() also waits for the socket's buffer to empty: a ping stuck there behind a full kernel
    // buffer must wake it when it leaves, as a message's callback would.
    channel.socket.ping(payload, undefined, this.onPingWritten);
  }

  private readonly onPingWritten = (): void => this.checkFlushed();

  /** A failed write reported after close(): nothing will send it any more. */
  private requeueAndDropAll(): void {
    this.requeueFailed();
    for (const msg of this.queue.takeAll()) this.hooks.dropped(msg, 'closed');
  }

  private maybeDrain(): void {
    if (this.isProducerPaused && this.queue.hasRoom()) {
      this.isProducerPaused = false;
      this.hooks.drain();
    }
  }

  private isFlushed(): boolean {
    return this.length === 0 && this.inFlight() === 0 && (this.channel?.socket.bufferedAmount ?? 0) === 0;
  }

  private checkFlushed(): void {
    if (this.flushWaiters.length === 0 || !this.channel || !this.isFlushed()) return;
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
