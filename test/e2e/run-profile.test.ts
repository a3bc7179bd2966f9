// `wsx run --profile NAME`: the saved connection is used as `wsx @NAME` uses it (URL, headers, the secret
// behind a reference), and a name that is not saved stops the run before anything connects.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { configHome, guardedServer } from '../helpers/config-home.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const token = 'SECRETMARK-run-profile-t0ken';

describe('wsx run --profile', () => {
  it("connects with the profile's URL and secret header; the secret shows nowhere", async () => {
    const server = await guardedServer(defer, token);
    const { env, dir } = configHome('wsx-run-profile-');
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
    const server = await guardedServer(defer, token);
    const { env, dir } = configHome('wsx-run-profile-');
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
    const server = await guardedServer(defer, token);
    const { env, dir, file } = configHome('wsx-run-profile-');
    const scenario = join(dir, 'hello.wsx');
    writeFileSync(scenario, `connect ${server.url}\nsend hello\nexpect /hello/ within 2s\n`);
    const r = await runWsx(['run', scenario, '--profile', 'nope'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`wsx: no profile "nope" in ${file} (wsx profiles lists them)\n`);
    expect(server.requests).toEqual([]);
  });
});
