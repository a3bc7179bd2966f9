// npm run docs:flags: writes docs/flags.md from the flag tables (src/cli/flags.ts, command-flags.ts).
// test/cli/flags-doc.test.ts fails when the committed file differs from what this writes.
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// Inside node_modules so the bundle's own imports of packages resolve from the project.
const out = `${root}node_modules/.cache/wsx-docs-flags/flags-doc.mjs`;
mkdirSync(`${root}node_modules/.cache/wsx-docs-flags`, { recursive: true });
await build({
  entryPoints: [`${root}src/cli/flags-doc.ts`],
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  outfile: out,
  logLevel: 'error',
});
try {
  const { flagsMarkdown } = await import(pathToFileURL(out).href);
  mkdirSync(`${root}docs`, { recursive: true });
  writeFileSync(`${root}docs/flags.md`, flagsMarkdown());
  console.log('wrote docs/flags.md');
} finally {
  rmSync(out, { force: true });
}
