// The single executable (npm run sea builds dist/sea/wsx; CI builds it before the tests): it must run where
// no Node is installed, so each run here starts in an empty folder with a PATH that holds no node.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';

const executable = fileURLToPath(new URL('../../dist/sea/wsx', import.meta.url));
const isBuilt = existsSync(executable);

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

/** Runs the executable in an empty folder whose PATH has no node; resolves with its exit and output. */
async function runAlone(
  args: string[],
  extraEnv: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const home = mkdtempSync(join(tmpdir(), 'wsx-sea-'));
  cleanups.push(() => rmSync(home, { recursive: true, force: true }));
  const bin = join(home, 'bin');
  const cwd = join(home, 'work');
  mkdirSync(bin);
  mkdirSync(cwd);
  const env = { PATH: bin, HOME: home, NO_COLOR: '1', ...extraEnv };
  // The proof that nothing below could fall back on an installed Node.
  expect(spawnSync('/bin/sh', ['-c', 'command -v node'], { env }).status).not.toBe(0);
  const child = spawn(executable, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 8000);
  const [code] = (await once(child, 'close')) as [number | null];
  clearTimeout(timer);
  return { code, stdout, stderr };
}

/**
 * A ws echo server on loopback, closed after the test; `received` holds the messages it got, `cookies`
 * each upgrade's Cookie header.
 */
async function echoServer(): Promise<{ url: string; received: string[]; cookies: (string | undefined)[] }> {
  const cookies: (string | undefined)[] = [];
  const server = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    verifyClient: (info: { req: { headers: { cookie?: string } } }) => (
      cookies.push(info.req.headers.cookie),
      true
    ),
  });
  cleanups.push(() => server.close());
  const received: string[] = [];
  server.on('connection', (ws) =>
    ws.on('message', (data, isBinary) => {
      received.push(String(data));
      ws.send(data, { binary: isBinary });
    }),
  );
  await once(server, 'listening');
  return { url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, received, cookies };
}

// Built by `npm run sea`; CI builds it first, so there a missing executable fails instead of skipping.
describe.skipIf(!isBuilt && !process.env.CI)('the single executable (dist/sea/wsx)', () => {
  it('exists: npm run sea built it', () => {
    expect(isBuilt, 'run npm run sea first').toBe(true);
  });

  it('prints its version with no Node on the PATH', async () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const run = await runAlone(['--version']);
    expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('runs the CI smoke round trip: connects, sends, sees the echo, exits 0', async () => {
    const { url, received } = await echoServer();
    const run = await runAlone([url, '-x', 'ping', '--expect', '^ping$', '--timeout', '5s']);
    expect(run).toEqual({ code: 0, stdout: 'ping\n', stderr: '' });
    expect(received).toEqual(['ping']);
  });

  // Start-up: a plain run compiles the small program, and neither program compiles at all when V8
  // accepts the cache built in (a rejected cache costs ~30% of the smoke run's CPU, silently).
  it('starts the smoke run from the plain program, its built-in code cache accepted', async () => {
    const { url } = await echoServer();
    const run = await runAlone([url, '-x', 'ping', '--expect', '^ping$', '--timeout', '5s'], {
      WSX_SEA_REPORT: '1',
    });
    expect(run).toEqual({ code: 0, stdout: 'ping\n', stderr: 'wsx: cli/wsx.cjs, code cache accepted\n' });
  });

  it('starts a run only the full program serves (--proto raw) from it, its code cache accepted', async () => {
    const { url, received } = await echoServer();
    const run = await runAlone(
      [url, '--proto', 'raw', '-x', 'ping', '--expect', '^ping$', '--timeout', '5s'],
      {
        WSX_SEA_REPORT: '1',
      },
    );
    expect(run).toEqual({
      code: 0,
      stdout: 'ping\n',
      stderr: 'wsx: cli/wsx-full.cjs, code cache accepted\n',
    });
    expect(received).toEqual(['ping']);
  });

  it('loads a part only when a run imports it: --cookie reads the cookie jar, a separate script', async () => {
    const { url, cookies } = await echoServer();
    const run = await runAlone([
      url,
      '--cookie',
      'sid=sea-41',
      '-x',
      'ping',
      '--expect',
      '^ping$',
      '--timeout',
      '5s',
    ]);
    expect(run).toEqual({ code: 0, stdout: 'ping\n', stderr: '' });
    expect(cookies).toEqual(['sid=sea-41']);
  });

  it('runs a subcommand (wsx completion bash) from the full program', async () => {
    const run = await runAlone(['completion', 'bash']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^complete .*-F _wsx wsx$/m);
  });
});
