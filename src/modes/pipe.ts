// Pipe mode: stdin records become messages, messages become stdout lines. Nothing is lost at EOF.

import { isUtf8 } from 'node:buffer';
import { ExitCode } from '../outcome.js';
import type { Options } from '../options.js';
import { RecordSplitter } from '../text/record-splitter.js';
import { LineSession, type Io } from './line-session.js';

/** Runs until input ends and replies stop (--wait), --count, --timeout, the server closes, or a signal. */
export async function runPipe(options: Options, io: Io): Promise<number> {
  const session = new LineSession(options, io);
  const { conn } = session;
  const stdin = io.stdin;
  const splitter = new RecordSplitter(
    options.delimiter === 'null' ? 0 : 0x0a,
    options.delimiter === 'newline',
  );
  const sendOptions = options.dropAfterMs === undefined ? {} : { deadlineMs: options.dropAfterMs };
  let isInputStopped = false;

  /** `isKnownUtf8`: the record lies inside a chunk already checked whole. */
  const decode = (record: Buffer, isKnownUtf8: boolean): string | Buffer | undefined => {
    // Valid UTF-8 goes as is (ws frames a Buffer without copying it to a string and back); anything else
    // is decoded, which replaces invalid bytes with U+FFFD: a text frame must be valid UTF-8 (RFC 6455 §5.6).
    if (!options.isBinaryInput) return isKnownUtf8 || isUtf8(record) ? record : record.toString('utf8');
    if (options.inputFormat === 'raw') return record;
    const text = record.toString('latin1').trim();
    const valid = options.inputFormat === 'hex' ? /^(?:[0-9a-f]{2})*$/i : /^[A-Za-z0-9+/]*={0,2}$/;
    if (!valid.test(text)) {
      session.diag.error(`skipped a stdin record that is not ${options.inputFormat}: "${text.slice(0, 40)}"`);
      return undefined;
    }
    return Buffer.from(text, options.inputFormat);
  };

  /**
   * `isChunkUtf8`: the chunk the records came from is valid UTF-8 as a whole, so each record but the first
   * is too (delimiters are ASCII, never inside a character); the first may start in the previous chunk.
   */
  const sendRecords = (records: Buffer[], isChunkUtf8 = false) => {
    let hasRoom = true;
    for (let i = 0; i < records.length; i++) {
      const data = decode(records[i]!, isChunkUtf8 && i > 0);
      if (data !== undefined) hasRoom = conn.send(data, { ...sendOptions, binary: options.isBinaryInput });
    }
    // Backpressure: a full queue pauses stdin until the connection drains it.
    if (!hasRoom && !isInputStopped) stdin.pause();
  };

  conn.on('drain', () => {
    if (!isInputStopped) stdin.resume();
  });

  // One UTF-8 check per chunk instead of one per line.
  stdin.on('data', (chunk: Buffer) =>
    sendRecords(splitter.push(chunk), !options.isBinaryInput && isUtf8(chunk)),
  );
  stdin.once('end', () => {
    sendRecords(splitter.end());
    void session.inputEnded();
  });
  stdin.on('error', (err: NodeJS.ErrnoException) => {
    void session.end(ExitCode.runtime, `cannot read stdin: ${err.code ?? err.message}`);
  });

  return session.start({
    stopInput() {
      isInputStopped = true;
      stdin.pause();
      stdin.destroy();
    },
  });
}
