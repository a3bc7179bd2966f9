import { mkdtempSync, rmSync, writeFileSync, chmodSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeFileError, describeIoError, LocalFileError } from '../../src/text/io-error.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'wsx-io-'));
  dirs.push(d);
  return d;
}
/** What reading or writing `path` throws, for real. */
function thrown(action: () => unknown): unknown {
  try {
    action();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('describeIoError', () => {
  it('words a missing file as "no such file", never ENOENT', () => {
    const err = thrown(() => readFileSync('missing.txt'));
    expect(describeIoError(err, 'missing.txt')).toBe('cannot read missing.txt: no such file');
  });

  it('words a directory, and a write into a missing folder', () => {
    const dir = tempDir();
    expect(
      describeIoError(
        thrown(() => readFileSync(dir)),
        dir,
      ),
    ).toBe(`cannot read ${dir}: is a directory`);
    const file = join(dir, 'no', 'x.xml');
    expect(
      describeIoError(
        thrown(() => writeFileSync(file, 'x')),
        file,
        'write',
      ),
    ).toBe(`cannot write ${file}: no such file`);
  });

  it.skipIf(process.getuid?.() === 0)('words a file it may not read as "permission denied"', () => {
    const file = join(tempDir(), 'secret');
    writeFileSync(file, 'x');
    chmodSync(file, 0o000);
    expect(
      describeIoError(
        thrown(() => readFileSync(file)),
        file,
      ),
    ).toBe(`cannot read ${file}: permission denied`);
  });

  it("keeps wsx's own reasons, and a code it has no words for", () => {
    expect(describeIoError(new LocalFileError('big', 'larger than 8 MiB'), 'big')).toBe(
      'cannot read big: larger than 8 MiB',
    );
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EWEIRD' }))).toBe('EWEIRD');
    expect(describeFileError(Object.assign(new Error('x'), { code: 'EMFILE' }))).toBe('too many open files');
  });
});
