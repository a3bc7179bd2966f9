// One wording for a local file wsx cannot read or write, the same for every flag and mode:
// "cannot read missing.txt: no such file", never ENOENT.

/** A file the user named that wsx cannot use; `reason` is in words ("no such file", "larger than 8 MiB"). */
export class LocalFileError extends Error {
  override readonly name = 'LocalFileError';
  constructor(
    readonly path: string,
    readonly reason: string,
    /** Node's code (ENOENT …) when the system refused; undefined for wsx's own checks. */
    readonly code?: string,
  ) {
    super(`${path}: ${reason}`);
  }
}

/** Why a file operation failed, in words: "no such file" rather than ENOENT. */
export function describeFileError(err: unknown): string {
  if (err instanceof LocalFileError) return err.reason;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

/**
 * The line for a local file wsx could not use: "cannot read PATH: REASON" (`action` write: "cannot
 * write …"). The caller adds what asked for the file in front ("--header-file: …") when it helps.
 */
export function describeIoError(err: unknown, path: string, action: 'read' | 'write' = 'read'): string {
  return `cannot ${action} ${path}: ${describeFileError(err)}`;
}
