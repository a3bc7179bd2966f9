// npm run build: bundles wsx into dist/ with esbuild, so start-up reads one file instead of ~60 modules.
// `tsc` only typechecks (npm run typecheck); it no longer emits.
//
// dist/cli/main.js        what bin/wsx.js imports: the launcher (src/cli/launch.ts), which compiles the
//                         program below with V8's code cache kept in $XDG_CACHE_HOME/wsx/.
// dist/cli/wsx-full.cjs   the program: the CLI, every mode but the screen, the core, ws, the protocol
//                         codecs. CommonJS, because Node 20 caches the compiled code of a script
//                         (vm.Script cachedData) but of no ES module. Code a run may not need (a mode, a
//                         codec, config files) waits in esbuild's lazy initialisers: parsed with the file
//                         (or read from the cache), run only when imported.
// dist/cli/wsx.cjs        the same program for plain runs (a session, a pipe, -x … --expect): without the
//                         subcommands, --from-curl, recordings and replay, the built-in server and the
//                         codecs but raw (plainRunOnly). The launcher picks one of the two per run
//                         (src/cli/programs.ts), so nothing is ever shared between them.
// dist/ui/screen.cjs      the interactive session's screen: ink, React (production build), the components;
//                         a script with a code cache like the program.
//                         Only modes/interactive.ts imports it, when a session starts, so pipe and script
//                         runs never read it. A module both bundles import exists twice, so nothing may
//                         cross between them by identity: errors are told by name (isInputError), each
//                         chalk is set apart, and test/e2e/build.test.ts fails on a class in both.
// dist/cli/load-worker.js  a `wsx load --workers` thread's entry: the load engine, codecs, proxy agents.
// dist/cli/hdr-histogram.js  hdr-histogram-js, which only `wsx load` imports (dynamically).
// dist/contract/index.js  the AsyncAPI contract layer with yaml and ajv (~500 KiB): only --asyncapi imports it.
// dist/cli/socks-agent.js    the SOCKS agent (socks-proxy-agent, socks), which only a SOCKS proxy run imports.
// dist/cli/cookies.js        --cookie and --cookie-jar (tough-cookie), which only a run with cookies imports.
// dist/cli/mqtt-packet.js    mqtt-packet and its streams, which only --proto mqtt imports.
// dist/core/connection.js the core alone, for tests that drive a Connection in a child process.
//
// One main file rather than esbuild's split chunks: a smoke run loaded 27 files and took 1.10-1.13x the raw
// ws floor; it loads one and takes 1.03-1.04x (npm run bench). Each bundled module keeps its
// `// node_modules/…` path comment, which the import recorder in test/helpers reads.
import { build } from 'esbuild';
import {
  editDependencies,
  inkWithoutAwait,
  noInkDevtools,
  screenDefines,
  screenInject,
  yogaWithoutAwait,
} from './dependency-edits.mjs';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

// Everything but dist/sea/, the single executable `npm run sea` builds (CI builds it before `npm test`).
for (const entry of existsSync(join(root, 'dist')) ? readdirSync(join(root, 'dist')) : [])
  if (entry !== 'sea') rmSync(join(root, 'dist', entry), { recursive: true, force: true });

/**
 * The screen's module, left as an import of dist/ui/screen.cjs by the program: the one place the two
 * bundles meet. Its path from src/modes/ is the same as from dist/cli/.
 */
const screenStaysOut = {
  name: 'screen-stays-out',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/ui\/screen\.js$/ }, () => ({ path: '../ui/screen.cjs', external: true }));
  },
};

/**
 * hdr-histogram-js (300 KiB), left as an import of dist/cli/hdr-histogram.js by the main bundle: only wsx
 * load reads it, through a dynamic import, so no other run parses it.
 */
const histogramsStayOut = {
  name: 'histograms-stay-out',
  setup(b) {
    b.onResolve({ filter: /^\.\/hdr-histogram\.js$/ }, () => ({
      path: './hdr-histogram.js',
      external: true,
    }));
  },
};

/**
 * The contract layer (yaml, ajv, ajv-formats), left as an import of dist/contract/index.js: cli/options.ts
 * imports it only when --asyncapi is given, so a run without a contract never parses it. Its path from
 * src/cli/ is the same as from dist/cli/. It throws nothing of wsx's across: problems come back as text.
 */
