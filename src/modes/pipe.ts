// Pipe mode: stdin records become messages, messages become stdout lines. Nothing is lost at EOF.

import { isUtf8 } from 'node:buffer';
import { fstatSync } from 'node:fs';
import type { Outcome } from '../outcome.js';
import type { Options } from '../options.js';
import { isInputError } from '../protocols/codec.js';
import { RecordSplitter, tooLarge } from '../text/record-splitter.js';
import { preview } from '../text/sanitize.js';
import { LineSession, type Io } from './line-session.js';

/**
 * --record-end: what follows each record on the wire. The input's own delimiter is stripped (a text line
 * is a message, not a line), but a binary-only backend that reads a byte stream, such as a line-based TCP
 * service behind websockify, needs its line ends: without them it received "helloworld".
 */
const recordEndBytes: Record<Options['recordEnd'], Buffer> = {
  none: Buffer.alloc(0),
  lf: Buffer.from('\n'),
  crlf: Buffer.from('\r\n'),
  nul: Buffer.from([0]),
};

/** The ws default for --max-message-size, bytes, when the options leave it unset. */
const defaultMaxMessageBytes = 64 * 1024 * 1024;

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

function readInput(session: LineSession, options: Options, stdin: NodeJS.ReadStream): Promise<Outcome> {
  const { conn } = session;
  const maxMessageBytes = options.connection.maxPayloadBytes ?? defaultMaxMessageBytes;
  const recordEnd = recordEndBytes[options.recordEnd];
  // The end is part of the message: a record may use what is left of --max-message-size.
  const maxBodyBytes = Math.max(0, maxMessageBytes - recordEnd.length);
  // A record is refused once it grows past what its message may be, before it is buffered whole.
  const maxRecordBytes = !options.isBinaryInput
    ? maxBodyBytes
    : options.inputFormat === 'hex'
      ? maxBodyBytes * 2
      : options.inputFormat === 'base64'
        ? Math.ceil(maxBodyBytes / 3) * 4
        : maxBodyBytes;
  const splitter = new RecordSplitter(
    options.delimiter === 'null' ? 0 : 0x0a,
    options.delimiter === 'newline',
    maxRecordBytes,
  );
  // One object for every send: a fresh one per record is garbage the queue keeps alive long enough to promote.
  const sendOptions = {
    binary: options.isBinaryInput,
    ...(options.dropAfterMs === undefined ? {} : { deadlineMs: options.dropAfterMs }),
  };
  let records = 0;
  let isInputStopped = false;
  let isQueueFull = false;
  let hasInputEnded = false;

  // Bad input stops reading; the records before it are still delivered, then the run fails.
  const refuse = (message: string) => {
    isInputStopped = true;
    stdin.pause();
    void session.endAfterFlush({ ended: 'local-error', message });
  };

  const decode = (record: Buffer): Buffer | undefined => {
    // Text mode refuses invalid UTF-8 instead of sending U+FFFD. The record goes out as the
    // bytes it is, in a text frame: checking without decoding to a string made 200k lines 35% faster
    // and a 60 MB line peak at 250 MiB instead of 325 MiB.
    if (!options.isBinaryInput) {
      if (isUtf8(record)) return record;
      refuse(`stdin record ${records} is not valid UTF-8; not sent (use --binary to send bytes as they are)`);
      return undefined;
    }
    if (options.inputFormat === 'raw') return record;
    const text = record.toString('latin1').trim();
    const valid = options.inputFormat === 'hex' ? /^(?:[0-9a-f]{2})*$/i : /^[A-Za-z0-9+/]*={0,2}$/;
    if (!valid.test(text)) {
      // Refused like invalid UTF-8, not skipped: a skipped record let the run exit 0 with a message missing.
      refuse(`stdin record ${records} is not ${options.inputFormat}; not sent (check --input-format)`);
      return undefined;
    }
    const bytes = Buffer.from(text, options.inputFormat);
    if (bytes.length > maxBodyBytes) {
      refuse(tooLargeMessage(records, maxMessageBytes));
      return undefined;
    }
    return bytes;
  };

  // Takes records out of the splitter while the queue has room. A full queue pauses stdin with the rest
  // of the chunk still in the splitter, so memory stays bounded whatever the input.
  const pump = () => {
    while (!isInputStopped) {
      const record = splitter.next();
      if (record === undefined) break;
      records++;
      if (record === tooLarge) {
        refuse(tooLargeMessage(records, maxMessageBytes));
        return;
      }
      const decoded = decode(record);
      if (isInputStopped) return;
      if (decoded === undefined) continue;
      const data = recordEnd.length === 0 ? decoded : Buffer.concat([decoded, recordEnd]);
      let hasRoom: boolean;
      try {
        hasRoom = session.sendLine(data, sendOptions);
      } catch (err) {
        if (!isInputError(err)) throw err;
        const line = preview(data.toString(), 60);
        refuse(
          `stdin record ${records} "${line}" is not a ${options.proto!.name} message: ${err.message}; not sent`,
        );
        return;
      }
      if (!hasRoom) {
        isQueueFull = true;
        stdin.pause();
        return;
      }
    }
    if (isInputStopped) return;
    if (hasInputEnded) {
      isInputStopped = true;
      // --wait forever: after the input, listen as if it were still open.
      if (options.waitMs !== Infinity) void session.inputEnded();
    } else {
      stdin.resume();
    }
  };

  conn.on('drain', () => {
    if (!isQueueFull) return;
    isQueueFull = false;
    pump();
  });
  stdin.on('data', (chunk: Buffer) => {
    splitter.push(chunk);
    if (!isQueueFull) pump();
  });
  stdin.once('end', () => {
    hasInputEnded = true;
    splitter.end();
    if (!isQueueFull) pump();
  });
  stdin.on('error', (err: NodeJS.ErrnoException) => {
    isInputStopped = true;
    void session.end({
      ended: 'local-error',
      message: `cannot read stdin: ${err.code ?? err.message}`,
      error: err,
    });
  });

  return session.start({
    stopInput() {
      isInputStopped = true;
      stdin.pause();
      stdin.destroy();
    },
  });
}

function tooLargeMessage(record: number, maxBytes: number): string {
  return `stdin record ${record} is larger than --max-message-size (${maxBytes} bytes); not sent (raise --max-message-size)`;
}
