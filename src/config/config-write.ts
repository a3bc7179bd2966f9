// Changing the config file: one writer at a time (a lock file beside it), the fresh file read under the lock,
// the change written to a temporary file and renamed over the target, through a symlink rather than over it.

import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readFileSync,
  readlinkSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  closeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { WsxError } from '../core/errors.js';
import { describeFileError } from '../text/local-file.js';
import { readConfig, type Config } from './config-file.js';

export interface LockTiming {
  /** How long to wait for another writer, ms. Default 10 s: a write takes milliseconds. */
  waitMs?: number;
  /** A lock older than this is stale whoever holds it, ms. Default 30 s. */
  staleMs?: number;
}

/**
 * The file a write must replace: `file` itself, or the end of its chain of symlinks (made absolute), so a
 * config.json that a dotfile manager links into a repository stays a link and the repository gets the change.
 * A dangling link names the file to create.
 */
export function writeTarget(file: string): string {
  let path = resolve(file);
  // 40 is Linux's limit on symlinks followed in one lookup (ELOOP).
  for (let hops = 0; hops < 40; hops++) {
    let isLink: boolean;
    try {
      isLink = lstatSync(path).isSymbolicLink();
    } catch {
      return path;
    }
    if (!isLink) return path;
    path = resolve(dirname(path), readlinkSync(path));
  }
  throw saveError(file, 'too many levels of symbolic links');
}

function saveError(file: string, why: string, hint?: string): WsxError {
  // Not 'invalid-option': a file that cannot be written is a local failure (exit 1), not a usage mistake.
  return new WsxError('local-file', `cannot save ${file}: ${why}`, hint ? { hint } : {});
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Blocks for `ms`: the commands that write the config are short and have nothing else to do meanwhile. */
function sleepSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

interface LockOwner {
  pid: number;
  host: string;
  token: string;
}

function readOwner(lock: string): LockOwner | undefined {
  try {
    return JSON.parse(readFileSync(lock, 'utf8')) as LockOwner;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it runs, as someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A lock nobody will release: its writer died on this host, or it is older than `staleMs` (a writer holds it
 * for milliseconds; this also covers a pid reused since, or a writer on another host that died).
 */
function isStale(lock: string, staleMs: number): boolean {
  let mtimeMs: number;
  try {
    mtimeMs = statSync(lock).mtimeMs;
  } catch {
    return false;
  }
  if (Date.now() - mtimeMs > staleMs) return true;
  const owner = readOwner(lock);
  // A lock whose content is not written yet is being taken right now.
  if (!owner || typeof owner.pid !== 'number') return false;
  return owner.host === hostname() && !isRunning(owner.pid);
}

/**
 * Removes a stale lock without removing a fresh one taken meanwhile: the lock is moved aside (atomic), and if
 * what was moved is not the stale lock that was judged, it is linked back (link fails if a lock exists).
 */
function breakStaleLock(lock: string, judged: LockOwner | undefined): void {
  const aside = `${lock}.stale.${process.pid}.${randomBytes(4).toString('hex')}`;
  try {
    renameSync(lock, aside);
  } catch {
    return;
  }
  const moved = readOwner(aside);
  if (judged !== undefined && moved?.token !== judged.token) {
    try {
      linkSync(aside, lock);
    } catch {
      // Another writer took the lock in between; it holds it now.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // Gone already.
  }
}

/** Takes `lock` for this process, waiting for other writers; returns the token that proves ownership. */
function takeLock(file: string, lock: string, timing: Required<LockTiming>): string {
  const token = randomBytes(8).toString('hex');
  const owner: LockOwner = { pid: process.pid, host: hostname(), token };
  const deadline = Date.now() + timing.waitMs;
  // Bounded by the deadline; each turn sleeps 5-40 ms, jittered so that waiting writers do not march in step.
  for (;;) {
    try {
      const fd = openSync(lock, 'wx');
      try {
        writeFileSync(fd, JSON.stringify(owner));
      } finally {
        closeSync(fd);
      }
      return token;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw saveError(file, describeFileError(err));
    }
    if (isStale(lock, timing.staleMs)) {
      breakStaleLock(lock, readOwner(lock));
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = readOwner(lock);
      throw saveError(
        file,
        `another wsx${holder ? ` (pid ${holder.pid})` : ''} is writing it`,
        `try again; if no wsx is running, remove ${lock}`,
      );
    }
    sleepSync(5 + Math.floor(Math.random() * 35));
  }
}

function releaseLock(lock: string, token: string): void {
  // Remove it only while it is still ours: a writer that was too slow may have lost it as stale.
  if (readOwner(lock)?.token !== token) return;
  try {
    unlinkSync(lock);
  } catch {
    // Already gone.
  }
}

/** `config` as the file holds it: 2-space JSON, keys in the order given, empty sections left out. */
function serialize(config: Config): string {
  const out: Partial<Config> = {};
  if (Object.keys(config.profiles).length > 0) out.profiles = config.profiles;
  if (Object.keys(config.messages).length > 0) out.messages = config.messages;
  if (Object.keys(config.vars).length > 0) out.vars = config.vars;
  return `${JSON.stringify(out, null, 2)}\n`;
}

/** Writes `text` to a temporary file beside `target` and renames it over `target`, keeping its mode. */
function replaceFile(file: string, target: string, text: string): void {
  const temporary = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    let mode: number | undefined;
    try {
      mode = statSync(target).mode & 0o7777;
    } catch {
      mode = undefined;
    }
    writeFileSync(temporary, text, mode === undefined ? {} : { mode });
    if (mode !== undefined) chmodSync(temporary, mode);
    renameSync(temporary, target);
  } catch (err) {
    try {
      unlinkSync(temporary);
    } catch {
      // Never created.
    }
    throw saveError(file, describeFileError(err));
  }
}

/**
 * Reads `file` under its lock, lets `change` edit the config (it may throw to abandon the write: nothing is
 * written and the lock is released), and writes the result. Returns what `change` returned. Parallel callers,
 * in this or other processes, each see the others' changes: none is lost. Throws an 'invalid-option' WsxError
 * for a malformed file, and a WsxError (exit 1) starting "cannot save FILE:" when it cannot be written.
 */
export function updateConfig<T>(file: string, change: (config: Config) => T, timing: LockTiming = {}): T {
  const target = writeTarget(file);
  try {
    mkdirSync(dirname(target), { recursive: true });
  } catch (err) {
    throw saveError(file, describeFileError(err));
  }
  const lock = `${target}.lock`;
  const token = takeLock(file, lock, { waitMs: timing.waitMs ?? 10_000, staleMs: timing.staleMs ?? 30_000 });
  try {
    const config = readConfig(target);
    const result = change(config);
    replaceFile(file, target, serialize(config));
    return result;
  } finally {
    releaseLock(lock, token);
  }
}

/** Replaces the whole config in `file` (under the same lock as updateConfig). */
export function writeConfig(file: string, config: Config, timing: LockTiming = {}): void {
  updateConfig(
    file,
    (current) => {
      current.profiles = config.profiles;
      current.messages = config.messages;
      current.vars = config.vars;
    },
    timing,
  );
}