const contractStaysOut = {
  name: 'contract-stays-out',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/contract\/index\.js$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: '../contract/index.js', external: true } : undefined,
    );
  },
};

/**
 * The SOCKS agent (socks, ip-address, smart-buffer: 180 KiB) and the cookie jar (tough-cookie and the public
 * suffix list), left as imports of dist/cli/socks-agent.js and dist/cli/cookies.js: only a run through a
 * SOCKS proxy or with cookies reads them. They hold no class the main bundle checks by identity.
 */
const socksStaysOut = {
  name: 'socks-and-cookies-stay-out',
  setup(b) {
    b.onResolve({ filter: /^\.\/(socks-agent|cookies)\.js$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
  },
};

/**
 * mqtt-packet with readable-stream and bl (~280 KiB), left as an import of dist/cli/mqtt-packet.js: only
 * --proto mqtt reads it (src/protocols/ and dist/cli/ are where the main bundle's code sits).
 */
const mqttPacketsStayOut = {
  name: 'mqtt-packets-stay-out',
  setup(b) {
    b.onResolve({ filter: /^\.\/mqtt-packet\.js$/ }, () => ({ path: './mqtt-packet.js', external: true }));
  },
};

const common = {
  plugins: [editDependencies],
  absWorkingDir: root,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // ws's optional native add-ons, which it tries and does without. Everything else is bundled, so the
  // package has no runtime dependencies and installs offline with nothing cached.
  external: ['bufferutil', 'utf-8-validate'],
  define: {
    // React and ink pick their production builds; nothing in wsx reads NODE_ENV.
    'process.env.NODE_ENV': '"production"',
    WSX_VERSION: JSON.stringify(version),
  },
  // ws and other CommonJS dependencies call require() for Node built-ins; an ES module has no require.
  banner: {
    js: "import { createRequire as __wsxCreateRequire } from 'node:module'; const require = __wsxCreateRequire(import.meta.url);",
  },
  legalComments: 'none',
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
};

/**
 * What the plain-run program leaves out: the module adding the subcommands becomes one adding none, and
 * the modules only other runs import (dynamically) become a module that throws, which no plain run reaches
 * (the launcher gives those runs the full program; test/e2e/build.test.ts checks what a plain run loads).
 * Without them the smoke run's program is ~35% smaller and loads no subcommand's Node built-ins.
 */
const plainRunOnly = {
  name: 'plain-run-only',
  setup(b) {
    const onlyInFull =
      /[\\/]src[\\/](cli[\\/]from-curl|modes[\\/](load|serve|run)|record[\\/](recording|replay|to-scenario)|server[\\/]server|protocols[\\/](socketio|jsonrpc|graphql-ws|phoenix|signalr|actioncable|stomp|stomp-frame|mqtt))\.ts$/;
    b.onResolve({ filter: /^\.\.?\// }, async (args) => {
      if (args.pluginData === 'plain-run-only') return undefined;
      const resolved = await b.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'plain-run-only',
      });
      if (/[\\/]src[\\/]cli[\\/]subcommands\.ts$/.test(resolved.path))
        return { path: resolved.path, namespace: 'no-subcommands' };
      if (args.kind === 'dynamic-import' && onlyInFull.test(resolved.path))
        return { path: resolved.path, namespace: 'only-in-full' };
      return resolved;
    });
    b.onLoad({ filter: /.*/, namespace: 'no-subcommands' }, () => ({
      contents: 'export function addSubcommands() {}',
      loader: 'js',
    }));
    b.onLoad({ filter: /.*/, namespace: 'only-in-full' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`internal error: ${args.path.slice(root.length)} is in dist/cli/wsx-full.cjs only, and the launcher chose dist/cli/wsx.cjs (src/cli/programs.ts)`)});`,
      loader: 'js',
    }));
  },
};

/** The program as one CommonJS script (see dist/cli/wsx.cjs above); import.meta.url is its file's URL. */
const asScript = {
  format: 'cjs',
  banner: { js: "var __wsxImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { ...common.define, 'import.meta.url': '__wsxImportMetaUrl' },
};

/** The program's build: `name` plain or full (see dist/cli/wsx.cjs and wsx-full.cjs above). */
/**
 * Builds one of the scripts the launcher compiles with V8's code cache (`entry` as esbuild's entryPoints,
 * `plugins` beside the dependency edits, `define` beside the usual ones) as dist/<name>.cjs; returns esbuild's result and the hash that
 * names the script's cache.
 */
async function buildScript(entry, plugins, define = {}, inject = []) {
  const result = await build({
    ...common,
    ...asScript,
    define: { ...asScript.define, ...define },
    inject,
    plugins: [...common.plugins, ...plugins],
    entryPoints: entry,
    outExtension: { '.js': '.cjs' },
    outdir: 'dist',
  });
  // The script's import() of the ES module bundles beside it (the contract layer, the SOCKS agent…) calls
  // the launcher's importer instead: on Node 20 a vm.Script's own import() works only with an
  // experimental option that prints a warning on every run, or with a flag.
  const [file] = Object.keys(result.metafile.outputs);
  const source = readFileSync(join(root, file), 'utf8');
  const edited = source.replace(/\bimport\(("\.\.?\/[\w./-]+\.c?js")\)/g, '__wsxImport($1)');
  const left = /\bimport\(/.exec(edited.replace(/\/\/.*|"(?:[^"\\\n]|\\.)*"/g, ''));
  if (left)
    throw new Error(
      `${file}: an import() the launcher cannot serve: ${edited.slice(left.index, left.index + 80)}`,
    );
  writeFileSync(join(root, file), edited);
  // V8 checks a code cache against the source's length only: the launcher names each cache by this hash.
  const hash = createHash('sha256').update(edited).digest('hex').slice(0, 16);
  return { result, hash, file: file.slice('dist/'.length) };
}
const stayOut = [screenStaysOut, histogramsStayOut, contractStaysOut, socksStaysOut, mqttPacketsStayOut];
const scripts = [
  await buildScript({ 'cli/wsx': 'src/cli/main.ts' }, [plainRunOnly, ...stayOut]),
  await buildScript({ 'cli/wsx-full': 'src/cli/main.ts' }, stayOut),
  // The screen is a script too, so it gets a code cache (~860 KiB compiled at every session's start
  // otherwise): ink and yoga-layout then need their top-level awaits taken out.
  await buildScript(
    { 'ui/screen': 'src/ui/screen.ts' },
    [noInkDevtools, yogaWithoutAwait, inkWithoutAwait],
    screenDefines,
    screenInject,
  ),
];

const results = await Promise.all([
  build({
    ...common,
    define: {
      ...common.define,
      WSX_SCRIPT_HASHES: JSON.stringify(Object.fromEntries(scripts.map(({ file, hash }) => [file, hash]))),
    },
    entryPoints: { 'cli/main': 'src/cli/launch.ts' },
    outdir: 'dist',
  }),
  // A `wsx load --workers` thread: only a run with more than one worker starts it.
  build({
    ...common,
    plugins: [...common.plugins, histogramsStayOut, socksStaysOut, mqttPacketsStayOut],
    entryPoints: { 'cli/load-worker': 'src/cli/load-worker.ts' },
    outdir: 'dist',
  }),
  build({ ...common, entryPoints: { 'cli/hdr-histogram': 'src/load/hdr-histogram.ts' }, outdir: 'dist' }),
  build({ ...common, entryPoints: { 'contract/index': 'src/contract/index.ts' }, outdir: 'dist' }),
  build({ ...common, entryPoints: { 'cli/socks-agent': 'src/cli/socks-agent.ts' }, outdir: 'dist' }),
  build({ ...common, entryPoints: { 'cli/cookies': 'src/cli/cookies.ts' }, outdir: 'dist' }),
  build({ ...common, entryPoints: { 'cli/mqtt-packet': 'src/protocols/mqtt-packet.ts' }, outdir: 'dist' }),
  // The core on its own, for tests that drive a Connection in a child process (test/core).
  build({ ...common, entryPoints: { 'core/connection': 'src/core/connection.ts' }, outdir: 'dist' }),
]);

if (process.argv.includes('--report')) {
  for (const result of [...scripts.map((script) => script.result), ...results])
    for (const [file, out] of Object.entries(result.metafile.outputs))
      console.log(`${(out.bytes / 1024).toFixed(0).padStart(6)} KiB  ${file}`);
}
