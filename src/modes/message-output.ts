// How one received message is written to stdout in pipe and script mode, byte-exact unless it is a terminal.

import { sanitize } from '../text/sanitize.js';

export interface MessageOutputFormat {
  /** How binary messages are written: raw bytes, or one base64/hex record each. */
  binaryOut: 'base64' | 'hex' | 'raw';
  /** Written after each text message and each encoded binary one (\n, or NUL with -0). */
  delimiter: Buffer;
  /**
   * stdout is a terminal: control characters are escaped as in the TUI, so a server cannot clear the
   * screen or set the title. To a pipe or a file, bytes pass unchanged.
   */
  isTerminal: boolean;
}

/** The chunks to write for one message, in order. */
export function formatMessage(
  data: Buffer,
  isBinary: boolean,
  format: MessageOutputFormat,
): (string | Buffer)[] {
  if (!isBinary) {
    return [
      format.isTerminal ? sanitize(data.toString('utf8'), { keepNewlines: true }) : data,
      format.delimiter,
    ];
  }
  if (format.binaryOut === 'raw') {
    return [format.isTerminal ? sanitize(data.toString('utf8'), { keepNewlines: true }) : data];
  }
  return [data.toString(format.binaryOut), format.delimiter];
}
