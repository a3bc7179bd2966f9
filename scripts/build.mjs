// npm run build: bundles wsx into dist/ with esbuild, so start-up resolves a handful of files instead of
// ~60 modules (issue 14). `tsc` only typechecks (npm run typecheck); it no longer emits.
//
// dist/cli/main.js        what bin/wsx.js imports: flags, options, commander, chalk (small, always needed)
// dist/modes/<mode>.js    one file per mode, imported lazily by main: pipe, script, serve, run, interactive
// dist/core/connection.js the Connection class, which the modes import from here too
// dist/chunks/*.js        code shared by several of the above (the core, ws), and the chunks that only
//                         the interactive mode imports: the TUI, ink and react (production build), so
//                         pipe and script never load React. Each bundled module keeps its
//                         `// node_modules/…` path comment, which test/e2e/pipe.test.ts reads.
import { build } from 'esbuild';
import { editDependencies } from './dependency-edits.mjs';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });

const result = await build({
  plugins: [editDependencies],
  absWorkingDir: root,
  entryPoints: {
    'cli/main': 'src/cli/main.ts',
    'modes/pipe': 'src/modes/pipe.ts',
    'modes/script': 'src/modes/script.ts',
    'modes/serve': 'src/modes/serve.ts',
    'modes/run': 'src/modes/run.ts',
    'modes/interactive': 'src/modes/interactive.ts',
    // The core on its own, for tests that drive a Connection in a child process (test/core).
    'core/connection': 'src/core/connection.ts',
  },
  outdir: 'dist',
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Kept out of the bundle: loaded from node_modules only when a run needs them (proxy, TLS prompt), or
  // optional native add-ons ws tries and does without, or ink's devtools (only with DEV=true).
  external: ['https-proxy-agent', 'bufferutil', 'utf-8-validate', 'react-devtools-core'],
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
});

if (process.argv.includes('--report')) {
  for (const [file, out] of Object.entries(result.metafile.outputs))
    console.log(`${(out.bytes / 1024).toFixed(0).padStart(6)} KiB  ${file}`);
}
