// Saved connections end to end: `wsx profiles add` keeps a secret's reference, `wsx @NAME` reads it at run
// time in pipe and script mode against a server that checks the header, and the secret shows nowhere.

import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { configHome, guardedServer } from '../helpers/config-home.js';
import { runWsx, type WsxResult } from '../helpers/run-wsx.js';
import { until } from '../helpers/servers.js';
import { hasTmux, screenShows, startTmux, tmux, typeWsx } from '../helpers/tmux.js';

const defer = cleanupAfterEach();

const token = 'SECRETMARK-profile-t0ken';

function expectNoSecret(r: WsxResult, configFile: string): void {
  expect(r.stdout).not.toContain(token);
  expect(r.stderr).not.toContain(token);
  if (existsSync(configFile)) expect(readFileSync(configFile, 'utf8')).not.toContain(token);
}

describe('wsx profiles and wsx @NAME', () => {
  it('saves --bearer-env as a reference and lists the profile', async () => {
    const { env, file } = configHome('wsx-profiles-');
    const add = await runWsx(
      ['profiles', 'add', 'prod', 'ws://127.0.0.1:1/feed', '--bearer-env', 'API_TOKEN', '-H', 'X-Team: core'],
      {
        env: { ...env, API_TOKEN: token },
      },
    );
    expect(add.code).toBe(0);
    expect(add.stderr).toBe(`wsx: saved prod in ${file}\n`);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { profiles: Record<string, unknown> };
    expect(saved.profiles.prod).toEqual({
      url: 'ws://127.0.0.1:1/feed',
      headers: { 'X-Team': 'core' },
      bearer: 'env:API_TOKEN',
    });
    expectNoSecret(add, file);
    const list = await runWsx(['profiles'], { env });
    expect(list.code).toBe(0);
    expect(list.stdout).toBe('prod  ws://127.0.0.1:1/feed  (bearer env:API_TOKEN; headers X-Team)\n');
  });

  it('opens @NAME in pipe mode with the secret read from the environment, and never prints it', async () => {
    const server = await guardedServer(defer, token);
    const { env, file } = configHome('wsx-profiles-');
    const add = await runWsx(['profiles', 'add', 'prod', server.url, '--bearer-env', 'API_TOKEN'], { env });
    expect(add.code).toBe(0);
    const r = await runWsx(['@prod', '-v', '--show-handshake', '--wait', '200ms'], {
      env: { ...env, API_TOKEN: token },
      input: 'one\ntwo\n',
    });
    expect(r.stderr).toContain('Authorization: ***');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('one\ntwo\n');
    expect(server.received).toEqual(['one', 'two']);
    expectNoSecret(r, file);
  });

  it('opens --profile NAME in script mode; a typed -H overrides the saved one', async () => {
    const server = await guardedServer(defer, token);
    const { env, file } = configHome('wsx-profiles-');
    await runWsx(['profiles', 'add', 'prod', server.url, '--bearer-env', 'API_TOKEN', '-H', 'X-Team: core'], {
      env,
    });
    const r = await runWsx(
      [
        '--profile',
        'prod',
        '-H',
        'x-team: edge',
        '-x',
        'ping-1',
        '--expect',
        'ping-1',
        '--jsonl',
        '--show-handshake',
      ],
      { env: { ...env, API_TOKEN: token } },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ping-1');
    expect(server.requests.at(-1)?.['x-team']).toBe('edge');
    expectNoSecret(r, file);
  });

  it('stops with exit 2 before connecting when the referenced variable is unset', async () => {
    const server = await guardedServer(defer, token);
    const { env } = configHome('wsx-profiles-');
    await runWsx(['profiles', 'add', 'prod', server.url, '--bearer-env', 'API_TOKEN'], { env });
    const r = await runWsx(['@prod'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wsx: profile prod: bearer: environment variable API_TOKEN is not set\n');
    expect(server.requests).toEqual([]);
  });

  it('reads a header from a file: reference, masked in the handshake dump', async () => {
    const server = await guardedServer(defer, token);
    const { env, file, home } = configHome('wsx-profiles-');
    writeFileSync(join(home, 'token'), `${token}\n`);
    await runWsx(['profiles', 'add', 'filed', server.url, '-H', 'Authorization: file:~/token'], { env });
    expect(readFileSync(file, 'utf8')).toContain('"Authorization": "file:~/token"');
    writeFileSync(join(home, 'token'), `Bearer ${token}\n`);
    const r = await runWsx(['@filed', '-x', 'hi', '--expect', 'hi', '--show-handshake'], { env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Authorization: ***');
    expectNoSecret(r, file);
  });

  it('refuses to save a literal credential and writes nothing', async () => {
    const { env, file } = configHome('wsx-profiles-');
    const r = await runWsx(
      ['profiles', 'add', 'leak', 'ws://127.0.0.1:1', '-H', `Authorization: Bearer ${token}`],
      {
        env,
      },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wsx: not saved: -H Authorization looks like a credential/);
    expect(existsSync(file)).toBe(false);
  });

  it('stops with one line naming the file and line of a malformed config, before connecting', async () => {
    const server = await guardedServer(defer, token);
    const { env, file } = configHome('wsx-profiles-');
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(
      file,
      `{\n  "profiles": {\n    "prod": {\n      "url": "${server.url}",\n      "reconnect": "often"\n    }\n  }\n}\n`,
    );
    const r = await runWsx(['@prod'], { env: { ...env, API_TOKEN: token } });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wsx: ${file}:5: profiles.prod.reconnect: expected true or false\n`);
    expect(server.requests).toEqual([]);
  });

  it('removes a profile, and says so when there is none to remove', async () => {
    const { env, file } = configHome('wsx-profiles-');
    await runWsx(['profiles', 'add', 'a', 'ws://127.0.0.1:1'], { env });
    const rm = await runWsx(['profiles', 'rm', 'a'], { env });
    expect(rm.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({});
    const again = await runWsx(['profiles', 'rm', 'a'], { env });
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`wsx: no profile "a" in ${file}\n`);
  });
});

describe.skipIf(!hasTmux)('wsx @NAME in the full-screen session (tmux)', () => {
  it('connects with the env-var secret, sends a saved message with /send, and never shows the secret', async () => {
    const server = await guardedServer(defer, token);
    const { env, file } = configHome('wsx-profiles-');
    await runWsx(
      ['profiles', 'add', 'prod', server.url, '--bearer-env', 'API_TOKEN', '--ping-interval', '0'],
      {
        env,
      },
    );
    const config = JSON.parse(readFileSync(file, 'utf8')) as { profiles: { prod: object } };
    config.profiles.prod = {
      ...config.profiles.prod,
      messages: { hello: '{"op":"hello","user":"{{user}}"}' },
    };
    writeFileSync(file, JSON.stringify({ ...config, vars: { user: 'ann' } }));
    // The secret goes into the session's environment (-e), never onto the screen as a typed command.
    const session = startTmux(defer, 'wsx-profile', [100, 30], undefined, ['-e', `API_TOKEN=${token}`]);
    const vars = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    typeWsx(session, `CI=false NO_COLOR=1 ${vars}`, '@prod --show-handshake');
    await screenShows(session, ['● open', 'Authorization: ***']);
    tmux('send-keys', '-t', session, '/send he', 'Tab', 'Enter');
    await until(
      () => server.received.length === 1,
      5000,
      () => `server received ${JSON.stringify(server.received)}`,
    );
    expect(server.received).toEqual(['{"op":"hello","user":"ann"}']);
    expect(await screenShows(session, '← {"op":"hello","user":"ann"}')).not.toContain(token);
    tmux('send-keys', '-t', session, '/quit', 'Enter');
    expect(await screenShows(session, 'WSX_EXIT=0')).not.toContain(token);
    expect(readFileSync(file, 'utf8')).not.toContain(token);
  });
});
