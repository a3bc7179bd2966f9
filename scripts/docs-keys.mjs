// npm run docs:keys: writes docs/keys.md from the key table (src/ui/keys/key-table.ts), the one place keys
// are declared. test/ui/keys/key-docs.test.ts fails when the committed file differs from what this writes.
import { build } from 'esbuild';
import { writeFileSync } from 'node:fs';

const { outputFiles } = await build({
  entryPoints: [new URL('../src/ui/keys/key-help.ts', import.meta.url).pathname],
  bundle: true,
  write: false,
  format: 'esm',
  platform: 'node',
});
const { keysMarkdown } = await import(
  `data:text/javascript;base64,${Buffer.from(outputFiles[0].text).toString('base64')}`
);
writeFileSync(new URL('../docs/keys.md', import.meta.url), keysMarkdown());
console.log('wrote docs/keys.md');
