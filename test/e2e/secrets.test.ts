// A marker in every secret source (header, header file, bearer variable, URL query, userinfo,
// proxy credentials) never shows in stdout, stderr, --jsonl, the TUI screen or any file wsx writes.

import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx, spawnWsx, waitForOutput, wsxBin, type WsxResult } from '../helpers/run-wsx.js';
import {
  destroyAndClose,
  freePort,
  listenOnLoopback,
  startStallingServer,
  until,
} from '../helpers/servers.js';
import { hasTmux, screenShows, startTmux, tmux } from '../helpers/tmux.js';

const defer = cleanupAfterEach();

/** Every secret below contains it; no output may. */
const marker = 'SECRETMARK';
const secret = {
  header: `${marker}-header-c00k1e`,
  headerFile: `${marker}-file-k3y`,
  bearer: `${marker}-bearer-t0k`,
  query: `${marker}-query-acc3ss`,
  customQuery: `${marker}-query-cust0m`,
  userinfo: `${marker}-userinfo-pw`,
  proxy: `${marker}-proxy-pw`,
};

/**
 * A fresh directory: the test's own files (header file, scripts) in `dir`, and a state and home directory
 * under `written/` that wsx is pointed at, so every file wsx writes lands where the test reads it.
 */
function stateDirs(): { env: NodeJS.ProcessEnv; dir: string; written: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-secrets-'));
  const written = join(dir, 'written');
  return { dir, written, env: { XDG_STATE_HOME: join(written, 'state'), HOME: join(written, 'home') } };
}

/** Every file name and file content under `dir` (if it exists), as one text. */
function everythingUnder(dir: string): string {
  let text = '';
  const walk = (path: string) => {
    text += `${path}\n`;
    if (statSync(path).isDirectory()) for (const name of readdirSync(path)) walk(join(path, name));
    else text += readFileSync(path, 'latin1');
  };
  if (existsSync(dir)) walk(dir);
  return text;
}

function expectNoSecret(what: string, text: string): void {
  const at = text.indexOf(marker);
  expect(at, `${what} shows a secret: …${text.slice(Math.max(0, at - 80), at + 80)}…`).toBe(-1);
}

function expectClean(r: WsxResult, written: string): void {
  expectNoSecret('stdout', r.stdout);
  expectNoSecret('stderr', r.stderr);
  expectNoSecret('the files wsx wrote', everythingUnder(written));
}

/** A CONNECT proxy that wants Basic pu:<secret.proxy> and tunnels to 127.0.0.1 whatever host is named. */
async function proxy(): Promise<{ url: string; tunnels: string[] }> {
  const tunnels: string[] = [];
  const server = createHttpServer();
  const sockets = new Set<Socket>();
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    const expected = `Basic ${Buffer.from(`pu:${secret.proxy}`).toString('base64')}`;
    if (req.headers['proxy-authorization'] !== expected)
      return void client.end('HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n');
    tunnels.push(req.url ?? '');
    const upstream = netConnect(Number((req.url ?? '').split(':')[1]), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client).pipe(upstream);
    });
    sockets.add(upstream);
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  const port = await listenOnLoopback(server);
  defer(() => destroyAndClose(server, sockets));
  return {
    url: `http://pu:${secret.proxy}@127.0.0.1:${port}`,
    tunnels,
  };
}

/** Every secret source at once; userinfo and --bearer-env both make Authorization, so pick one. */
function secretArgs(
  hostPort: string,
  dir: string,
  auth: 'userinfo' | 'bearer',
): { args: string[]; env: NodeJS.ProcessEnv } {
  const headerFile = join(dir, 'headers.txt');
  writeFileSync(headerFile, `X-Token: ${secret.headerFile}\n`);
  const userinfo = auth === 'userinfo' ? `user:${secret.userinfo}@` : '';
  const query = `?access_token=${secret.query}&room=1&session=${secret.customQuery}`;
  return {
    args: [
      `ws://${userinfo}${hostPort}/chat${query}`,
      '-H',
      `Cookie: sid=${secret.header}`,
      '--header-file',
      headerFile,
      '--mask-param',
      'session',
      ...(auth === 'bearer' ? ['--bearer-env', 'WSX_SECRET_TOKEN'] : []),
    ],
    env: auth === 'bearer' ? { WSX_SECRET_TOKEN: secret.bearer } : {},
  };
}

