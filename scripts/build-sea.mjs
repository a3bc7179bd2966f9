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
import {
  editDependencies,
  inkWithoutAwait,
  noInkDevtools,
  screenDefines,
  screenInject,
  yogaWithoutAwait,
} from './dependency-edits.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = join(root, 'dist', 'sea');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
/** WSX_SEA_CODE_CACHE=0 builds without V8's code cache (to measure what it buys). */
const useCodeCache = process.env.WSX_SEA_CODE_CACHE !== '0';

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
  inject: screenInject,
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
