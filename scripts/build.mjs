// npm run build: bundles wsx into dist/ with esbuild, so start-up reads one file instead of ~60 modules.
// `tsc` only typechecks (npm run typecheck); it no longer emits.
//
// dist/cli/main.js        what bin/wsx.js imports: the CLI, every mode but the screen, the core, ws, the
//                         protocol codecs. Code a run may not need (a mode, a codec, config files) waits in
//                         esbuild's lazy initialisers: parsed with the file, run only when imported.
// dist/ui/screen.js       the interactive session's screen: ink, React (production build), the components.
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
import { editDependencies } from './dependency-edits.mjs';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

/**
 * The screen's module, left as an import of dist/ui/screen.js by the main bundle: the one place the two
 * bundles meet. Its path from src/modes/ is the same as from dist/cli/.
 */
const screenStaysOut = {
  name: 'screen-stays-out',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/ui\/screen\.js$/ }, () => ({ path: '../ui/screen.js', external: true }));
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

const results = await Promise.all([
  build({
    ...common,
    plugins: [
      ...common.plugins,
      screenStaysOut,
      histogramsStayOut,
      contractStaysOut,
      socksStaysOut,
      mqttPacketsStayOut,
    ],
    entryPoints: { 'cli/main': 'src/cli/main.ts' },
    outdir: 'dist',
  }),
  build({ ...common, entryPoints: { 'ui/screen': 'src/ui/screen.ts' }, outdir: 'dist' }),
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
  for (const result of results)
    for (const [file, out] of Object.entries(result.metafile.outputs))
      console.log(`${(out.bytes / 1024).toFixed(0).padStart(6)} KiB  ${file}`);
}
