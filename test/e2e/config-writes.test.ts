// The config file as several processes and a dotfile manager see it: parallel writers all land, a symlink
// stays a symlink, an unwritable file is one line and exit 1, an inherited field name is an unknown field.

import { lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configHome } from '../helpers/config-home.js';
import { runWsx } from '../helpers/run-wsx.js';

const profileNames = (file: string) =>
  Object.keys((JSON.parse(readFileSync(file, 'utf8')) as { profiles: object }).profiles).sort();

describe('writing the config file', () => {
  it('keeps every profile when 20 `wsx profiles add` run at once', async () => {
    const { env, file } = configHome('wsx-config-writes-');
    const names = Array.from({ length: 20 }, (_, i) => `p${String(i).padStart(2, '0')}`);
    const runs = await Promise.all(
      names.map((name) =>
        runWsx(['profiles', 'add', name, `ws://127.0.0.1:1/${name}`], { env, killAfterMs: 30_000 }),
      ),
    );
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    expect(profileNames(file)).toEqual(names);
  }, 40_000);

  it('writes through a symlinked config.json to its target, leaving the link in place', async () => {
    const { env, file, dir } = configHome('wsx-config-writes-');
    const dotfiles = join(dir, 'dotfiles');
    mkdirSync(dotfiles);
    mkdirSync(join(file, '..'), { recursive: true });
    const target = join(dotfiles, 'wsx.json');
    writeFileSync(target, '{ "profiles": { "old": { "url": "ws://127.0.0.1:1/" } } }\n');
    symlinkSync('../../dotfiles/wsx.json', file);
    const r = await runWsx(['profiles', 'add', 'new', 'ws://127.0.0.1:2'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(readlinkSync(file)).toBe('../../dotfiles/wsx.json');
    expect(profileNames(target)).toEqual(['new', 'old']);
    const rm = await runWsx(['profiles', 'rm', 'old'], { env });
    expect(rm.code, rm.stderr).toBe(0);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(profileNames(target)).toEqual(['new']);
  });

  it('creates the target of a dangling symlink instead of replacing the link', async () => {
    const { env, file, dir } = configHome('wsx-config-writes-');
    mkdirSync(join(file, '..'), { recursive: true });
    const target = join(dir, 'dotfiles-target.json');
    symlinkSync(target, file);
    const r = await runWsx(['profiles', 'add', 'a', 'ws://127.0.0.1:1'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(lstatSync(file).isSymbolicLink()).toBe(true);
    expect(profileNames(target)).toEqual(['a']);
  });

  it('says in one line that it could not save, exit 1, when the config directory cannot be made', async () => {
    const { env, file, dir } = configHome('wsx-config-writes-');
    // XDG_CONFIG_HOME is a file, so $XDG_CONFIG_HOME/wsx cannot be a directory (root or not).
    writeFileSync(join(dir, 'config'), 'not a directory\n');
    const r = await runWsx(['profiles', 'add', 'a', 'ws://127.0.0.1:1'], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`wsx: cannot save ${file}: a part of the path is not a directory\n`);
  });

  it('stops with exit 2 naming file, line and path for an inherited name used as a field', async () => {
    const { env, file } = configHome('wsx-config-writes-');
    mkdirSync(join(file, '..'), { recursive: true });
    for (const field of ['valueOf', '__proto__', 'constructor', 'toString']) {
      writeFileSync(
        file,
        `{\n  "profiles": {\n    "a": {\n      "url": "ws://127.0.0.1:1",\n      "${field}": "x"\n    }\n  }\n}\n`,
      );
      const r = await runWsx(['@a'], { env });
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        new RegExp(`^wsx: ${file}:5: profiles\\.a\\.${field}: unknown field "${field}"`),
      );
    }
  });
});
