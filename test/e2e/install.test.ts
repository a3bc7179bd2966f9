// The README's install steps, literally, from an empty folder outside the project:
// `npm pack`, then `npm install -g ./wsx-0.1.0.tgz` and `wsx`, or `npx --yes --package ./wsx-0.1.0.tgz wsx`.
// npm runs --offline with a new, empty cache: the tarball must need nothing but itself. (It once declared a
// dependency, and the test passed only on machines where an earlier `npm install` had cached its metadata.)

import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../..', import.meta.url).pathname;
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * Without the project's npm_* variables (vitest may run under `npm test`, the user's shell does not), and
 * with an npm cache of its own, empty: whatever the machine's cache holds cannot make the install pass.
 */
const env = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k))),
  npm_config_cache: mkdtempSync(join(tmpdir(), 'wsx-npm-cache-')),
};

/** npm, offline and quiet, in `cwd`. */
function npm(args: string[], cwd: string) {
  return run('npm', [...args, '--offline', '--no-audit', '--no-fund', '--loglevel=error'], {
    cwd,
    env,
    timeout: 60_000,
  });
}

describe('installing the packed tarball', () => {
  it('npm install -g ./wsx-<version>.tgz offline with an empty npm cache, then wsx --version from an empty folder', async () => {
    const work = mkdtempSync(join(tmpdir(), 'wsx-install-'));
    // The suite built dist/ already (pretest); --ignore-scripts skips prepack's second build.
    await npm(['pack', '--ignore-scripts', '--pack-destination', work], root);
    const tgz = `./wsx-${version}.tgz`;
    const prefix = join(work, 'global');
    await npm(['install', '-g', '--prefix', prefix, tgz], work);
    const empty = mkdtempSync(join(tmpdir(), 'wsx-empty-'));
    const installed = await run(join(prefix, 'bin', 'wsx'), ['--version'], { cwd: empty });
    expect(installed.stdout).toBe(`${version}\n`);
    // The proxy agent is bundled too, loaded only when a proxy is used: the installed package has no
    // node_modules of its own, so a missing agent would fail here as ERR_MODULE_NOT_FOUND.
    const viaProxy = await run(
      join(prefix, 'bin', 'wsx'),
      ['ws://127.0.0.1:9', '--proxy', 'http://127.0.0.1:1', '-x', 'hi'],
      { cwd: empty },
    ).catch((err: unknown) => err as { code: number; stderr: string });
    expect(viaProxy).toMatchObject({ code: 3 });
    expect((viaProxy as { stderr: string }).stderr).toContain(
      'proxy http://127.0.0.1:1 unreachable: connection refused',
    );
    // The screen is a bundle of its own, loaded only by a session: it must be in the package and load.
    const installedDist = join(prefix, 'lib', 'node_modules', 'wsx', 'dist');
    // (A script the launcher compiles with its code cache; Node's own require loads it the same way.)
    const screen = join(installedDist, 'ui', 'screen.cjs');
    await run(process.execPath, ['-e', `require(${JSON.stringify(screen)})`], { cwd: empty });
    // The core's own bundle is for the tests alone.
    expect(existsSync(join(installedDist, 'core'))).toBe(false);
    const npx = await run(
      'npx',
      ['--yes', '--offline', '--package', join(work, `wsx-${version}.tgz`), '--', 'wsx', 'help'],
      { cwd: empty, env, timeout: 60_000 },
    );
    expect(npx.stdout).toContain('Usage: wsx [options] <url>');
  }, 90_000);
});
