// `wsx run --profile NAME`: the saved connection is used as `wsx @NAME` uses it (URL, headers, the secret
// behind a reference), and a name that is not saved stops the run before anything connects.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const token = 'SECRETMARK-run-profile-t0ken';

function configHome(): { env: NodeJS.ProcessEnv; file: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-run-profile-'));
  const home = join(dir, 'home');
  mkdirSync(home);
  return {
    env: { XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), HOME: home },
    file: join(dir, 'config', 'wsx', 'config.json'),
    dir,
  };
}

/** An echo server that accepts only `Authorization: Bearer <token>`. */
async function guardedServer() {
  const requests: IncomingHttpHeaders[] = [];
  const server = await serverUntilCleanup(defer, {
    mode: 'echo',
    ws: {
      verifyClient: (info: { req: { headers: IncomingHttpHeaders } }) => {
        requests.push(info.req.headers);
        return info.req.headers.authorization === `Bearer ${token}`;
      },
    },
  });
  return { ...server, requests };
}

describe('wsx run --profile', () => {
  it("connects with the profile's URL and secret header; the secret shows nowhere", async () => {
    const server = await guardedServer();
    const { env, dir } = configHome();
    const add = await runWsx(['profiles', 'add', 'prod', server.url, '--bearer-env', 'API_TOKEN'], { env });
    expect(add.code, add.stderr).toBe(0);
    const scenario = join(dir, 'hello.wsx');
    writeFileSync(scenario, 'send hello\nexpect /hello/ within 2s\n');
    for (const args of [
      ['--profile', 'prod'],
      ['--jsonl', '--profile', 'prod'],
    ]) {
      const r = await runWsx(['run', scenario, ...args], { env: { ...env, API_TOKEN: token } });
      expect(r.code, r.stderr + r.stdout).toBe(0);
      expect(r.stdout + r.stderr).not.toContain(token);
    }
    expect(server.requests.length).toBe(2);
  });

  it("takes the profile's URL over the file's connect line; --url still wins", async () => {
    const server = await guardedServer();
    const { env, dir } = configHome();
    await runWsx(['profiles', 'add', 'prod', server.url, '--bearer-env', 'API_TOKEN'], { env });
    const scenario = join(dir, 'local.wsx');
    writeFileSync(scenario, 'connect ws://127.0.0.1:1/\nsend hello\nexpect /hello/ within 2s\n');
    const r = await runWsx(['run', scenario, '--profile', 'prod'], { env: { ...env, API_TOKEN: token } });
    expect(r.code, r.stderr + r.stdout).toBe(0);
    const overridden = await runWsx(
      ['run', scenario, '--profile', 'prod', '--url', 'ws://127.0.0.1:1/', '--connect-timeout', '1s'],
      { env: { ...env, API_TOKEN: token } },
    );
    expect(overridden.code).toBe(3);
    expect(server.requests.length).toBe(1);
  });

  it('stops with exit 2 naming the profile and the file when the name is not saved, before connecting', async () => {
    const server = await guardedServer();
    const { env, dir, file } = configHome();
    const scenario = join(dir, 'hello.wsx');
    writeFileSync(scenario, `connect ${server.url}\nsend hello\nexpect /hello/ within 2s\n`);
    const r = await runWsx(['run', scenario, '--profile', 'nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wsx: no profile "nope" in ${file} (wsx profiles lists them)\n`);
    expect(server.requests).toEqual([]);
  });
});
