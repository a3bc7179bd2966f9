// The single executable's entry (npm run sea, scripts/build-sea.mjs): the launcher of the npm install
// (launch.ts) for a file with no files beside it. The executable carries the program twice as assets, as
// the npm install does: wsx.cjs for plain runs (a session, a pipe, a `-x … --expect` one-liner) and
// wsx-full.cjs for everything else (programs.ts picks), each one CommonJS script with everything it may
// import inside, plus V8's code cache for each, made by a smoke run at build time. Running the whole
// program as the executable's own main script (Node's `useCodeCache`) cost the smoke run ~8% over the
// raw ws floor: 3.2 MiB to read and compile, and a cache of the top level only, so every function the
// run called was compiled at every start. From the small program with a cache of what a smoke run calls
// it takes ~0.8x the floor (bench/README.md).
//
// Run by plain node (`node dist/sea/main.cjs …`, not in an executable) it reads the programs from the
// files beside it, with no cache: how npm run sea makes the caches (WSX_SEA_WRITE_CACHE=FILE writes the
// run's cache there at exit), and how to profile what the executable runs (`--cpu-prof`, which the
// executable refuses).

import { readFileSync, writeFileSync } from 'node:fs';
import { getAsset, getRawAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { allowLinearRegexFallback } from '../match/linear-regex.js';
import { needsFullProgram } from './programs.js';

interface Program {
  main(argv: string[]): Promise<void>;
}

/**
 * The text V8 compiles around a program's source: Node's CommonJS wrapper, on the first line so that
 * line numbers in stack traces stay true. The code cache made at build time fits this text only.
 */
function wrapped(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/** The program `name` (wsx.cjs or wsx-full.cjs) and its code cache, from the executable or beside this file. */
function programFiles(name: string): { source: string; cachedData: Buffer | undefined } {
  if (!isSea())
    return {
      source: readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8'),
      cachedData: undefined,
    };
  let cachedData: Buffer | undefined;
  try {
    // The asset's own memory, not a copy: V8 only reads it.
    cachedData = Buffer.from(getRawAsset(`${name}.v8`) as ArrayBuffer);
  } catch {
    // Built with WSX_SEA_CODE_CACHE=0: the program compiles from source.
  }
  return { source: getAsset(name, 'utf8'), cachedData };
}

/** Runs wsx with `argv` (process.argv shape); see the program's main in cli/main.ts. */
export function main(argv: string[]): Promise<void> {
  // The program sets this flag when it loads; the cache was made under it and is accepted only under it.
  allowLinearRegexFallback();
  const name = needsFullProgram(argv) ? 'wsx-full.cjs' : 'wsx.cjs';
  const { source, cachedData } = programFiles(name);
  const script = new Script(wrapped(source), { filename: name, cachedData });
  if (process.env.WSX_SEA_REPORT)
    process.stderr.write(
      `wsx: ${name}, code cache ${cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'accepted'}\n`,
    );
  const cacheOut = isSea() ? undefined : process.env.WSX_SEA_WRITE_CACHE;
  if (cacheOut)
    // At the end of the run, so the cache holds every function the run compiled, not only the top level.
    process.once('beforeExit', () => writeFileSync(cacheOut, script.createCachedData()));
  const module = { exports: {} as Program };
  // The executable's require reaches Node's built-ins only, as the program expects (it bundles the rest);
  // its file is the executable's, as for Node's own main script.
  const filename = isSea() ? process.execPath : fileURLToPath(new URL(name, import.meta.url));
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    require,
    module,
    filename,
    fileURLToPath(new URL('.', import.meta.url)),
  );
  return module.exports.main(argv);
}

void main(process.argv);
