import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { runWsx } from '../helpers/run-wsx.js';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;

describe('the bundled build (npm run build)', () => {
  it('lets the import recorder see React inside the dist file that bundles it', () => {
    // The pipe test's "never loads React" relies on this: with a bundle, React is no node_modules file.
    // The screen is a script the launcher compiles with node:vm, as the recorder's own test does here.
    const withReact = join(dist, 'ui', 'screen.cjs');
    expect(readFileSync(withReact, 'utf8')).toMatch(/\n\/\/ \S*node_modules\/react\//);
    const log = join(mkdtempSync(join(tmpdir(), 'wsx-imports-')), 'imports.log');
    const compile = `new (await import('node:vm')).Script((await import('node:fs')).readFileSync(${JSON.stringify(withReact)}, 'utf8'), { filename: ${JSON.stringify(withReact)} })`;
    const run = spawnSync(process.execPath, ['--import', hook, '--input-type=module', '-e', compile], {
      env: { ...process.env, WSX_IMPORT_LOG: log },
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    expect(readFileSync(log, 'utf8')).toMatch(
      /node_modules\/react\/\S+ \(bundled in file:\/\/\S+\/dist\/ui\/screen\.cjs\)/,
    );
  });

  it('prints the version baked in at build time', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const result = await runWsx(['--version']);
    expect(result.stdout.trim()).toBe(pkg.version);
    for (const program of ['cli/wsx.cjs', 'cli/wsx-full.cjs'])
      expect(readFileSync(join(dist, program), 'utf8')).not.toContain('package.json');
  });

  it('needs nothing from node_modules at run time: the proxy agent is bundled, run only for a proxy', () => {
    // A published package with a dependency installs only where npm can reach the registry or finds the
    // dependency's metadata cached; wsx's tarball carries everything it runs.
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(pkg.dependencies ?? {}).toEqual({});
    const main = readFileSync(join(dist, 'cli/wsx-full.cjs'), 'utf8');
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
    expect(main).toMatch(/__wsxImport\("\.\/socks-agent\.js"\)/);
    const socks = readFileSync(join(dist, 'cli/socks-agent.js'), 'utf8');
    expect(socks).toMatch(/\n\/\/ \S*node_modules\/socks-proxy-agent\/dist\/index\.js\n/);
    expect(socks).not.toMatch(/class WsxError/);
    // The same for the cookie jar (tough-cookie and its public suffix list).
    expect(main).not.toMatch(/node_modules\/(tough-cookie|tldts)/);
    expect(main).toMatch(/__wsxImport\("\.\/cookies\.js"\)/);
    const cookies = readFileSync(join(dist, 'cli/cookies.js'), 'utf8');
    expect(cookies).toMatch(/\n\/\/ \S*node_modules\/tough-cookie\//);
    expect(cookies).not.toMatch(/class WsxError/);
  });

  it('starts a plain run (-x … --expect) with the plain-run program alone: no subcommand, --from-curl, recording, server or codec but raw', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) =>
      ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })),
    );
    await once(server, 'listening');
    const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const dir = mkdtempSync(join(tmpdir(), 'wsx-imports-'));
    try {
      const loadedBy = async (args: string[]) => {
        const log = join(dir, `${args[0]!.replace(/\W/g, '')}.log`);
        const run = await runWsx(args, { env: { WSX_IMPORT_LOG: log, NODE_OPTIONS: `--import ${hook}` } });
        expect(run.stderr).toBe('');
        return readFileSync(log, 'utf8')
          .split('\n')
          .filter((line) => line.includes('/dist/') && !line.includes('bundled in'))
          .map((line) => line.slice(line.indexOf('/dist/') + 1));
      };
      expect(await loadedBy([url, '-x', 'ping', '--expect', '^ping$'])).toEqual([
        'dist/cli/main.js',
        'dist/cli/wsx.cjs',
      ]);
      expect(await loadedBy(['completion', 'bash'])).toEqual(['dist/cli/main.js', 'dist/cli/wsx-full.cjs']);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
    // What the plain program leaves out is in the full one, each module under its path comment.
    const plain = readFileSync(join(dist, 'cli/wsx.cjs'), 'utf8');
    const full = readFileSync(join(dist, 'cli/wsx-full.cjs'), 'utf8');
    for (const module of [
      'src/cli/load-command.ts',
      'src/cli/serve-command.ts',
      'src/cli/run-command.ts',
      'src/cli/scenario-command.ts',
      'src/cli/profiles-command.ts',
      'src/cli/completion.ts',
      'src/cli/from-curl.ts',
      'src/record/recording.ts',
      'src/record/replay.ts',
      'src/server/server.ts',
      'src/protocols/socketio.ts',
      'src/protocols/stomp.ts',
      'src/protocols/mqtt.ts',
    ]) {
      expect(full, module).toContain(`\n// ${module}\n`);
      expect(plain, module).not.toContain(`\n// ${module}\n`);
    }
    expect(plain).toContain('\n// src/protocols/raw.ts\n');
  });

  it("builds the screen without fetch (yoga's WebAssembly then loads without undici) and without ink's devtools bridge", () => {
    const screen = readFileSync(join(dist, 'ui/screen.cjs'), 'utf8');
    expect(screen).toMatch(/\n\/\/ \S*node_modules\/yoga-layout\//);
    expect(screen).not.toMatch(/\bfetch\b/);
    expect(screen).toMatch(/\n\/\/ \S*node_modules\/ink\/build\/reconciler\.js\n/);
    expect(screen).not.toMatch(/node_modules\/(react-devtools-core|ink\/build\/devtools\.js)/);
  });

  it("holds yoga-layout's WebAssembly once in the screen (~96 KiB of base64 the loader no longer reads)", () => {
    const screen = readFileSync(join(dist, 'ui/screen.cjs'), 'utf8');
    // "\0asm", the WebAssembly magic number, in base64.
    expect(screen.match(/"AGFzbQ[A-Za-z0-9+/=]+"/g)).toHaveLength(1);
  });

  it("builds the screen with wsx's grapheme segmenter in place of every Intl.Segmenter (ICU's made only when text needs it)", () => {
    const screen = readFileSync(join(dist, 'ui/screen.cjs'), 'utf8');
    // ink, string-width, slice-ansi, ansi-tokenize and the input line each make one.
    expect(screen.match(/new GraphemeSegmenter\(/g)?.length).toBeGreaterThanOrEqual(5);
    expect(screen).not.toMatch(/new Intl\.Segmenter\b/);
  });

  it('puts no class into both bundles, except those that never cross from one to the other', () => {
    // The program (dist/cli/wsx*.cjs) and dist/ui/screen.cjs each hold their own copy of a module both import: an error
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
    // The two programs never meet (one process runs one of them); each meets the screen.
    const main = new Map([...sections('cli/wsx.cjs'), ...sections('cli/wsx-full.cjs')]);
    const screen = sections('ui/screen.cjs');
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
