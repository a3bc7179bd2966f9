// The full-screen log's memory: a ring of entries capped by count and by bytes; the oldest leave first and are
// counted, so memory is bounded by the cap, not by the session's length.

import type { LogEntry } from './log-entry.js';

export type StoredEntry = LogEntry & { seq: number };

export interface LogBufferLimits {
  /** Most entries kept. Default 10,000 (--scrollback). */
  maxEntries: number;
  /** Most bytes of message data kept (plus a fixed cost per entry). Default 64 MiB. */
  maxBytes: number;
}

export const defaultLogLimits: LogBufferLimits = { maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 };

/** Bytes an entry is charged: its payload plus a fixed estimate for the object around it. */
export function entryBytes(entry: LogEntry): number {
  const overhead = 96;
  switch (entry.kind) {
    case 'sent':
    case 'received':
    case 'dropped':
      return overhead + (typeof entry.data === 'string' ? entry.data.length * 2 : entry.data.length);
    case 'state':
    case 'info':
      return overhead + entry.text.length * 2;
    case 'decoded':
      return overhead + (entry.text.length + entry.summary.length) * 2;
    default:
      return overhead;
  }
}

export class LogBuffer {
  private slots: (StoredEntry | undefined)[];
  private head = 0; // index of the oldest entry
  private size = 0;
  private nextSeq = 1;
  private bytesHeld = 0;
  /** Entries pushed out of the buffer to respect the limits since the session began. */
  dropped = 0;

  constructor(readonly limits: LogBufferLimits = defaultLogLimits) {
    this.slots = new Array<StoredEntry | undefined>(Math.min(limits.maxEntries, 1024));
  }

  get length(): number {
    return this.size;
  }

  get bytes(): number {
    return this.bytesHeld;
  }

  /** Sequence number of the newest entry, 0 when none was ever added. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Sequence number of the oldest entry still held (lastSeq + 1 when empty). */
  get firstSeq(): number {
    return this.nextSeq - this.size;
  }

  push(entry: LogEntry): StoredEntry {
    // Numbered in place, not copied with `{ ...entry, seq }`: entries of many kinds pass here, and V8 in
    // Node 20 gives every object built by a spread that has seen many shapes a hidden class of its own.
    // Under a flood, 10,000 held entries carried 10,000 hidden classes, ~3 MiB (heap snapshot).
    const stored = entry as StoredEntry;
    stored.seq = this.nextSeq++;
    const cost = entryBytes(entry);
    while (
      this.size > 0 &&
      (this.size >= this.limits.maxEntries || this.bytesHeld + cost > this.limits.maxBytes)
    )
      this.dropOldest();
    if (this.size === this.slots.length) this.grow();
    this.slots[(this.head + this.size) % this.slots.length] = stored;
    this.size++;
    this.bytesHeld += cost;
    return stored;
  }

  /** The entry with this sequence number, if still held. */
  get(seq: number): StoredEntry | undefined {
    const index = seq - this.firstSeq;
    if (index < 0 || index >= this.size) return undefined;
    return this.slots[(this.head + index) % this.slots.length];
  }

  /** Entries from `fromSeq` (inclusive) to the newest, oldest first. */
  *from(fromSeq: number): Generator<StoredEntry> {
    for (let seq = Math.max(fromSeq, this.firstSeq); seq <= this.lastSeq; seq++) yield this.get(seq)!;
  }

  clear(): void {
    while (this.size > 0) this.dropOldest(false);
  }

  private dropOldest(count = true): void {
    const old = this.slots[this.head]!;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.size--;
    this.bytesHeld -= entryBytes(old);
    if (count) this.dropped++;
  }

  // The ring starts small and doubles up to maxEntries, so a short session does not reserve 10,000 slots.
  private grow(): void {
    const bigger = new Array<StoredEntry | undefined>(
      Math.min(this.limits.maxEntries, this.slots.length * 2),
    );
    for (let i = 0; i < this.size; i++) bigger[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = bigger;
    this.head = 0;
  }
}
