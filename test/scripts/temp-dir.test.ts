import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { basename, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';

describe('the test run’s temporary files', () => {
  it('go under one wsx-tests- folder (removed when the run ends), in the tests and in the processes they start', () => {
    expect(basename(tmpdir())).toMatch(/^wsx-tests-/);
    const child = spawnSync(process.execPath, ['-p', 'require("os").tmpdir()'], { encoding: 'utf8' });
    expect(child.stdout.trim()).toBe(tmpdir());
    expect(dirname(tmpdir())).not.toBe(tmpdir());
  });
});
