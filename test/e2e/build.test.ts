import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWsx } from '../helpers/run-wsx.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;

describe('the bundled build (npm run build)', () => {
  it('lets the import recorder see React inside the dist file that bundles it', () => {
    // The pipe test's "never loads React" relies on this: with a bundle, React is no node_modules file.
    const withReact = join(dist, 'ui', 'screen.js');
    expect(readFileSync(withReact, 'utf8')).toMatch(/\n\/\/ \S*node_modules\/react\//);
    const log = join(mkdtempSync(join(tmpdir(), 'wsx-imports-')), 'imports.log');
    const run = spawnSync(
      process.execPath,
      ['--import', hook, '--input-type=module', '-e', `await import(${JSON.stringify(withReact)})`],
      { env: { ...process.env, WSX_IMPORT_LOG: log }, encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(readFileSync(log, 'utf8')).toMatch(
      /node_modules\/react\/\S+ \(bundled in file:\/\/\S+\/dist\/ui\/screen\.js\)/,
    );
  });

  it('prints the version baked in at build time', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await runWsx(['--version']);
    expect(result.stdout.trim()).toBe(pkg.version);
    expect(readFileSync(join(dist, 'cli/main.js'), 'utf8')).not.toContain('package.json');
  });

  it('puts no class into both bundles, except those that never cross from one to the other', () => {
    // dist/cli/main.js and dist/ui/screen.js each hold their own copy of a module both import: an error
    // thrown by one copy's class is not `instanceof` the other's (a mistyped --proto line once crashed the
    // session that way). Classes allowed in both are used within the screen alone.
    const sections = (file: string) => {
      const found = new Map<string, string>();
      for (const part of readFileSync(join(dist, file), 'utf8').split(/\n(?=\/\/ (?:src|node_modules)\/)/)) {
        const path = /^\/\/ (\S+)/.exec(part)?.[1];
        if (path) found.set(path, (found.get(path) ?? '') + part);
      }
      return found;
    };
    const main = sections('cli/main.js');
    const screen = sections('ui/screen.js');
    const shared = [...screen].filter(([path]) => main.has(path));
    expect(shared.length).toBeGreaterThan(0); // the check reads the bundles' module comments
    const classes = shared.flatMap(([path, text]) =>
      [...text.matchAll(/(\w+) = class\b|\bclass (\w+)/g)].map((m) => `${path}: ${m[1] ?? m[2]}`),
    );
    // The log filter's syntax errors: thrown and caught by the screen's own matcher. A file /file cannot
    // read: thrown by the screen's own readLocalFile and caught next to it.
    const withinTheScreen = [
      'src/match/matcher.ts: MatchSyntaxError',
      'src/match/matcher.ts: Subject',
      'src/text/local-file.ts: LocalFileError',
    ];
    expect(classes.filter((c) => !withinTheScreen.includes(c))).toEqual([]);
  });
});
