// The single executable's entry (npm run sea, scripts/build-sea.mjs): the launcher of the npm install
// (launch.ts) for a file with no files beside it. The executable carries, as assets, what the npm install
// has in dist/: the program twice, cli/wsx.cjs for plain runs (a session, a pipe, a `-x … --expect`
// one-liner) and cli/wsx-full.cjs for everything else (programs.ts picks), with V8's code cache for each
// made by a smoke run at build time; and the parts a run may import later (the screen, the contract
// layer, the SOCKS agent …), each compiled only when imported. Every one is a CommonJS script.
//
// Running the whole program as the executable's own main script (Node's `useCodeCache`) cost the smoke
// run 1.07x the raw ws floor: 3.2 MiB to read and compile at every start, and a cache of its top level
// only, so each function the run called was compiled again at every start (bench/README.md).
//
// Run by plain node (`node dist/sea/main.cjs …`, not in an executable) it reads the scripts from the
// files beside it, with no cache: how npm run sea makes the caches (WSX_SEA_WRITE_CACHE=FILE writes the
// program's cache there at exit), and how to profile what the executable runs (`--cpu-prof`, which the
// executable refuses).

import { readFileSync, writeFileSync } from 'node:fs';
import { posix } from 'node:path';
import { getAsset, getRawAsset, isSea } from 'node:sea';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import { allowLinearRegexFallback } from '../match/linear-regex.js';
import { needsFullProgram } from './programs.js';

interface Program {
  main(argv: string[]): Promise<void>;
}

const inExecutable = isSea();

/** Each script's exports once it ran: a part imported twice is one module, as with import(). */
const loaded = new Map<string, unknown>();

/** The script `name` (a path in dist/, e.g. cli/wsx.cjs) and its code cache, if it has one. */
function scriptFiles(name: string): { source: string; cachedData: Buffer | undefined } {
  if (!inExecutable)
    return {
      source: readFileSync(fileURLToPath(new URL(name, import.meta.url)), 'utf8'),
      cachedData: undefined,
    };
  let cachedData: Buffer | undefined;
  try {
    // The asset's own memory, not a copy: V8 only reads it.
    cachedData = Buffer.from(getRawAsset(`${name}.v8`) as ArrayBuffer);
  } catch {
    // A part, or a build with WSX_SEA_CODE_CACHE=0: compiled from source.
  }
  return { source: getAsset(name, 'utf8'), cachedData };
}

/**
 * Compiles and runs the script `name` and returns its exports. The text around its source is Node's
 * CommonJS wrapper, on the first line so that line numbers in stack traces stay true, plus __wsxImport,
 * which the build put in place of each import() of a part; the code cache fits this text only.
 */
function loadScript(name: string): unknown {
  if (loaded.has(name)) return loaded.get(name);
  const { source, cachedData } = scriptFiles(name);
  const script = new Script(
    `(function (exports, require, module, __filename, __dirname, __wsxImport) {${source}\n})`,
    { filename: name, cachedData },
  );
  if (process.env.WSX_SEA_REPORT && cachedData !== undefined)
    process.stderr.write(`wsx: ${name}, code cache ${script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
  const cacheOut = inExecutable ? undefined : process.env.WSX_SEA_WRITE_CACHE;
  if (cacheOut && loaded.size === 0)
    // The program's, at the end of the run, so that it holds every function the run compiled, not
    // only the top level.
    process.once('beforeExit', () => writeFileSync(cacheOut, script.createCachedData()));
  const module = { exports: {} };
  loaded.set(name, module.exports);
  const importPart = (specifier: string): Promise<unknown> =>
    Promise.resolve().then(() => loadScript(posix.join(posix.dirname(name), specifier)));
  // The executable's require reaches Node's built-ins only, as the scripts expect (they bundle the
  // rest); their file is the executable's, as for Node's own main script.
  const filename = inExecutable ? process.execPath : fileURLToPath(new URL(name, import.meta.url));
  (script.runInThisContext() as (...args: unknown[]) => void)(
    module.exports,
    require,
    module,
    filename,
    posix.dirname(filename),
    importPart,
  );
  loaded.set(name, module.exports);
  return module.exports;
}

/** Runs wsx with `argv` (process.argv shape); see the program's main in cli/main.ts. */
export function main(argv: string[]): Promise<void> {
  // The program sets this flag when it loads; the cache was made under it and is accepted only under it.
  allowLinearRegexFallback();
  const program = loadScript(needsFullProgram(argv) ? 'cli/wsx-full.cjs' : 'cli/wsx.cjs') as Program;
  return program.main(argv);
}

void main(process.argv);
