// npm run sea: builds dist/sea/wsx, a single executable for the platform it runs on (Linux x64 in CI) that
// needs no Node installed: Node's single-executable applications (SEA, Node 20+) with the program as its
// one script. Steps: esbuild bundles src/cli/sea.ts with everything in it as one CommonJS script;
// `node --experimental-sea-config` turns it into a blob (with V8's code cache); a copy of this node
// binary gets the blob injected with postject (the tool Node's documentation names; a devDependency).
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { editDependencies, noInkDevtools, screenDefines } from './dependency-edits.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'sea');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** WSX_SEA_CODE_CACHE=0 builds without V8's code cache (to measure what it buys). */
const useCodeCache = process.env.WSX_SEA_CODE_CACHE !== '0';

/**
 * yoga-layout (ink's layout engine) loads its WebAssembly with a top-level await, which a CommonJS script
 * cannot hold. Its Emscripten loader takes an `instantiateWasm` hook: given one that instantiates
 * synchronously (Node allows WebAssembly.Module on the main thread), the loader finishes before it
 * returns, and the module object it filled in is what the awaited promise would have given. The wasm is
 * the base64 string the loader itself holds, read here at build time.
 */
const yogaWithoutAwait = {
  name: 'yoga-without-await',
  setup(b) {
    b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, (args) => {
      const loader = readFileSync(join(args.path, '../../binaries/yoga-wasm-base64-esm.js'), 'utf8');
      const wasm = /"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/.exec(loader)?.[1];
      if (!wasm) throw new Error(`${args.path}: yoga-layout's loader no longer holds its wasm as base64`);
      return {
        loader: 'js',
        resolveDir: join(args.path, '..'),
        contents: `import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
const yoga = {
  instantiateWasm(imports, done) {
    const instance = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(${JSON.stringify(wasm)}, 'base64')), imports);
    done(instance);
    return instance.exports;
  },
};
loadYoga(yoga);
if (!yoga.calledRun) throw new Error('yoga-layout did not start synchronously');
const Yoga = wrapAssembly(yoga);
export default Yoga;
export * from './generated/YGEnums.js';
`,
      };
    });
  },
};

/**
 * ink's reconciler awaits at its top level too, in two branches only ink's dev mode takes (React devtools),
 * which utils.js's edit turns off for good (dependency-edits.mjs). esbuild drops a dead branch only when it
 * can see it is dead, so here the two calls read `false`; the build fails if ink changes shape.
 */
const inkWithoutAwait = {
  name: 'ink-without-await',
  setup(b) {
    b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      const calls = source.split('isDev()').length - 1;
      if (calls !== 2) throw new Error(`${args.path} changed: expected 2 calls of isDev(), found ${calls}`);
      return { loader: 'js', contents: source.replaceAll('isDev()', 'false') };
    });
  },
};

/**
 * Optional modules that ws and debug try inside try/catch and do without (ws's native add-ons, debug's
 * colour detection). The executable's require() reaches built-ins only and warns on stderr when asked
 * for anything else; these stand-ins fail the way a missing module does, silently.
 */
const optionalModulesAbsent = {
  name: 'optional-modules-absent',
  setup(b) {
    b.onResolve({ filter: /^(bufferutil|utf-8-validate|supports-color)$/ }, (args) => ({
      path: args.path,
      namespace: 'absent',
    }));
    b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({
      loader: 'js',
      contents: `throw Object.assign(new Error("${args.path} is not in the single executable"), { code: 'MODULE_NOT_FOUND' });`,
    }));
  },
};

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const script = join(out, 'wsx.cjs');
await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/sea.ts'],
  outfile: script,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  plugins: [editDependencies, noInkDevtools, yogaWithoutAwait, inkWithoutAwait, optionalModulesAbsent],
  define: {
    'process.env.NODE_ENV': '"production"',
    WSX_VERSION: JSON.stringify(version),
    'import.meta.url': '__wsxImportMetaUrl',
    ...screenDefines,
  },
  banner: { js: "var __wsxImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  legalComments: 'none',
  minifySyntax: true,
  logLevel: 'warning',
});

const blob = join(out, 'wsx.blob');
const config = join(out, 'sea-config.json');
writeFileSync(
  config,
  JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache }),
);
execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'inherit' });

const executable = join(out, 'wsx');
copyFileSync(process.execPath, executable);
chmodSync(executable, 0o755);
const postject = createRequire(import.meta.url).resolve('postject/dist/cli.js');
execFileSync(
  process.execPath,
  [
    postject,
    executable,
    'NODE_SEA_BLOB',
    blob,
    '--sentinel-fuse',
    // Node's fixed fuse: the executable checks it to know it carries a blob.
    'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2',
  ],
  // postject's ELF library warns about every note section it cannot name; a failure still throws, with them.
  { stdio: ['ignore', 'ignore', 'pipe'] },
);
rmSync(blob);
rmSync(config);
const mib = (path) => (statSync(path).size / 1024 / 1024).toFixed(1);
console.log(
  `dist/sea/wsx: ${mib(executable)} MiB (script ${mib(script)} MiB, code cache ${useCodeCache ? 'on' : 'off'})`,
);
