// Output that nobody reads any more: `wsx --help | head -1` closes the pipe after the first line.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { collect, spawnWsx, wsxBin } from '../helpers/run-wsx.js';

describe('a closed or full stdout', () => {
  it.each([
    { args: ['--help'] },
    { args: ['help', 'serve'] },
    { args: ['run', '--help'] },
    { args: ['profiles', '--help'] },
    { args: ['--version'] },
  ])('exits 0 with empty stderr when the reader of wsx $args left before it wrote', async ({ args }) => {
    const child = spawnWsx(args);
    // The reader leaves at once: every write wsx makes meets a pipe with no reader (EPIPE).
    child.stdout.destroy();
    const result = await collect(child);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('exits 1 with one line when the help cannot be written (disk full)', async () => {
    const child = spawn('bash', ['-c', `NO_COLOR=1 "${process.execPath}" "${wsxBin}" --help > /dev/full`]);
    const result = await collect(child);
    expect(result.stderr).toBe('wsx: cannot write to stdout: ENOSPC\n');
    expect(result.code).toBe(1);
  });
});
