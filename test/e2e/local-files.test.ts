// Files the user names (a scenario, a secret behind file:, a header file): a device, a FIFO or a huge file
// stops wsx at once with exit 2 naming the file, and every kind of file error reads the same everywhere.

import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWsx } from '../helpers/run-wsx.js';

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wsx-local-files-'));
}

function configHome(dir: string): { env: NodeJS.ProcessEnv; file: string } {
  const home = join(dir, 'home');
  mkdirSync(home, { recursive: true });
  return {
    env: { XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), HOME: home },
    file: join(dir, 'config', 'wsx', 'config.json'),
  };
}

describe('local files', () => {
  it('refuses /dev/zero and a FIFO as a scenario at once, exit 2 naming the file', async () => {
    const fifo = join(tempDir(), 'fifo.wsx');
    execFileSync('mkfifo', [fifo]);
    for (const file of ['/dev/zero', fifo]) {
      const started = Date.now();
      const r = await runWsx(['run', file], { killAfterMs: 5000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${file}: not a regular file`);
      expect(Date.now() - started).toBeLessThan(4000);
    }
  });

  it('refuses a scenario over the size cap, naming it', async () => {
    const big = join(tempDir(), 'big.wsx');
    writeFileSync(big, Buffer.alloc(9 * 1024 * 1024, '# x\n'));
    const r = await runWsx(['run', big]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${big}: larger than 8 MiB`);
  });

  it('refuses a file: secret that is /dev/zero or a FIFO, exit 2 naming the profile, setting and file', async () => {
    const dir = tempDir();
    const { env, file } = configHome(dir);
    const fifo = join(dir, 'token-fifo');
    execFileSync('mkfifo', [fifo]);
    mkdirSync(join(file, '..'), { recursive: true });
    for (const path of ['/dev/zero', fifo]) {
      writeFileSync(
        file,
        JSON.stringify({
          profiles: { p: { url: 'ws://127.0.0.1:1/', headers: { 'X-Api-Key': `file:${path}` } } },
        }),
      );
      const r = await runWsx(['@p'], { env, killAfterMs: 5000 });
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(
        `wsx: profile p: headers.X-Api-Key: cannot read ${path}: not a regular file (a device, FIFO or socket); give a file\n`,
      );
    }
  });

  it('refuses --header-file /dev/zero, and says "no such file" for a missing one as wsx run does', async () => {
    const zero = await runWsx(['ws://127.0.0.1:1', '--header-file', '/dev/zero'], { killAfterMs: 5000 });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toBe(
      'wsx: --header-file: cannot read /dev/zero: not a regular file (a device, FIFO or socket); give a file\n',
    );
    const missingHeaders = await runWsx(['ws://127.0.0.1:1', '--header-file', 'missing.txt']);
    expect(missingHeaders.code).toBe(2);
    expect(missingHeaders.stderr).toBe('wsx: --header-file: cannot read missing.txt: no such file\n');
    const missingScenario = await runWsx(['run', 'missing.wsx']);
    expect(missingScenario.code).toBe(2);
    expect(missingScenario.stderr).toBe('wsx: cannot read missing.wsx: no such file\n');
  });

  it('words a file load --message cannot read and a --junit file it cannot write the same way', async () => {
    const dir = tempDir();
    const message = await runWsx(['load', 'ws://127.0.0.1:1', '--message', `@${join(dir, 'missing.txt')}`]);
    expect(message.code).toBe(2);
    expect(message.stderr).toBe(`wsx: --message: cannot read ${join(dir, 'missing.txt')}: no such file\n`);
    const scenario = join(dir, 'ok.wsx');
    writeFileSync(scenario, 'connect ws://127.0.0.1:1\n');
    const junit = join(dir, 'no', 'such', 'dir', 'report.xml');
    const run = await runWsx(['run', scenario, '--junit', junit], { killAfterMs: 10_000 });
    expect(run.stderr).toContain(`wsx: --junit: cannot write ${junit}: no such file\n`);
  });
});
