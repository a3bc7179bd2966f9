// Socket.IO --auth and graphql-ws --init payloads are credentials: masked in every output (--jsonl, -v,
// the scenario reports), readable from the environment (--auth-env, --init-env) or a file (--auth-file,
// --init-file), and saved in a profile only as a reference.

import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server } from 'socket.io';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runWsx, type WsxResult } from '../helpers/run-wsx.js';
import { listenOnLoopback } from '../helpers/servers.js';
import { startGraphqlWs, startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

/** The token the /secure namespace lets in (test/protocols/servers.ts). */
const sioToken = 'letmein';
/** graphql-ws lets in token "ok"; this second member is the secret that must show nowhere. */
const gqlSecret = 'SECRETMARK-gql-init-key';
const gqlInit = JSON.stringify({ token: 'ok', apiKey: gqlSecret });

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wsx-proto-secrets-'));
}

function expectNowhere(r: WsxResult, secret: string): void {
  expect(r.stdout).not.toContain(secret);
  expect(r.stderr).not.toContain(secret);
}

const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('Socket.IO auth and graphql-ws init payloads', () => {
  it('masks the Socket.IO --auth payload in --jsonl and -v output; the server still gets it', async () => {
    const { url } = await startSocketIo(defer);
    const r = await runWsx(
      [
        '--proto',
        'socketio',
        '--namespace',
        '/secure',
        '--auth',
        `{"token":"${sioToken}"}`,
        '--jsonl',
        '-v',
        '--count',
        '1',
        url,
      ],
      { input: '["echo",1]\n' },
    );
    expect(r.code, r.stderr).toBe(0);
    const events = jsonLines(r.stdout);
    expect(events.find((e) => e.event === 'recv')).toMatchObject({ data: '["secret",42]' });
    // --jsonl shows the user's messages decoded; the CONNECT frame carrying the payload is the protocol's own.
    expect(events.filter((e) => e.event === 'send').map((e) => e.data)).toEqual(['["echo",1]']);
    expectNowhere(r, sioToken);
  });

  it('reads the Socket.IO auth payload from --auth-env and --auth-file', async () => {
    const { url } = await startSocketIo(defer);
    const file = join(tempDir(), 'auth.json');
    writeFileSync(file, `{"token":"${sioToken}"}\n`);
    const runs: [string[], NodeJS.ProcessEnv][] = [
      [['--auth-env', 'SIO_AUTH'], { SIO_AUTH: `{"token":"${sioToken}"}` }],
      [['--auth-file', file], {}],
    ];
    for (const [args, env] of runs) {
      const r = await runWsx(
        ['--proto', 'socketio', '--namespace', '/secure', ...args, '--jsonl', '--count', '1', url],
        {
          input: '["echo",1]\n',
          env,
        },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(jsonLines(r.stdout).find((e) => e.event === 'recv')).toMatchObject({ data: '["secret",42]' });
      expectNowhere(r, sioToken);
    }
  });

  it('masks the graphql-ws --init payload and reads it from --init-env and --init-file', async () => {
    const { url, inits } = await startGraphqlWs(defer, { needsToken: true });
    const file = join(tempDir(), 'init.json');
    writeFileSync(file, gqlInit);
    const runs: [string[], NodeJS.ProcessEnv][] = [
      [['--init', gqlInit], {}],
      [['--init-env', 'GQL_INIT'], { GQL_INIT: gqlInit }],
      [['--init-file', file], {}],
    ];
    for (const [args, env] of runs) {
      const r = await runWsx(['--proto', 'graphql-ws', ...args, '--jsonl', '-v', '--count', '1', url], {
        input: '{ hello }\n',
        env,
      });
      expect(r.code, r.stderr).toBe(0);
      expect(jsonLines(r.stdout).find((e) => e.event === 'recv')).toMatchObject({
        data: '{"data":{"hello":"hello world"}}',
      });
      expectNowhere(r, gqlSecret);
    }
    expect(inits).toEqual([JSON.parse(gqlInit), JSON.parse(gqlInit), JSON.parse(gqlInit)]);
  }, 30_000);

  it('masks the auth payload in wsx run reports when the server sends it back', async () => {
    // A server that tells the client what auth it got: the failed step's report quotes that message.
    const http = createServer();
    const io = new Server(http, { transports: ['websocket'] });
    io.on('connection', (socket) => socket.emit('whoami', socket.handshake.auth));
    const port = await listenOnLoopback(http);
    defer(async () => {
      io.disconnectSockets(true);
      await io.close();
    });
    const dir = tempDir();
    const scenario = join(dir, 'whoami.wsx');
    writeFileSync(scenario, `connect http://127.0.0.1:${port}\nexpect /never/ within 500ms\n`);
    const junit = join(dir, 'report.xml');
    const secret = 'SECRETMARK-sio-auth-t0ken';
    const r = await runWsx(
      ['run', scenario, '--proto', 'socketio', '--auth-env', 'SIO_AUTH', '--junit', junit],
      {
        env: { SIO_AUTH: JSON.stringify({ token: secret }) },
      },
    );
    expect(r.code).toBe(4);
    // The report does quote the message, with the token masked.
    expect(r.stdout).toContain('["whoami",{"token":"***"}]');
    expectNowhere(r, secret);
    const report = readFileSync(junit, 'utf8');
    expect(report).toContain('whoami');
    expect(report).not.toContain(secret);
  });

  it('profiles add saves --auth-env and --init-file as references and refuses a literal payload', async () => {
    const dir = tempDir();
    const home = join(dir, 'home');
    mkdirSync(home);
    const env = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: home };
    const file = join(dir, 'config', 'wsx', 'config.json');
    const literal = await runWsx(
      [
        'profiles',
        'add',
        'sio',
        'ws://127.0.0.1:1',
        '--proto',
        'socketio',
        '--auth',
        `{"token":"${sioToken}"}`,
      ],
      { env },
    );
    expect(literal.code).toBe(2);
    expect(literal.stderr).toMatch(/^wsx: not saved: --auth .*(--auth-env|--auth-file)/);
    const initLiteral = await runWsx(
      ['profiles', 'add', 'gql', 'ws://127.0.0.1:1', '--proto', 'graphql-ws', '--init', gqlInit],
      {
        env,
      },
    );
    expect(initLiteral.code).toBe(2);
    expect(initLiteral.stderr).toMatch(/^wsx: not saved: --init .*(--init-env|--init-file)/);

    const { url } = await startSocketIo(defer);
    const sio = await runWsx(
      ['profiles', 'add', 'sio', url, '--proto', 'socketio', '--auth-env', 'SIO_AUTH'],
      { env },
    );
    expect(sio.code, sio.stderr).toBe(0);
    const gqlServer = await startGraphqlWs(defer, { needsToken: true });
    const initFile = join(dir, 'init.json');
    writeFileSync(initFile, gqlInit);
    const gql = await runWsx(
      ['profiles', 'add', 'gql', gqlServer.url, '--proto', 'graphql-ws', '--init-file', initFile],
      {
        env,
      },
    );
    expect(gql.code, gql.stderr).toBe(0);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, object> };
    expect(saved.profiles.sio).toEqual({ url: expect.any(String), proto: 'socketio', basic: 'env:SIO_AUTH' });
    expect(saved.profiles.gql).toEqual({
      url: expect.any(String),
      proto: 'graphql-ws',
      init: `file:${initFile}`,
    });

    const useSio = await runWsx(['@sio', '--namespace', '/secure', '--jsonl', '--count', '1'], {
      env: { ...env, SIO_AUTH: `{"token":"${sioToken}"}` },
      input: '["echo",1]\n',
    });
    expect(useSio.code, useSio.stderr).toBe(0);
    expect(jsonLines(useSio.stdout).find((e) => e.event === 'recv')).toMatchObject({ data: '["secret",42]' });
    expectNowhere(useSio, sioToken);
    const useGql = await runWsx(['@gql', '--jsonl', '--count', '1'], { env, input: '{ hello }\n' });
    expect(useGql.code, useGql.stderr).toBe(0);
    expectNowhere(useGql, gqlSecret);
    expect(gqlServer.inits).toEqual([JSON.parse(gqlInit)]);
  }, 30_000);
});
