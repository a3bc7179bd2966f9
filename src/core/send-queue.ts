// The timed-drop send queue: messages wait here until the socket can take them. Pure: it takes `now`, sets no timers.

export interface Outgoing {
  /** Position in the order of send() calls on this connection, from 1. */
  seq: number;
  data: string | Buffer;
  isBinary: boolean;
  bytes: number;
  /** When send() was called, ms (clock time). */
  queuedAt: number;
  /** Past this time (ms) the message is dropped instead of written; undefined means it must be delivered. */
  deadlineAt: number | undefined;
  /** A protocol's own frame (SendOptions.isProtocolFrame): not counted as a user's message. */
  isProtocolFrame?: boolean;
}

export interface SendQueueLimits {
  /** Messages the queue holds before send() asks the producer to pause. Default 10000. */
  maxMessages: number;
  /** Bytes the queue holds before send() asks the producer to pause. Default 16 MiB. */
  maxBytes: number;
}

export const defaultQueueLimits: SendQueueLimits = Object.freeze({
  maxMessages: 10_000,
  maxBytes: 16 * 1024 * 1024,
});

/**
 * FIFO of outgoing messages. The limits are soft, like a stream's highWaterMark: push() always keeps the
 * message (a guaranteed message is never refused) and returns false once the queue is full, so the producer
 * pauses; hasRoom() turns true again at half the limits, which is when the connection emits `drain`.
 */
export class SendQueue {
  private items: (Outgoing | undefined)[] = [];
  private head = 0;
  private queuedBytes = 0;
  private withDeadline = 0;

  constructor(private readonly limits: SendQueueLimits = defaultQueueLimits) {}

  get length(): number {
    return this.items.length - this.head;
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Adds a message; false when the queue is now at or over a limit (pause the producer). */
  push(msg: Outgoing): boolean {
    this.items.push(msg);
    this.queuedBytes += msg.bytes;
    if (msg.deadlineAt !== undefined) this.withDeadline++;
    return this.isBelow(1);
  }

  /** True when the queue has drained to half its limits: time to resume a paused producer. */
  hasRoom(): boolean {
    return this.isBelow(0.5);
  }

  peek(): Outgoing | undefined {
    return this.items[this.head];
  }

  /** The first `limit` messages, oldest first, without removing them. */
  peekMany(limit: number): Outgoing[] {
    return this.items.slice(this.head, this.head + limit) as Outgoing[];
  }

  shift(): Outgoing | undefined {
    const msg = this.items[this.head];
    if (msg === undefined) return undefined;
    this.items[this.head] = undefined;
    this.head++;
    this.forget(msg);
    // Compact once the dead prefix is large, so memory follows the live length.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return msg;
  }

  /** Puts `msgs` (oldest first, all older than anything queued) back at the head, past the limits if need be. */
  unshiftAll(msgs: readonly Outgoing[]): void {
    if (msgs.length === 0) return;
    this.items = [...msgs, ...this.items.slice(this.head)];
    this.head = 0;
    for (const msg of msgs) {
      this.queuedBytes += msg.bytes;
      if (msg.deadlineAt !== undefined) this.withDeadline++;
    }
  }

  /** Removes and returns every message whose deadline is at or before `now`, oldest first. */
  expire(now: number): Outgoing[] {
    if (this.withDeadline === 0) return [];
    const expired: Outgoing[] = [];
    const kept: Outgoing[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const msg = this.items[i]!;
      if (msg.deadlineAt !== undefined && msg.deadlineAt <= now) {
        expired.push(msg);
        this.forget(msg);
      } else {
        kept.push(msg);
      }
    }
    if (expired.length > 0) {
      this.items = kept;
      this.head = 0;
    }
    return expired;
  }

  /** The earliest deadline among queued messages, ms, or undefined if none has one. */
  nextDeadline(): number | undefined {
    if (this.withDeadline === 0) return undefined;
    let earliest: number | undefined;
    for (let i = this.head; i < this.items.length; i++) {
      const at = this.items[i]!.deadlineAt;
      if (at !== undefined && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  /** Empties the queue and returns what it held, oldest first. */
  takeAll(): Outgoing[] {
    const all = this.items.slice(this.head) as Outgoing[];
    this.items = [];
    this.head = 0;
    this.queuedBytes = 0;
    this.withDeadline = 0;
    return all;
  }

  private forget(msg: Outgoing): void {
    this.queuedBytes -= msg.bytes;
    if (msg.deadlineAt !== undefined) this.withDeadline--;
  }

  private isBelow(fraction: number): boolean {
    return (
      this.length < this.limits.maxMessages * fraction && this.queuedBytes < this.limits.maxBytes * fraction
    );
  }
}
