// The shared reader for files the user names: regular files only, capped, errors in words.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeFileError, LocalFileError, readLocalFile } from '../../src/text/local-file.js';

const dir = () => mkdtempSync(join(tmpdir(), 'wsx-local-file-'));

function refusal(path: string, maxBytes?: number): LocalFileError {
  try {
    readLocalFile(path, maxBytes);
  } catch (err) {
    expect(err).toBeInstanceOf(LocalFileError);
    return err as LocalFileError;
  }
  throw new Error(`readLocalFile read ${path}`);
}

describe('readLocalFile', () => {
  it('reads a regular file whole, up to and including the cap', () => {
    const file = join(dir(), 'a.txt');
    writeFileSync(file, '0123456789');
    expect(readLocalFile(file).toString()).toBe('0123456789');
    expect(readLocalFile(file, 10).toString()).toBe('0123456789');
    expect(refusal(file, 9).reason).toBe('larger than 9 bytes; is it the right file?');
  });

  it('refuses a device, a FIFO and a directory by type, without reading or waiting', () => {
    const fifo = join(dir(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    const started = Date.now();
    expect(refusal('/dev/zero').reason).toMatch(/^not a regular file/);
    expect(refusal(fifo).reason).toMatch(/^not a regular file/);
    expect(refusal(dir()).reason).toBe('is a directory');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('names a missing file in words and keeps the code', () => {
    const err = refusal(join(dir(), 'nope'));
    expect(err.reason).toBe('no such file');
    expect(err.code).toBe('ENOENT');
    expect(err.message).toMatch(/nope: no such file$/);
  });

  it('describes system errors in words, the code for the rest', () => {
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EACCES' }))).toBe('permission denied');
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EISDIR' }))).toBe('is a directory');
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EWHATEVER' }))).toBe('EWHATEVER');
  });
});
