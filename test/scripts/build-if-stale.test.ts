// `npm start` builds only when a source is newer than the build.

import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { isBuildStale } from '../../scripts/build-if-stale.mjs';

const stale = isBuildStale as (root: string) => boolean;

/** A project with src/a.ts, src/ui/b.tsx, tsconfig.json and dist/cli/main.cjs, all at `seconds`. */
function project(seconds: number): { root: string; touch: (path: string, seconds: number) => void } {
  const root = mkdtempSync(join(tmpdir(), 'wsx-stale-'));
  const touch = (path: string, at: number) => {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '');
    utimesSync(join(root, path), at, at);
  };
  for (const path of ['src/a.ts', 'src/ui/b.tsx', 'tsconfig.json', 'dist/cli/main.cjs', 'dist/a.js'])
    touch(path, seconds);
  return { root, touch };
}

describe('isBuildStale', () => {
  it('is false when the build is as new as every source', () => {
    expect(stale(project(1_000_000).root)).toBe(false);
  });

  it('is true when a source, a nested component or a tsconfig changed after the build', () => {
    for (const path of ['src/a.ts', 'src/ui/b.tsx', 'src/new-file.ts', 'tsconfig.json']) {
      const { root, touch } = project(1_000_000);
      touch(path, 1_000_010);
      expect([path, stale(root)]).toEqual([path, true]);
    }
  });

  it('is true when dist/ is missing or has no entry point', () => {
    const { root, touch } = project(1_000_000);
    expect(stale(join(root, 'nowhere'))).toBe(true);
    const noMain = mkdtempSync(join(tmpdir(), 'wsx-stale-'));
    expect(stale(noMain)).toBe(true);
    touch('dist/other.js', 1_000_000);
    expect(stale(root)).toBe(false);
  });
});
