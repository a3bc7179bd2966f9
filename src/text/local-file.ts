// Reading a file the user named (a scenario, a secret, a header file, a TLS file, the config): one reader that
// checks the file type and caps the size first (what went wrong is worded by io-error.ts).

import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { describeFileError, LocalFileError } from './io-error.js';

export { describeFileError, LocalFileError };

/** Default cap: a scenario, a CA bundle or a header file is kilobytes; 8 MiB leaves room and bounds memory. */
export const defaultMaxFileBytes = 8 * 1024 * 1024;

/** A size limit, written exactly ("8 MiB", "1000 bytes"): text/bytes.ts's formatBytes rounds, a limit may not. */
function formatByteLimit(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}

/**
 * Reads the regular file at `path`, at most `maxBytes` (default 8 MiB). Throws a LocalFileError naming the
 * file for anything else: a device such as /dev/zero (it never ends, and reading it whole grew wsx past
 * 1 GiB in seconds), a FIFO (reading waits for a writer forever), a directory, a file over the cap.
 */
export function readLocalFile(path: string, maxBytes: number = defaultMaxFileBytes): Buffer {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer before the type is known.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    throw new LocalFileError(path, describeFileError(err), (err as NodeJS.ErrnoException).code);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new LocalFileError(path, 'is a directory');
    if (!stat.isFile())
      throw new LocalFileError(path, 'not a regular file (a device, FIFO or socket); give a file');
    if (stat.size > maxBytes)
      throw new LocalFileError(path, `larger than ${formatByteLimit(maxBytes)}; is it the right file?`);
    // Read to the cap plus one byte, not to `size`: a file that grows while it is read is caught too.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - length));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      length += n;
      if (length > maxBytes)
        throw new LocalFileError(path, `larger than ${formatByteLimit(maxBytes)}; is it the right file?`);
    }
    return Buffer.concat(chunks, length);
  } catch (err) {
    if (err instanceof LocalFileError) throw err;
    throw new LocalFileError(path, describeFileError(err), (err as NodeJS.ErrnoException).code);
  } finally {
    closeSync(fd);
  }
}
