// --from-curl end to end: a Chrome-style "Copy as cURL" command, pointed at a loopback ws server that
// records the upgrade request's headers, given as an argument and on stdin.

import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, headerRecordingServer } from '../helpers/cleanup.js';
import { collect, runWsx, spawnWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

const recordingServer = () =>
  headerRecordingServer(defer, {
    ws: { handleProtocols: (protocols: Set<string>) => (protocols.has('chat.v1') ? 'chat.v1' : false) },
  });

const copied = (url: string) => String.raw`curl '${url}' \
  -H 'Upgrade: websocket' \
  -H 'Origin: http://app.example.test' \
  -H 'Connection: Upgrade' \
  -H 'Sec-WebSocket-Key: 7Lm0Xqk4cYc9h2bYzCw6eA==' \
  -H 'User-Agent: Mozilla/5.0 Chrome/120.0.0.0' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits' \
  -H 'Sec-WebSocket-Protocol: chat.v1' \
  -H 'Authorization: Bearer curl-token-91' \
  -b 'sid=curl-cookie-92; theme=dark'`;

describe('wsx --from-curl', () => {
  it("sends the copied headers, cookies and subprotocol, with ws's own key, and names what it dropped", async () => {
    const server = await recordingServer();
    const result = await runWsx([
      '--from-curl',
      copied(`ws://127.0.0.1:${server.port}/chat`),
      '--show-handshake',
      '-x',
      'hi',
      '--expect',
      '^hi$',
    ]);
    expect(result.code).toBe(0);
    const [headers] = server.requests;
    expect(headers).toMatchObject({
      origin: 'http://app.example.test',
      'user-agent': 'Mozilla/5.0 Chrome/120.0.0.0',
      authorization: 'Bearer curl-token-91',
      cookie: 'sid=curl-cookie-92; theme=dark',
      'sec-websocket-protocol': 'chat.v1',
    });
    expect(headers?.['sec-websocket-key']).not.toBe('7Lm0Xqk4cYc9h2bYzCw6eA==');
    expect(headers?.['sec-websocket-extensions']).toBeUndefined();
    expect(result.stderr.split('\n')[0]).toBe(
      'wsx: --from-curl: dropped Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, ' +
        'Sec-WebSocket-Extensions (the WebSocket client sets them)',
    );
    expect(result.stderr).not.toMatch(/curl-token-91|curl-cookie-92/);
  });

  it('reads the command from stdin with -', async () => {
    const server = await recordingServer();
    const child = spawnWsx(['--from-curl', '-', '-x', 'hi', '--expect', '^hi$']);
    child.stdin.end(copied(`ws://127.0.0.1:${server.port}/`));
    const result = await collect(child);
    expect(result.code).toBe(0);
    expect(server.requests[0]?.cookie).toBe('sid=curl-cookie-92; theme=dark');
  });

  it('a command that is not curl, or a URL given twice, is a usage error (exit 2)', async () => {
    const notCurl = await runWsx(['--from-curl', 'wget http://x.test']);
    expect(notCurl.code).toBe(2);
    expect(notCurl.stderr).toContain('--from-curl: expected a curl command line');
    const twice = await runWsx(['ws://127.0.0.1:1', '--from-curl', "curl 'ws://127.0.0.1:2'"]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('--from-curl names the URL: give no URL with it');
  });

  it('profiles add --from-curl saves the connection with its secrets moved to env: references', async () => {
    const server = await recordingServer();
    const dir = mkdtempSync(join(tmpdir(), 'wsx-curl-profile-'));
    mkdirSync(join(dir, 'home'));
    const env = { XDG_CONFIG_HOME: join(dir, 'config'), HOME: join(dir, 'home') };
    const add = await runWsx(
      ['profiles', 'add', 'prod', '--from-curl', copied(`ws://127.0.0.1:${server.port}/chat`)],
      {
        env,
      },
    );
    expect(add.code).toBe(0);
    expect(add.stderr).toContain(
      'its secrets were not saved: set WSX_PROD_AUTHORIZATION, WSX_PROD_COOKIE to their values in the curl command',
    );
    const config = readFileSync(join(dir, 'config', 'wsx', 'config.json'), 'utf8');
    expect(config).not.toMatch(/curl-token-91|curl-cookie-92/);
    expect(JSON.parse(config).profiles.prod).toMatchObject({
      url: `ws://127.0.0.1:${server.port}/chat`,
      headers: {
        Origin: 'http://app.example.test',
        Authorization: 'env:WSX_PROD_AUTHORIZATION',
        Cookie: 'env:WSX_PROD_COOKIE',
      },
      subprotocols: ['chat.v1'],
    });
    const run = await runWsx(['@prod', '-x', 'hi', '--expect', '^hi$'], {
      env: { ...env, WSX_PROD_AUTHORIZATION: 'Bearer curl-token-91', WSX_PROD_COOKIE: 'sid=curl-cookie-92' },
    });
    expect(run.code).toBe(0);
    expect(server.requests[0]).toMatchObject({
      authorization: 'Bearer curl-token-91',
      cookie: 'sid=curl-cookie-92',
    });
  });
});
