// Pipe mode: stdin records become messages, messages become stdout lines. Nothing is lost at EOF.

import { fstatSync } from 'node:fs';
import type { SendOptions } from '../core/connection.js';
import type { Outcome } from '../outcome.js';
import type { Options } from '../options.js';
import { isInputError } from '../protocols/codec.js';
import { RecordSplitter } from '../text/record-splitter.js';
import { preview } from '../text/sanitize.js';
import { LineSession, type Io } from './line-session.js';
import { decodeRecord, recordFormat, type RecordFormat } from './pipe-records.js';

/**
 * Runs until input ends and replies stop (--wait), --count, --timeout, the server closes, or a signal.
 * With --no-input stdin is never read, so only the last four end it.
 */
export async function runPipe(options: Options, io: Io): Promise<Outcome> {
  const problem = options.isListenOnly ? undefined : stdinProblem(io.stdin);
  if (problem) return { ended: 'local-error', message: problem };
  const session = await LineSession.create(options, io);
  if (options.isListenOnly) return session.start({});
  return readInput(session, options, io.stdin);
}

/** A stdin wsx cannot read records from, in words; undefined when it can (or it is not the process's). */
function stdinProblem(stdin: NodeJS.ReadStream): string | undefined {
  if (stdin !== process.stdin) return undefined;
  try {
    // Node hands a directory on fd 0 over as an empty stream: without this, `wsx URL < dir` would succeed.
    if (fstatSync(0).isDirectory())
      return 'cannot read stdin: it is a directory (redirect a file, or use --no-input to only listen)';
  } catch {
    // fd 0 closed: Node reads it as empty input, as it does </dev/null.
  }
  return undefined;
}

/**
 * Where reading stdin is: `reading`; `queue-full` (stdin paused with the rest of its chunk in the splitter,
 * until the connection's queue drains); `stopped` (input ended and all sent, refused, failed, or the run
 * ended): final, nothing more is read or sent.
 */
type InputPhase = 'reading' | 'queue-full' | 'stopped';

function readInput(session: LineSession, options: Options, stdin: NodeJS.ReadStream): Promise<Outcome> {
  const input = new StdinRecords(session, options, stdin);
  session.conn.on('drain', () => input.drained());
  stdin.on('data', (chunk: Buffer) => input.push(chunk));
  stdin.once('end', () => input.end());
  stdin.on('error', (err: NodeJS.ErrnoException) => {
    input.stop();
    void session.end({
      ended: 'local-error',
      message: `cannot read stdin: ${err.code ?? err.message}`,
      error: err,
    });
  });
  return session.start({
    stopInput() {
      input.stop();
      stdin.pause();
      stdin.destroy();
    },
  });
}

/** stdin's records, sent as messages while the connection's queue has room. */
class StdinRecords {
  private readonly format: RecordFormat;
  private readonly splitter: RecordSplitter;
  /** One object for every send: a fresh one per record is garbage the queue keeps alive long enough to promote. */
  private readonly sendOptions: SendOptions;
  private records = 0;
  private phase: InputPhase = 'reading';

  constructor(
    private readonly session: LineSession,
    private readonly options: Options,
    private readonly stdin: NodeJS.ReadStream,
  ) {
    this.format = recordFormat(options);
    this.splitter = new RecordSplitter(
      options.delimiter === 'null' ? 0 : 0x0a,
      options.delimiter === 'newline',
      this.format.maxRecordBytes,
    );
    this.sendOptions = {
      binary: options.isBinaryInput,
      ...(options.dropAfterMs === undefined ? {} : { deadlineMs: options.dropAfterMs }),
    };
  }

  push(chunk: Buffer): void {
    this.splitter.push(chunk);
    if (this.phase === 'reading') this.pump();
  }

  end(): void {
    this.splitter.end();
    if (this.phase === 'reading') this.pump();
  }

  /** The connection's queue has room again. */
  drained(): void {
    if (this.phase !== 'queue-full') return;
    this.phase = 'reading';
    this.pump();
  }

  /** Nothing more is read or sent (the run is ending, or stdin failed). */
  stop(): void {
    this.phase = 'stopped';
  }

  /**
   * Takes records out of the splitter while the queue has room. A full queue pauses stdin with the rest
   * of the chunk still in the splitter, so memory stays bounded whatever the input.
   */
  private pump(): void {
    while (this.phase === 'reading') {
      const record = this.splitter.next();
      if (record === undefined) break;
      this.records++;
      const decoded = decodeRecord(record, this.records, this.format);
      if ('problem' in decoded) return this.refuse(decoded.problem);
      this.send(decoded.data);
    }
    if (this.phase !== 'reading') return;
    if (this.splitter.hasEnded) {
      this.phase = 'stopped';
      // --wait forever: after the input, listen as if it were still open.
      if (this.options.waitMs !== Infinity) void this.session.inputEnded();
    } else {
      this.stdin.resume();
    }
  }

  /** Sends one message; a full queue pauses stdin, a message the protocol cannot send is refused. */
  private send(data: Buffer): void {
    let hasRoom: boolean;
    try {
      hasRoom = this.session.sendLine(data, this.sendOptions);
    } catch (err) {
      if (!isInputError(err)) throw err;
      const line = preview(data.toString(), 60);
      const proto = this.options.proto!.name;
      return this.refuse(
        `stdin record ${this.records} "${line}" is not a ${proto} message: ${err.message}; not sent`,
      );
    }
    if (hasRoom) return;
    this.phase = 'queue-full';
    this.stdin.pause();
  }

  /** Bad input stops reading; the records before it are still delivered, then the run fails. */
  private refuse(message: string): void {
    this.phase = 'stopped';
    this.stdin.pause();
    void this.session.endAfterFlush({ ended: 'local-error', message });
  }
}
