// Pipe mode: stdin records become messages, messages become stdout lines. Nothing is lost at EOF.

import { fstatSync } from 'node:fs';
import type { Outcome } from '../outcome.js';
import type { Options } from '../options.js';
import { isInputError } from '../protocols/codec.js';
import { RecordSplitter } from '../text/record-splitter.js';
import { preview } from '../text/sanitize.js';
import { LineSession, type Io } from './line-session.js';
import { decodeRecord, recordFormat } from './pipe-records.js';

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
  const { conn } = session;
  const format = recordFormat(options);
  const splitter = new RecordSplitter(
    options.delimiter === 'null' ? 0 : 0x0a,
    options.delimiter === 'newline',
    format.maxRecordBytes,
  );
  // One object for every send: a fresh one per record is garbage the queue keeps alive long enough to promote.
  const sendOptions = {
    binary: options.isBinaryInput,
    ...(options.dropAfterMs === undefined ? {} : { deadlineMs: options.dropAfterMs }),
  };
  let records = 0;
  let input: InputPhase = 'reading';

  // Bad input stops reading; the records before it are still delivered, then the run fails.
  const refuse = (message: string) => {
    input = 'stopped';
    stdin.pause();
    void session.endAfterFlush({ ended: 'local-error', message });
  };

  /** Sends one message; false when it was refused (the run is ending) or the queue is now full. */
  const send = (data: Buffer): boolean => {
    let hasRoom: boolean;
    try {
      hasRoom = session.sendLine(data, sendOptions);
    } catch (err) {
      if (!isInputError(err)) throw err;
      const line = preview(data.toString(), 60);
      refuse(
        `stdin record ${records} "${line}" is not a ${options.proto!.name} message: ${err.message}; not sent`,
      );
      return false;
    }
    if (hasRoom) return true;
    input = 'queue-full';
    stdin.pause();
    return false;
  };

  // Takes records out of the splitter while the queue has room. A full queue pauses stdin with the rest
  // of the chunk still in the splitter, so memory stays bounded whatever the input.
  const pump = () => {
    while (input === 'reading') {
      const record = splitter.next();
      if (record === undefined) break;
      records++;
      const decoded = decodeRecord(record, records, format);
      if ('problem' in decoded) return refuse(decoded.problem);
      if (!send(decoded.data)) return;
    }
    if (input !== 'reading') return;
    if (splitter.hasEnded) {
      input = 'stopped';
      // --wait forever: after the input, listen as if it were still open.
      if (options.waitMs !== Infinity) void session.inputEnded();
    } else {
      stdin.resume();
    }
  };

  conn.on('drain', () => {
    if (input !== 'queue-full') return;
    input = 'reading';
    pump();
  });
  stdin.on('data', (chunk: Buffer) => {
    splitter.push(chunk);
    if (input === 'reading') pump();
  });
  stdin.once('end', () => {
    splitter.end();
    if (input === 'reading') pump();
  });
  stdin.on('error', (err: NodeJS.ErrnoException) => {
    input = 'stopped';
    void session.end({
      ended: 'local-error',
      message: `cannot read stdin: ${err.code ?? err.message}`,
      error: err,
    });
  });

  return session.start({
    stopInput() {
      input = 'stopped';
      stdin.pause();
      stdin.destroy();
    },
  });
}
