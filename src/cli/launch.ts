// The launcher (dist/cli/main.cjs, what bin/wsx.js requires): picks the program a run needs (programs.ts: the
// plain-run dist/cli/wsx.cjs or the full dist/cli/wsx-full.cjs) and runs it through V8's code cache, so every
// run after the first skips parsing and compiling it. Node 20 caches no ES
// module's code (module.enableCompileCache is Node 22.1+); a vm.Script's cachedData is what it offers,
// and that takes a script: hence the CommonJS program. Measured (smoke run, CPU time): ~12% less.
//
// The cache lives in $XDG_CACHE_HOME/wsx/ (cacheDir), one file per build and Node version. Anything wrong
// with it (missing, stale, from another V8, a folder wsx may not write) costs only the cache: the program
// compiles from source as it would without one. WSX_NO_COMPILE_CACHE=1 turns it off.

import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Script } from 'node:vm';
import { cacheDir } from '../config/paths.js';
import { allowLinearRegexFallback } from '../match/linear-regex.js';
import { needsFullProgram } from './programs.js';

/**
 * The hash of each script the launcher compiles (cli/wsx.cjs, cli/wsx-full.cjs, ui/screen.cjs: paths in
 * dist/), baked in by scripts/build.mjs; it names the script's cache, as V8 checks a cache against its
 * source's length only.
 */
declare const WSX_SCRIPT_HASHES: Record<string, string>;

/**
 * Arguments of a run that only prints (the version, help). It compiles little of the program: a cache it
 * wrote (and the first run after an install is often `wsx --version`) would be accepted by every later
 * run, which would then compile the rest at each start: a smoke run took ~11% more CPU than with a cache
 * written by a smoke run. Such a run reads the cache but writes none.
 */
const printOnly = ['--version', '-V', '--help', '-h', 'help'];

/** Whether this run may write the caches (cleared by main for a run that only prints). */
let mayWriteCache = true;

/** dist/, where the scripts are. */
const dist = new URL('../', import.meta.url);

interface Program {
  main(argv: string[]): Promise<void>;
}

/**
 * The cache file for this build of the program under this Node, or undefined when caching is off.
 * V8 rejects a cache made by another V8 version or under other flags; the Node version in the name keeps
 * two Node installations from overwriting each other's cache on every run.
 */
export function compileCacheFile(env: NodeJS.ProcessEnv, programHash: string): string | undefined {
  if (env.WSX_NO_COMPILE_CACHE) return undefined;
  return join(cacheDir(env), `compiled-${programHash}-${process.version}-${process.arch}.v8`);
}

function readCache(file: string | undefined): Buffer | undefined {
  if (file === undefined) return undefined;
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Writes the cache whole or not at all (a rename), and removes the caches of earlier builds beside it. */
function writeCache(file: string, data: Buffer): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(temp, data);
    renameSync(temp, file);
    for (const name of readdirSync(dirname(file)))
      if (name.startsWith('compiled-') && !Object.values(WSX_SCRIPT_HASHES).some((h) => name.includes(h)))
        rmSync(join(dirname(file), name), { force: true });
  } catch {
    // A read-only or full cache folder, or a file where it should be: the next run compiles from source,
    // as this one did.
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written.
    }
  }
}

/**
 * Compiles and runs the script at `url` (dist/cli/wsx.cjs …) with its code cache when there is one, and
 * returns its exports.
 */
function loadScript(url: URL): unknown {
  const file = fileURLToPath(url);
  const name = url.href.slice(dist.href.length);
  const hash = WSX_SCRIPT_HASHES[name];
  const cacheFile = hash === undefined ? undefined : compileCacheFile(process.env, hash);
  const cachedData = readCache(cacheFile);
  const source = readFileSync(file, 'utf8');
  const fileUrl = pathToFileURL(file);
  // Node's CommonJS wrapper, on the first line so that line numbers in stack traces stay true, plus
  // __wsxImport: the script's import() of the other bundles beside it (the screen's script, the ES module
  // bundles), which scripts/build.mjs points here because a vm.Script's own import() needs an
  // experimental flag on Node 20.
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __wsxImport) {${source}\n})`,
    { filename: file, cachedData },
  );
  const module = { exports: {} };
  const importBundle = (specifier: string): Promise<unknown> => {
    const target = new URL(specifier, fileUrl);
    return target.pathname.endsWith('.cjs')
      ? Promise.resolve().then(() => loadScript(target))
      : import(target.href);
  };
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    createRequire(file),
    module,
    file,
    dirname(file),
    importBundle,
  );
  if (
    mayWriteCache &&
    cacheFile !== undefined &&
    (cachedData === undefined || script.cachedDataRejected === true)
  ) {
    // Made at the end of the run, so the cache holds every function this run compiled, not just the top
    // level. V8 accepts a cache only under the flags it was made under, and a run may set some (the
    // session sizes its heap): a cache made then would be rejected by the next run, and rewritten by
    // every run. A one-line probe cached now tells whether the flags are still the ones of the start.
    // (Two file names: V8 would serve the second compile from its in-memory cache, unchecked.)
    const probe = new Script('0', { filename: 'wsx-flags-at-start' }).createCachedData();
    process.once('beforeExit', () => {
      if (new Script('0', { filename: 'wsx-flags-at-end', cachedData: probe }).cachedDataRejected === false)
        writeCache(cacheFile, script.createCachedData());
    });
  }
  return module.exports;
}

/** Runs wsx with `argv` (process.argv shape); see the program's main in cli/main.ts. */
export function main(argv: string[]): Promise<void> {
  // The program sets this flag when it loads; a cache made under it is accepted only under it.
  allowLinearRegexFallback();
  mayWriteCache = !argv.slice(2).some((arg) => printOnly.includes(arg));
  const program = loadScript(new URL(needsFullProgram(argv) ? 'cli/wsx-full.cjs' : 'cli/wsx.cjs', dist));
  return (program as Program).main(argv);
}
