// Received data on its way to stdout: batched per tick, byte-exact, never lost at exit, quiet on EPIPE.

import type { Writable } from 'node:stream';

export interface SinkEvents {
  /** stdout is gone: `err` undefined for EPIPE (the reader left: stop quietly), else the write failure. */
  onClosed(err?: NodeJS.ErrnoException): void;
  /** stdout is full: stop reading from the network until onResume. */
  onPause(): void;
  onResume(): void;
}

/**
 * What arrives in one tick (the messages of one socket read) leaves in one stdout write: one syscall and
 * one Buffer instead of two writes per message (issue 14: per-message writes to a file cost more than the
 * network side). write() returning false pauses the source until 'drain'.
 */
export class StdoutSink {
  /** Written since the last batch left, in order. */
  private pending: Buffer[] = [];
  private isPaused = false;
  private isClosed = false;

  constructor(
    private readonly stream: Writable,
    private readonly events: SinkEvents,
  ) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      // EPIPE: `wsx URL | head -1` closed its end. That is the reader's choice, not a failure.
      if (this.isClosed) return;
      this.isClosed = true;
      this.pending = [];
      events.onClosed(err.code === 'EPIPE' ? undefined : err);
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
    this.pending.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
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
    this.pending = [];
    const batch = pending.length === 1 ? pending[0]! : Buffer.concat(pending);
    if (!this.stream.write(batch) && !this.isPaused) {
      this.isPaused = true;
      this.events.onPause();
    }
  };
}
