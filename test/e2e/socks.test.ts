// SOCKS proxies end to end, against real SOCKS servers on loopback: Dante (danted; SOCKS5 and SOCKS4a,
// logging each connection it relays, so the test sees what went through it and by which name) and
// microsocks (SOCKS5 with a user name and password). Both are Debian packages: .ci/run installs them.

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { startSilentProxy } from '../helpers/hostile-servers.js';
import { runWsx } from '../helpers/run-wsx.js';
import { destroyAndClose, freePort, listenOnLoopback } from '../helpers/servers.js';

const defer = cleanupAfterEach();
const isCi = process.env.CI === 'true';
const has = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: 'ignore' }).error === undefined;
const hasDante = has('danted', '-v');
const hasMicrosocks = has('microsocks', '-h');

/** Resolves once something accepts TCP on 127.0.0.1:port; fails after `timeoutMs`. */
async function accepting(port: number, child: ChildProcess, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (let tries = 0; tries < 200; tries++) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (child.exitCode !== null || Date.now() > deadline) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`nothing listening on ${port} (exit ${child.exitCode})`);
}

/** Starts a server process, stopped after the test; `log` collects its stderr. */
async function startProcess(cmd: string, args: string[], port: number) {
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log = { text: '' };
  child.stderr.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (log.text += chunk.toString()));
  defer(async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  });
  await accepting(port, child);
  return log;
}

/** Dante on 127.0.0.1, no authentication, logging every relayed connection. */
async function startDante() {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'wsx-dante-'));
  const conf = join(dir, 'danted.conf');
  writeFileSync(
    conf,
    [
      'logoutput: stderr',
      `internal: 127.0.0.1 port = ${port}`,
      'external: 127.0.0.1',
      'clientmethod: none',
      'socksmethod: none',
      'user.privileged: root',
      'user.unprivileged: nobody',
      'client pass { from: 127.0.0.0/8 to: 0.0.0.0/0 }',
      'socks pass { from: 127.0.0.0/8 to: 0.0.0.0/0 log: connect }',
      '',
    ].join('\n'),
  );
  const log = await startProcess('danted', ['-f', conf, '-N', '1', '-p', join(dir, 'pid')], port);
  return { port, log };
}

async function echo() {
  const server = await serverUntilCleanup(defer, { mode: 'echo' });
  return server.port;
}

