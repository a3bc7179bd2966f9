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
 * Writes are corked for the rest of the tick so a burst of messages costs one writev, not one syscall each.
 * write() returning false pauses the source until 'drain'.
 */
export class StdoutSink {
  private isCorked = false;
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
    if (!this.isCorked) {
      this.isCorked = true;
      this.stream.cork();
      process.nextTick(() => {
        this.isCorked = false;
        this.stream.uncork();
      });
    }
    if (!this.stream.write(chunk) && !this.isPaused) {
      this.isPaused = true;
      this.events.onPause();
    }
  }

  /** Resolves once everything written so far has left the process (or stdout is gone). */
  flush(): Promise<void> {
    if (this.isClosed) return Promise.resolve();
    if (this.isCorked) {
      this.isCorked = false;
      this.stream.uncork();
    }
    return new Promise((resolve) => {
      const onError = () => resolve();
      this.stream.once('error', onError);
      this.stream.write('', () => {
        this.stream.off('error', onError);
        resolve();
      });
    });
  }
}
