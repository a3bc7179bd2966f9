// Received data on its way to stdout: batched per tick, byte-exact, never lost at exit, quiet on EPIPE.

import type { Writable } from 'node:stream';

/** Above this many bytes a tick's pieces are written one by one (corked), not copied into one Buffer. */
const maxJoinBytes = 4 * 1024 * 1024;

export interface SinkEvents {
  /** stdout is gone: `err` undefined for EPIPE (the reader left: stop quietly), else the write failure. */
  onClosed(err?: NodeJS.ErrnoException): void;
  /** stdout is full: stop reading from the network until onResume. */
  onPause(): void;
  onResume(): void;
}

/**
 * What arrives in one tick (the messages of one socket read) leaves in one stdout write: one syscall and
 * one Buffer instead of two writes per message (per-message writes to a file cost more than the
 * network side). write() returning false pauses the source until 'drain'.
 */
export class StdoutSink {
  /** Written since the last batch left, in order. */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private isPaused = false;
  private isClosed = false;
  /** The write failure that closed stdout (never EPIPE), once there was one. */
  failure: NodeJS.ErrnoException | undefined;

  constructor(
    private readonly stream: Writable,
    private readonly events: SinkEvents,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE: `wsx URL | head -1` closed its end. That is the reader's choice, not a failure.
      if (this.isClosed) return;
      this.isClosed = true;
      this.pending = [];
      this.pendingBytes = 0;
      if (err.code !== 'EPIPE') this.failure = err;
      events.onClosed(this.failure);
    });
    stream.on('drain', () => {
      if (this.isPaused) {
        this.isPaused = false;
        events.onResume();
      }
    });
  }

  write(chunk: string | Buffer): void {
    if (this.isClosed) return;
    if (this.pending.length === 0) process.nextTick(this.writePending);
    const piece = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    this.pending.push(piece);
    this.pendingBytes += piece.length;
  }

  /** Resolves once everything written so far has left the process (or stdout is gone). */
  flush(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    this.writePending();
    return new Promise((resolve) => {
      const onError = () => resolve();
      this.stream.once('error', onError);
      this.stream.write('', () => {
        this.stream.off('error', onError);
        resolve();
      });
    });
  }

  private readonly writePending = (): void => {
    const pending = this.pending;
    if (pending.length === 0 || this.isClosed) return;
    const bytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    let hasRoom = true;
    if (pending.length === 1 || bytes <= maxJoinBytes) {
      hasRoom = this.stream.write(pending.length === 1 ? pending[0]! : Buffer.concat(pending, bytes));
    } else {
      // A large message is not worth a second copy of itself.
      this.stream.cork();
      for (const piece of pending) hasRoom = this.stream.write(piece);
      this.stream.uncork();
    }
    if (!hasRoom && !this.isPaused) {
      this.isPaused = true;
      this.events.onPause();
    }
  };
}

/**
 * Keeps a stream that other code writes to directly (`wsx run`'s reporters, `wsx serve`'s log) from
 * crashing the process on a write error: Node throws an unhandled 'error' event with a stack trace on
 * ENOSPC or EPIPE. `onFailure` hears the first failure at once; the returned function resolves, once what
 * was written so far has left, with it. EPIPE (the reader left) is no failure.
 */
export function watchWriteFailures(
  stream: NodeJS.WritableStream,
  onFailure?: (err: NodeJS.ErrnoException) => void,
): () => Promise<NodeJS.ErrnoException | undefined> {
  let failure: NodeJS.ErrnoException | undefined;
  let hasFailed = false;
  // Never removed: a write after the run (the summary line) must not crash either.
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (hasFailed) return;
    hasFailed = true;
    if (err.code === 'EPIPE') return;
    failure = err;
    onFailure?.(err);
  });
  return () =>
    new Promise((resolve) => {
      if (hasFailed) return resolve(failure);
      // The error event of a failed write comes after its callback: wait one more turn for it.
      stream.write('', () => setImmediate(() => resolve(failure)));
    });
}
