import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
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

  it('needs nothing from node_modules at run time: the proxy agent is bundled, run only for a proxy', () => {
    // A published package with a dependency installs only where npm can reach the registry or finds the
    // dependency's metadata cached; wsx's tarball carries everything it runs.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    const main = readFileSync(join(dist, 'cli/main.js'), 'utf8');
    // Every bare import left in the bundle is a Node built-in or an optional module its user tries inside a
    // try/catch and does without: ws's native add-ons, debug's colour detection.
    const bare = [...main.matchAll(/(?:\bfrom |\bimport\(|require\()\s*["']([^"'./][^"']*)["']/g)]
      .map((m) => m[1]!)
      .filter((name) => !name.startsWith('node:') && !builtinModules.includes(name));
    expect([...new Set(bare)].sort()).toEqual(['bufferutil', 'supports-color', 'utf-8-validate']);
    expect(main).toMatch(/\n\/\/ \S*node_modules\/https-proxy-agent\/dist\/index\.js\n/);
    // The agent (with agent-base and debug) is a CommonJS module in a lazy wrapper, required in one place:
    // where a proxy's agent is made. A run without a proxy never executes it.
    const wrapper =
      /\bvar (require_\w+) = __commonJS\(\{\s*"node_modules\/https-proxy-agent\/dist\/index\.js"/.exec(
        main,
      )?.[1];
    expect(wrapper).toBeDefined();
    const calls = [...main.matchAll(new RegExp(`\\b${wrapper}\\(\\)`, 'g'))];
    expect(calls).toHaveLength(1);
    expect(main.slice(main.lastIndexOf('\nasync function proxyAgentFactory', calls[0]!.index))).toMatch(
      new RegExp(`^\\nasync function proxyAgentFactory\\([^]{0,400}${wrapper}\\(\\)`),
    );
    // The SOCKS agent (socks, ip-address: 180 KiB) is a file of its own, read only by a SOCKS run, and
    // holds no copy of the core's error class (the core tells its errors by class).
    expect(main).not.toMatch(/node_modules\/(socks|ip-address)\//);
    expect(main).toMatch(/import\("\.\/socks-agent\.js"\)/);
    const socks = readFileSync(join(dist, 'cli/socks-agent.js'), 'utf8');
    expect(socks).toMatch(/\n\/\/ \S*node_modules\/socks-proxy-agent\/dist\/index\.js\n/);
    expect(socks).not.toMatch(/class WsxError/);
    // The same for the cookie jar (tough-cookie and its public suffix list).
    expect(main).not.toMatch(/node_modules\/(tough-cookie|tldts)/);
    expect(main).toMatch(/import\("\.\/cookies\.js"\)/);
    const cookies = readFileSync(join(dist, 'cli/cookies.js'), 'utf8');
    expect(cookies).toMatch(/\n\/\/ \S*node_modules\/tough-cookie\//);
    expect(cookies).not.toMatch(/class WsxError/);
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
      'src/text/io-error.ts: LocalFileError',
    ];
    expect(classes.filter((c) => !withinTheScreen.includes(c))).toEqual([]);
  });
});
