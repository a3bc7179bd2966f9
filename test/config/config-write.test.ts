// Writing the config under its lock: a live writer's lock is waited for, a dead one's is broken, and a write
// that could not happen is an error, never a silent success.

import { spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../../src/config/config-file.js';
import { updateConfig, writeTarget } from '../../src/config/config-write.js';
import { WsxError } from '../../src/core/errors.js';

function configPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'wsx-config-write-')), 'config.json');
}

/** The pid of a process that has exited (so nobody holds it as a lock). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('updateConfig', () => {
  it('waits for a lock held by a running writer, then fails naming it and the lock file', () => {
    const file = configPath();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), token: 'other' }));
    const started = Date.now();
    let thrown: unknown;
    try {
      updateConfig(file, (c) => void (c.vars.a = '1'), { waitMs: 200 });
    } catch (err) {
      thrown = err;
    }
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(thrown).toBeInstanceOf(WsxError);
    expect((thrown as WsxError).kind).toBe('local-file');
    expect((thrown as WsxError).describe()).toBe(
      `cannot save ${file}: another wsx (pid ${process.pid}) is writing it (try again; if no wsx is running, remove ${file}.lock)`,
    );
    expect(existsSync(file)).toBe(false);
  });

  it('breaks the lock of a writer that died, and of one older than the stale limit', () => {
    const file = configPath();
    writeFileSync(`${file}.lock`, JSON.stringify({ pid: deadPid(), host: hostname(), token: 'dead' }));
    updateConfig(file, (c) => void (c.vars.a = '1'), { waitMs: 2000 });
    expect(readConfig(file).vars).toEqual({ a: '1' });
    expect(existsSync(`${file}.lock`)).toBe(false);

    writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: 'elsewhere', token: 'old' }));
    const minuteAgo = new Date(Date.now() - 60_000);
    utimesSync(`${file}.lock`, minuteAgo, minuteAgo);
    updateConfig(file, (c) => void (c.vars.b = '2'), { waitMs: 2000, staleMs: 30_000 });
    expect(readConfig(file).vars).toEqual({ a: '1', b: '2' });
  });

  it('writes nothing and releases the lock when the change throws', () => {
    const file = configPath();
    writeFileSync(file, '{ "vars": { "a": "1" } }\n');
    expect(() =>
      updateConfig(file, () => {
        throw new WsxError('invalid-option', 'no');
      }),
    ).toThrow('no');
    expect(readFileSync(file, 'utf8')).toBe('{ "vars": { "a": "1" } }\n');
    expect(existsSync(`${file}.lock`)).toBe(false);
  });

  it('keeps the file mode of the config it replaces', () => {
    const file = configPath();
    writeFileSync(file, '{}\n', { mode: 0o600 });
    updateConfig(file, (c) => void (c.vars.a = '1'));
    expect(spawnSync('stat', ['-c', '%a', file]).stdout.toString().trim()).toBe('600');
  });

  it('follows a chain of symlinks, relative ones from their own directory, to the file to replace', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsx-config-links-'));
    mkdirSync(join(dir, 'repo'));
    symlinkSync('repo/middle.json', join(dir, 'config.json'));
    symlinkSync('real.json', join(dir, 'repo', 'middle.json'));
    expect(writeTarget(join(dir, 'config.json'))).toBe(join(dir, 'repo', 'real.json'));
    updateConfig(join(dir, 'config.json'), (c) => void (c.vars.a = '1'));
    expect(lstatSync(join(dir, 'config.json')).isSymbolicLink()).toBe(true);
    expect(lstatSync(join(dir, 'repo', 'middle.json')).isSymbolicLink()).toBe(true);
    expect(readConfig(join(dir, 'repo', 'real.json')).vars).toEqual({ a: '1' });
  });
});
