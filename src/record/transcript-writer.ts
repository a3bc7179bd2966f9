// `--record FILE`: a Connection's life written as a transcript that `wsx serve --replay` and `wsx scenario`
// read back (recording.ts). JSON lines: a version line, then open/send/recv/close events, each with `t`
// (ISO time) and `ms` (offset from its open). Secrets stay masked: the URL is the display URL, no header
// value is ever written, and text frames are masked like every other output.

import { closeSync, openSync, writeSync } from 'node:fs';
import type { Connection } from '../core/connection.js';
import { WsxError } from '../core/errors.js';
import { maskSecrets } from '../text/mask.js';
import { describeFileError } from '../text/local-file.js';

export interface TranscriptSource {
  /** The URL as outputs show it (secret query values already ***): never the real one. */
  displayUrl: string;
  /** Strings that must never be written; each becomes ***. */
  secrets: string[];
  /** --proto NAME (not raw): written in each `open`, so `wsx scenario` writes the session at its level. */
  proto?: string;
  /** Wall-clock ms; a test may pass its own. */
  now?: () => number;
  /** Called once if the file cannot be written to any more (a full disk): the transcript ends there. */
  onWriteError?: (message: string) => void;
}

export class TranscriptWriter {
  private fd: number | undefined;
  private openedAt = 0;
  private isClosingByUs = false;
  private readonly now: () => number;

  /** Creates (or truncates) `path` and writes the version line; throws a usage error naming the file. */
  constructor(
    readonly path: string,
    private readonly source: TranscriptSource,
  ) {
    this.now = source.now ?? Date.now;
    try {
      this.fd = openSync(path, 'w');
    } catch (err) {
      throw new WsxError('invalid-option', `--record: cannot write ${path}: ${describeFileError(err)}`, {
        cause: err,
      });
    }
    this.write({ event: 'transcript', version: 1 });
  }

  /**
   * Records everything `conn` does from now on; each open (a reconnect too) starts a new session.
   * `displayUrl`, `proto`: this connection's URL as shown and its --proto, when they are not the ones given
   * at creation (wsx run's files).
   */
  attach(conn: Connection, displayUrl = this.source.displayUrl, proto = this.source.proto): void {
    const protoField = proto !== undefined && proto !== 'raw' ? { proto } : {};
    conn.on('state', (change) => {
      if (change.to === 'open') {
        this.openedAt = this.now();
        this.isClosingByUs = false;
        const protocol = conn.snapshot().protocol;
        this.event(
          'open',
          { url: displayUrl, ...(protocol ? { protocol } : {}), ...protoField },
          this.openedAt,
        );
      } else if (change.to === 'closing') {
        this.isClosingByUs = true;
      } else if ((change.to === 'waiting' || change.to === 'closed') && change.closeCode !== undefined) {
        const code = change.closeCode;
        const by = this.isClosingByUs ? 'client' : code === 1006 ? 'network' : 'server';
        this.event('close', { code, reason: this.mask(change.closeReason ?? ''), by });
      }
    });
    conn.on('sent', (msg) => this.frame('send', msg.data, msg.isBinary));
    conn.on('message', (msg) => this.frame('recv', msg.data, msg.isBinary));
  }

  /** Closes the file; later events are not written. */
  close(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }

  private frame(event: 'send' | 'recv', data: string | Buffer, isBinary: boolean): void {
    if (isBinary) this.event(event, { type: 'binary', data: Buffer.from(data).toString('base64') });
    else this.event(event, { type: 'text', data: this.mask(data.toString()) });
  }

  private mask(text: string): string {
    return this.source.secrets.length > 0 ? maskSecrets(text, this.source.secrets) : text;
  }

  private event(event: string, fields: Record<string, unknown>, now = this.now()): void {
    this.write({ event, t: new Date(now).toISOString(), ms: Math.max(0, now - this.openedAt), ...fields });
  }

  // Written synchronously, line by line: a run killed mid-way leaves every event up to then on disk,
  // and a transcript is a fixture of kilobytes, not a stream to keep up with.
  private write(value: object): void {
    if (this.fd === undefined) return;
    try {
      writeSync(this.fd, `${JSON.stringify(value)}\n`);
    } catch (err) {
      // A full disk must not end the session: the transcript ends short (the reader names its cut line).
      this.close();
      this.source.onWriteError?.(
        `--record: cannot write ${this.path}: ${describeFileError(err)}; the transcript ends here`,
      );
    }
  }
}
