// npm run sea: builds dist/sea/wsx, a single executable for the platform it runs on (Linux x64 in CI) that
// needs no Node installed: Node's single-executable applications (SEA, Node 20.12+ for assets). Steps:
// esbuild bundles the plain-run and the full program (src/cli/main.ts, as the npm install's two) as
// CommonJS scripts with everything in them, and src/cli/sea.ts, the small main script that picks one;
// a smoke run of each makes its V8 code cache; `node --experimental-sea-config` turns the main script,
// with the programs and caches as assets, into a blob; a copy of this node binary gets the blob injected
// with postject (the tool Node's documentation names; a devDependency).
import { build } from 'esbuild';
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
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
import { plainRunOnly } from './plain-run-only.mjs';
import { WebSocketServer } from 'ws';

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

// Assets (the programs and their caches) came in Node 20.12.
const [major, minor] = process.versions.node.split('.').map(Number);
if (major === 20 && minor < 12) {
  console.error(
    `npm run sea: needs Node 20.12 or later (single-executable assets); this is ${process.version}`,
  );
  process.exit(1);
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const common = {
  absWorkingDir: root,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
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
};
const edits = [editDependencies, noInkDevtools, yogaWithoutAwait, inkWithoutAwait, optionalModulesAbsent];

/**
 * The parts a run may import later, left out of the programs as in the npm install (scripts/build.mjs),
 * at the same paths relative to them: the screen, the contract layer, the SOCKS agent, the cookie jar,
 * mqtt-packet, hdr-histogram (~1.9 MiB that a smoke run never runs). In the executable each is an asset
 * of its own, compiled only by a run that imports it: inside the plain program they made a smoke run
 * ~9% slower in CPU (2.7 MiB of program to read and compile against 0.6).
 */
const parts = {
  'ui/screen.cjs': 'src/ui/screen.ts',
  'contract/index.js': 'src/contract/index.ts',
  'cli/socks-agent.js': 'src/cli/socks-agent.ts',
  'cli/cookies.js': 'src/cli/cookies.ts',
  'cli/mqtt-packet.js': 'src/protocols/mqtt-packet.ts',
  'cli/hdr-histogram.js': 'src/load/hdr-histogram.ts',
};
const partsStayOut = {
  name: 'parts-stay-out',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/ui\/screen\.js$/ }, () => ({ path: '../ui/screen.cjs', external: true }));
    b.onResolve(
      { filter: /^(\.\.\/contract\/index|\.\/(socks-agent|cookies|mqtt-packet|hdr-histogram))\.js$/ },
      (args) => (args.kind === 'dynamic-import' ? { path: args.path, external: true } : undefined),
    );
  },
};

/**
 * Bundles `entry` as dist/sea/NAME, a CommonJS script: the executable's require() reaches Node's
 * built-ins only, and a vm.Script has no import(), so each import() of a part calls src/cli/sea.ts's
 * importer instead (as scripts/build.mjs does for the npm install).
 */
async function buildScript(name, entry, plugins) {
  const file = join(out, name);
  await build({ ...common, plugins: [...edits, ...plugins], entryPoints: [entry], outfile: file });
  const source = readFileSync(file, 'utf8').replace(
    /\bimport\(("\.\.?\/[\w./-]+\.c?js")\)/g,
    '__wsxImport($1)',
  );
  const left = /\bimport\(/.exec(source.replace(/\/\/.*|"(?:[^"\\\n]|\\.)*"/g, ''));
  if (left)
    throw new Error(
      `${file}: an import() the executable cannot serve: ${source.slice(left.index, left.index + 80)}`,
    );
  writeFileSync(file, source);
  return file;
}
// The same two programs as the npm install's (scripts/build.mjs; src/cli/programs.ts picks one per run),
// and the parts.
const programs = {
  'cli/wsx.cjs': await buildScript('cli/wsx.cjs', 'src/cli/main.ts', [plainRunOnly, partsStayOut]),
  'cli/wsx-full.cjs': await buildScript('cli/wsx-full.cjs', 'src/cli/main.ts', [partsStayOut]),
};
for (const [name, entry] of Object.entries(parts)) programs[name] = await buildScript(name, entry, []);
// The executable's main script: src/cli/sea.ts, which picks, compiles and runs one of them.
const script = join(out, 'main.cjs');
await build({ ...common, plugins: edits, entryPoints: ['src/cli/sea.ts'], outfile: script });

/**
 * V8's code cache for each program, made by the run that matters most: a smoke round trip (the plain
 * program; the full one with --proto raw, which only it serves) against an echo server here, through
 * src/cli/sea.ts under this very node, which the executable is a copy of (V8 accepts a cache made by the
 * same V8 under the same flags only). Made at the end of the run, it holds every function the run
 * compiled; Node's `useCodeCache` holds the top level only.
 */
async function codeCaches() {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  server.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
  await once(server, 'listening');
  const url = `ws://127.0.0.1:${server.address().port}/`;
  const caches = {};
  const home = mkdtempSync(join(tmpdir(), 'wsx-sea-cache-'));
  try {
    for (const [name, extra] of [
      ['cli/wsx.cjs', []],
      ['cli/wsx-full.cjs', ['--proto', 'raw']],
    ]) {
      const cache = join(out, `${name}.v8`);
      const child = spawn(
        process.execPath,
        [script, url, '-x', 'ping', '--expect', '^ping$', '--timeout', '10s', ...extra],
        // No NODE_OPTIONS (V8 flags there would make the cache one the executable refuses), no user config.
        {
          stdio: ['ignore', 'ignore', 'inherit'],
          env: { PATH: process.env.PATH, HOME: home, WSX_SEA_WRITE_CACHE: cache },
        },
      );
      const [code] = await once(child, 'close');
      if (code !== 0) throw new Error(`the smoke run that makes ${name}'s code cache exited ${code}`);
      caches[`${name}.v8`] = cache;
    }
  } finally {
    server.close();
    rmSync(home, { recursive: true, force: true });
  }
  return caches;
}

const blob = join(out, 'wsx.blob');
const config = join(out, 'sea-config.json');
const assets = { ...programs, ...(useCodeCache ? await codeCaches() : {}) };
writeFileSync(
  config,
  JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true, useCodeCache, assets }),
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
for (const file of Object.values(assets)) if (file.endsWith('.v8')) rmSync(file);
const mib = (path) => (statSync(path).size / 1024 / 1024).toFixed(1);
console.log(
  `dist/sea/wsx: ${mib(executable)} MiB (programs ${mib(programs['cli/wsx.cjs'])} and ${mib(programs['cli/wsx-full.cjs'])} MiB, code caches ${useCodeCache ? 'on' : 'off'})`,
);
