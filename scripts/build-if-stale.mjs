// `npm start` runs this first: it builds only when a source changed since the last build, so starting
// wsx never waits on a build it does not need.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Modification times (ms) of every file under `dir` whose name matches `pattern`; none if it is missing. */
function mtimes(dir, pattern) {
  if (!existsSync(dir)) return [];
  const times = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && pattern.test(entry.name))
      times.push(statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
  }
  return times;
}

/**
 * True when `root`'s dist/ is missing or older than a source: a file in src/ or a tsconfig or
 * package.json or the build scripts newer than the oldest built .js file (each build rewrites every output).
 */
export function isBuildStale(root) {
  const built = mtimes(join(root, 'dist'), /\.js$/);
  if (built.length === 0 || !existsSync(join(root, 'dist', 'cli', 'main.cjs'))) return true;
  const configs = ['tsconfig.json', 'package.json', 'scripts/build.mjs', 'scripts/dependency-edits.mjs']
    .map((name) => join(root, name))
    .filter((path) => existsSync(path))
    .map((path) => statSync(path).mtimeMs);
  const sources = [...mtimes(join(root, 'src'), /\.tsx?$/), ...configs];
  return Math.max(...sources) > Math.min(...built);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  if (isBuildStale(root)) {
    const result = spawnSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
    process.exitCode = result.status ?? 1;
  }
}