describe.skipIf(!hasDante && !isCi)('SOCKS proxy (Dante)', () => {
  it('relays through socks5:// and socks5h://', async () => {
    const target = await echo();
    const dante = await startDante();
    for (const scheme of ['socks5', 'socks5h']) {
      const result = await runWsx([
        `ws://localhost:${target}`,
        '--proxy',
        `${scheme}://127.0.0.1:${dante.port}`,
        '-x',
        'hi',
        '--expect',
        '^hi$',
      ]);
      expect([scheme, result.code, result.stderr]).toEqual([scheme, 0, '']);
    }
    // Dante logs each connection it relayed: both went through it, to the echo server.
    expect(dante.log.text.split(`127.0.0.1.${target}`)).toHaveLength(3);
  });

  it('relays through socks4a://', async () => {
    const target = await echo();
    const dante = await startDante();
    const result = await runWsx([
      `ws://127.0.0.1:${target}`,
      '--proxy',
      `socks4a://127.0.0.1:${dante.port}`,
      '-x',
      'over v4',
      '--expect',
      '^over v4$',
    ]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(dante.log.text).toContain(`127.0.0.1.${target}`);
  });

  it('leaves loopback alone when the proxy comes from ALL_PROXY', async () => {
    const target = await echo();
    const dante = await startDante();
    const result = await runWsx([`ws://127.0.0.1:${target}`, '-x', 'hi', '--expect', '^hi$'], {
      env: { ALL_PROXY: `socks5h://127.0.0.1:${dante.port}`, NO_PROXY: '' },
    });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(dante.log.text).not.toContain(`.${target}`);
  });
});

describe.skipIf(!hasMicrosocks && !isCi)('SOCKS5 proxy with credentials (microsocks)', () => {
  it('authenticates with user:pass, and names wrong credentials with exit 3, the password never printed', async () => {
    const target = await echo();
    const port = await freePort();
    await startProcess(
      'microsocks',
      ['-i', '127.0.0.1', '-p', String(port), '-u', 'alice', '-P', 'sock-pw-41'],
      port,
    );
    const good = await runWsx([
      `ws://127.0.0.1:${target}`,
      '--proxy',
      `socks5://alice:sock-pw-41@127.0.0.1:${port}`,
      '-x',
      'hi',
      '--expect',
      '^hi$',
    ]);
    expect(good).toMatchObject({ code: 0, stderr: '' });
    const wrong = await runWsx([
      `ws://127.0.0.1:${target}`,
      '--proxy',
      `socks5://alice:wrong-pw-42@127.0.0.1:${port}`,
      '-x',
      'hi',
      '--expect',
      'hi',
      '-v',
    ]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(
      `proxy socks5://alice:***@127.0.0.1:${port} failed: Socks5 Authentication failed`,
    );
    expect(wrong.stderr).not.toContain('wrong-pw-42');
  });
});

/**
 * A SOCKS5 server that accepts no authentication, records the CONNECT request's address as sent, and
 * refuses it: what a client resolved itself arrives as an IPv4 address, what it left to the proxy as a name.
 */
async function startRecordingSocks5() {
  const requests: string[] = [];
  const server = createServer((socket) => {
    let stage = 0;
    socket.on('data', (data) => {
      if (stage++ === 0) return void socket.write(Buffer.from([5, 0]));
      const type = data[3];
      requests.push(
        type === 3
          ? `name ${data.subarray(5, 5 + data[4]!).toString()}`
          : `ipv4 ${data.subarray(4, 8).join('.')}`,
      );
      socket.end(Buffer.from([5, 5, 0, 1, 0, 0, 0, 0, 0, 0]));
    });
    socket.on('error', () => {});
  });
  const port = await listenOnLoopback(server);
  defer(() => new Promise((resolve) => server.close(resolve)));
  return { port, requests };
}

describe('SOCKS proxy failures', () => {
  it('socks5:// resolves the host name here, socks5h:// and socks4a:// leave it to the proxy', async () => {
    const socks = await startRecordingSocks5();
    for (const scheme of ['socks5', 'socks5h']) {
      const result = await runWsx([
        'ws://localhost:9',
        '--proxy',
        `${scheme}://127.0.0.1:${socks.port}`,
        '-x',
        'hi',
      ]);
      expect(result.code).toBe(3);
      expect(result.stderr).toContain(`proxy ${scheme}://127.0.0.1:${socks.port} failed: `);
    }
    expect(socks.requests).toEqual(['ipv4 127.0.0.1', 'name localhost']);
  });

  it('a refused or garbled SOCKS proxy exits 3 with one line naming it, the password masked', async () => {
    const down = await freePort();
    const refused = await runWsx([
      'ws://127.0.0.1:1',
      '--proxy',
      `socks5://u:pw-43@127.0.0.1:${down}`,
      '-x',
      'hi',
    ]);
    expect(refused.code).toBe(3);
    expect(refused.stderr.split('\n')[0]).toContain(
      `: proxy socks5://u:***@127.0.0.1:${down} unreachable: connection refused`,
    );
    // An HTTP proxy given SOCKS: it answers 400 and hangs up.
    const sockets = new Set<Socket>();
    const garbled = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => {});
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    });
    await listenOnLoopback(garbled);
    defer(() => destroyAndClose(garbled, sockets));
    const bad = await runWsx([
      'ws://127.0.0.1:1',
      '--proxy',
      `socks5h://u:pw-44@127.0.0.1:${(garbled.address() as AddressInfo).port}`,
      '-x',
      'hi',
    ]);
    expect(bad.code).toBe(3);
    expect(bad.stderr).toMatch(/: proxy socks5h:\/\/u:\*\*\*@127\.0\.0\.1:\d+ failed: .*Socks5/);
    expect(bad.stderr + refused.stderr).not.toMatch(/pw-4[34]/);
  });

  it('a SOCKS proxy that never answers ends at --connect-timeout, and wsx exits at once', async () => {
    const silent = await startSilentProxy();
    defer(() => silent.close());
    const started = Date.now();
    const result = await runWsx([
      'ws://127.0.0.1:1',
      '--proxy',
      `socks5://127.0.0.1:${silent.port}`,
      '--connect-timeout',
      '500ms',
      '-x',
      'hi',
    ]);
    const tookMs = Date.now() - started;
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('the opening handshake did not finish within 500 ms');
    // socks' own 30 s timer would otherwise keep the process alive after wsx has given up.
    expect(tookMs).toBeLessThan(4000);
  });
});
