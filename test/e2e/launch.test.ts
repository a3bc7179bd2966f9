import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runWsx } from '../helpers/run-wsx.js';
import { hasTmux, screenShows, tmux, typeWsx } from '../helpers/tmux.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-cache-'));
  dirs.push(dir);
  return dir;
}
/** The cache files in `<XDG_CACHE_HOME>/wsx/`. */
function cacheFiles(cacheHome: string): string[] {
  try {
    return readdirSync(join(cacheHome, 'wsx')).map((name) => join(cacheHome, 'wsx', name));
  } catch {
    return [];
  }
}

describe("the launcher's code cache", () => {
  it("keeps V8's compiled program in $XDG_CACHE_HOME/wsx and reuses it: the next run leaves it as it was", async () => {
    const cacheHome = tempDir();
    const first = await runWsx(['--version'], { env: { XDG_CACHE_HOME: cacheHome } });
    expect(first.code).toBe(0);
    const [file, ...others] = cacheFiles(cacheHome);
    expect(others).toEqual([]);
    expect(file).toMatch(/\/wsx\/compiled-[0-9a-f]{16}-v\d+\.\d+\.\d+-\w+\.v8$/);
    const written = { bytes: readFileSync(file!), mtimeMs: statSync(file!).mtimeMs };
    expect(written.bytes.length).toBeGreaterThan(10_000);
    // V8 accepted the cache (a rejected one is written again, whole).
    const second = await runWsx(['--version'], { env: { XDG_CACHE_HOME: cacheHome } });
    expect(second).toMatchObject({ code: 0, stderr: '', stdout: first.stdout });
    expect(statSync(file!).mtimeMs).toBe(written.mtimeMs);
    expect(readFileSync(file!).equals(written.bytes)).toBe(true);
  });

  it('replaces a cache V8 rejects, and runs as if there were none', async () => {
    const cacheHome = tempDir();
    await runWsx(['--version'], { env: { XDG_CACHE_HOME: cacheHome } });
    const [file] = cacheFiles(cacheHome);
    writeFileSync(file!, 'not a code cache');
    const run = await runWsx(['--version'], { env: { XDG_CACHE_HOME: cacheHome } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(readFileSync(file!).length).toBeGreaterThan(10_000);
  });

  it('runs unchanged when the cache folder cannot be made: nothing on stderr, exit 0', async () => {
    const notADir = join(tempDir(), 'a-file');
    writeFileSync(notADir, '');
    const run = await runWsx(['--version'], { env: { XDG_CACHE_HOME: notADir } });
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it.skipIf(!hasTmux)(
    "writes the program's cache and the screen's from a session, which sizes V8's heap while it runs, and reuses both",
    async () => {
      // The session sets heap flags once the screen has loaded and puts V8's own values back when it
      // ends: both caches are made at exit under the flags the next run starts with. (A program cache made
      // under the session's flags was rejected, and written again, by every later run; so a session made
      // none.) --demo is a session; it needs a terminal, so tmux runs it, twice.
      const cacheHome = tempDir();
      const env = `CI=false NO_COLOR=1 XDG_CACHE_HOME=${cacheHome} XDG_STATE_HOME=${cacheHome}`;
      const demo = async () => {
        const session = `wsx-cache-${process.pid}-${Date.now()}`;
        tmux('new-session', '-d', '-s', session, '-x', '100', '-y', '30', 'bash', '--norc', '--noprofile');
        try {
          typeWsx(session, env, '--demo');
          await screenShows(session, '● open', 8000);
          tmux('send-keys', '-t', session, 'C-c', '');
          await screenShows(session, 'WSX_EXIT=0', 8000);
        } finally {
          spawnSync('tmux', ['kill-session', '-t', session]);
        }
        return cacheFiles(cacheHome)
          .sort()
          .map((file) => `${file} ${statSync(file).mtimeMs}`);
      };
      const first = await demo();
      expect(first).toHaveLength(2);
      expect(await demo()).toEqual(first);
    },
    30_000,
  );

  it('writes nothing with WSX_NO_COMPILE_CACHE=1', async () => {
    const cacheHome = tempDir();
    const run = await runWsx(['--version'], {
      env: { XDG_CACHE_HOME: cacheHome, WSX_NO_COMPILE_CACHE: '1' },
    });
    expect(run.code).toBe(0);
    expect(cacheFiles(cacheHome)).toEqual([]);
  });
});