describe('no secret reaches any output', () => {
  it.each(['userinfo', 'bearer'] as const)(
    'pipe and script runs through a proxy, with -v, --show-handshake and --jsonl (%s)',
    async (auth) => {
      const server = await serverUntilCleanup(defer, { mode: 'echo' });
      const p = await proxy();
      const { dir, written, env } = stateDirs();
      // echo.test reaches the test server only through the proxy: the request line names the host.
      const { args, env: authEnv } = secretArgs(`echo.test:${server.port}`, dir, auth);
      const all = { env: { ...env, ...authEnv, HTTP_PROXY: p.url, NO_PROXY: '' } };
      const pipe = await runWsx([...args, '-v', '--show-handshake', '--wait', '200ms'], {
        ...all,
        input: 'hello\n',
      });
      expect([pipe.code, pipe.stdout]).toEqual([0, 'hello\n']);
      expect(pipe.stderr).toContain('connected to ws://echo.test:');
      expect(pipe.stderr).toContain('/chat?access_token=***&room=1&session=***');
      expect(pipe.stderr).toMatch(/^> x-token: \*\*\*$/im);
      expectClean(pipe, written);
      const jsonl = await runWsx([...args, '--jsonl', '-v', '-x', 'hi', '--expect', '^hi$'], all);
      expect(jsonl.code).toBe(0);
      expect(jsonl.stdout).toContain('"event":"open","url":"ws://echo.test:');
      expectClean(jsonl, written);
      expect(p.tunnels).toHaveLength(2);
    },
  );

  it.each(['userinfo', 'bearer'] as const)(
    'failures: refused, an HTTP refusal quoting the request, a timeout and an unreachable proxy (%s)',
    async (auth) => {
      const { dir, written, env } = stateDirs();
      // A server that quotes the whole request line (with the query) in its refusal body.
      const refusing = createHttpServer();
      refusing.on('upgrade', (req: IncomingMessage, socket: Socket) => {
        const body = `no entry for ${req.url}\ncookie ${req.headers.cookie}\n`;
        socket.end(`HTTP/1.1 401 Unauthorized\r\nContent-Length: ${body.length}\r\n\r\n${body}`);
      });
      const refusingPort = await listenOnLoopback(refusing);
      defer(() => new Promise((r) => refusing.close(r)));
      const stalling = await startStallingServer();
      defer(() => stalling.close());
      const runs: [what: string, args: string[], env: NodeJS.ProcessEnv, code: number][] = [];
      const closed = await freePort();
      const refused = secretArgs(`127.0.0.1:${closed}`, dir, auth);
      runs.push(['refused', [...refused.args, '-v', '-x', 'hi'], refused.env, 3]);
      const http = secretArgs(`127.0.0.1:${refusingPort}`, dir, auth);
      runs.push(['401', [...http.args, '-v', '--jsonl', '-x', 'hi', '--expect', 'x'], http.env, 3]);
      const proxyDown = ['--proxy', `http://pu:${secret.proxy}@127.0.0.1:${closed}`];
      runs.push(['proxy down', [...refused.args, '-v', ...proxyDown, '-x', 'hi'], refused.env, 3]);
      const stall = secretArgs(`127.0.0.1:${stalling.port}`, dir, auth);
      const timeouts = ['--timeout', '300ms', '--expect', 'x'];
      runs.push(['--timeout before connecting', [...stall.args, '-v', ...timeouts], stall.env, 4]);
      for (const [what, args, authEnv, code] of runs) {
        const r = await runWsx(args, { env: { ...env, ...authEnv } });
        expect([what, r.code]).toEqual([what, code]);
        expect(r.stderr).toContain('wsx: ');
        expectClean(r, written);
      }
    },
  );

  it('wsx serve as the peer: neither side prints a secret', async () => {
    const { dir, written, env } = stateDirs();
    const serve: ChildProcessWithoutNullStreams = spawnWsx(['serve', '--port', '0', '--jsonl'], env);
    defer(async () => {
      if (serve.exitCode === null) {
        serve.kill('SIGTERM');
        await once(serve, 'exit');
      }
    });
    let serveOut = '';
    let serveErr = '';
    serve.stdout.on('data', (d: Buffer) => (serveOut += d.toString()));
    serve.stderr.on('data', (d: Buffer) => (serveErr += d.toString()));
    const url = await waitForOutput(serve.stdout, /ws:\/\/127\.0\.0\.1:\d+/);
    const { args, env: authEnv } = secretArgs(url.replace('ws://', ''), dir, 'bearer');
    const r = await runWsx([...args, '-v', '--jsonl', '-x', 'hi', '--expect', '^hi$'], {
      env: { ...env, ...authEnv },
    });
    expect(r.code).toBe(0);
    expectClean(r, written);
    await until(
      () => serveOut.includes('"event":"disconnect"') || serveOut.includes('"event":"close"'),
      3000,
      () => serveOut,
    );
    expectNoSecret('wsx serve stdout', serveOut);
    expectNoSecret('wsx serve stderr', serveErr);
  });

  it.skipIf(!hasTmux)(
    'the interactive session: status line, handshake view and history file',
    async () => {
      const server = await serverUntilCleanup(defer, { mode: 'echo' });
      const { dir, written, env } = stateDirs();
      const { args, env: authEnv } = secretArgs(`127.0.0.1:${server.port}`, dir, 'bearer');
      // The command line itself holds the secrets: run it from a script so the screen never shows it.
      const script = join(dir, 'run.sh');
      const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
      const vars = { ...env, ...authEnv, CI: 'false', NO_COLOR: '1' };
      writeFileSync(
        script,
        `${Object.entries(vars)
          .map(([k, v]) => `export ${k}=${quote(v)}`)
          .join(
            '\n',
          )}\n${process.execPath} ${wsxBin} ${args.map(quote).join(' ')} --show-handshake\necho "WSX_EXIT=$?"\n`,
      );
      const session = startTmux(defer, 'wsx-secrets', [160, 40], [`bash ${script}; sleep 5`]);
      let screen = await screenShows(session, '● open');
      expect(screen).toContain(`127.0.0.1:${server.port}/chat?access_token=***&room=1&session=***`);
      expectNoSecret('the screen', screen);
      tmux('send-keys', '-t', session, 'typed line', 'Enter');
      screen = await screenShows(session, '← typed line');
      expectNoSecret('the screen', screen);
      tmux('send-keys', '-t', session, '/quit', 'Enter');
      screen = await screenShows(session, 'WSX_EXIT=0');
      expectNoSecret('the screen', screen);
      const files = everythingUnder(written);
      expect(files).toMatch(/history\/127\.0\.0\.1_\d+_chat-[0-9a-f]{10}\.jsonl/);
      expect(files).toContain('"typed line"');
      expectNoSecret('the files wsx wrote', files);
    },
    15_000,
  );
});
