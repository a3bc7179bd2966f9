// Cookies end to end: --cookie and a Netscape/curl --cookie-jar reach a ws server that records the Cookie
// header it got; a server whose upgrade response sets cookies gets them written back into the jar, and the
// next run sends them. Cookie values never show in wsx's output.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

/** An echo server that records each upgrade's Cookie header and sets `setCookies` on its response. */
async function cookieServer(setCookies: string[] = []) {
  const cookies: (string | undefined)[] = [];
  const server = await serverUntilCleanup(defer, {
    mode: 'echo',
    ws: {
      verifyClient: (info: { req: IncomingMessage }) => {
        cookies.push(info.req.headers.cookie);
        return true;
      },
    },
  });
  server.wss.on('headers', (headers) => {
    for (const value of setCookies) headers.push(`Set-Cookie: ${value}`);
  });
  return { ...server, cookies };
}

const tmp = () => mkdtempSync(join(tmpdir(), 'wsx-cookies-'));
const line = (...fields: string[]) => fields.join('\t');

describe('cookies', () => {
  it('--cookie (repeatable, or several in one) sends a Cookie header, masked in --show-handshake', async () => {
    const server = await cookieServer();
    const result = await runWsx([
      `${server.url}/chat`,
      '--cookie',
      'session=cookie-secret-71',
      '-b',
      'theme=dark; lang=en',
      '--show-handshake',
      '-x',
      'hi',
      '--expect',
      '^hi$',
    ]);
    expect(result.code).toBe(0);
    expect(server.cookies).toEqual(['session=cookie-secret-71; theme=dark; lang=en']);
    expect(result.stderr).toMatch(/^> cookie: \*\*\*$/im);
    expect(result.stderr).not.toContain('cookie-secret-71');
  });

  it('sends the jar cookies the URL matches, and writes back what the upgrade response sets', async () => {
    const server = await cookieServer(['fresh=set-by-server-72; Path=/; Max-Age=3600', 'gone=1; Max-Age=0']);
    const dir = tmp();
    const jar = join(dir, 'cookies.txt');
    const future = String(Math.floor(Date.now() / 1000) + 86_400);
    writeFileSync(
      jar,
      [
        '# Netscape HTTP Cookie File',
        line('127.0.0.1', 'FALSE', '/', 'FALSE', future, 'sid', 'jar-secret-73'),
        line('#HttpOnly_127.0.0.1', 'FALSE', '/chat', 'FALSE', '0', 'scoped', 'yes'),
        line('127.0.0.1', 'FALSE', '/other', 'FALSE', future, 'elsewhere', 'no'),
        line('127.0.0.1', 'FALSE', '/', 'TRUE', future, 'tlsonly', 'yes'),
        line('127.0.0.1', 'FALSE', '/', 'FALSE', '1000', 'expired', 'no'),
        line('.example.test', 'TRUE', '/', 'FALSE', future, 'otherhost', 'no'),
        '',
      ].join('\n'),
    );
    const first = await runWsx([
      `${server.url}/chat`,
      '--cookie-jar',
      jar,
      '--show-handshake',
      '-x',
      'a',
      '--expect',
      'a',
    ]);
    expect(first.code).toBe(0);
    // Path, expiry and domain rules: elsewhere, expired and otherhost stay home. A Secure cookie does go to
    // loopback over ws://, as browsers and curl send it: 127.0.0.1 counts as a secure context.
    expect(server.cookies[0]?.split('; ').sort()).toEqual(['scoped=yes', 'sid=jar-secret-73', 'tlsonly=yes']);
    expect(first.stderr).toMatch(/^< set-cookie: \*\*\*$/im);
    expect(first.stderr).not.toMatch(/jar-secret-73|set-by-server-72/);
    const written = readFileSync(jar, 'utf8');
    expect(written).toMatch(/^127\.0\.0\.1\tFALSE\t\/\tFALSE\t\d{10}\tfresh\tset-by-server-72$/m);
    expect(written).toMatch(/^127\.0\.0\.1\tFALSE\t\/\tFALSE\t\d+\tsid\tjar-secret-73$/m);
    expect(written).toMatch(/^#HttpOnly_127\.0\.0\.1\tFALSE\t\/chat\tFALSE\t0\tscoped\tyes$/m);
    expect(written).not.toMatch(/\tgone\t/);
    const second = await runWsx([`${server.url}/`, '--cookie-jar', jar, '-x', 'b', '--expect', 'b']);
    expect(second.code).toBe(0);
    expect(server.cookies[1]?.split('; ').sort()).toEqual([
      'fresh=set-by-server-72',
      'sid=jar-secret-73',
      'tlsonly=yes',
    ]);
  });

  it('a jar that does not exist yet is created when the server sets a cookie', async () => {
    const server = await cookieServer(['first=hello-74']);
    const jar = join(tmp(), 'new.txt');
    const result = await runWsx([server.url, '--cookie-jar', jar, '-x', 'a', '--expect', 'a']);
    expect(result.code).toBe(0);
    expect(server.cookies).toEqual([undefined]);
    expect(readFileSync(jar, 'utf8')).toMatch(/^127\.0\.0\.1\tFALSE\t\/\tFALSE\t0\tfirst\thello-74$/m);
  });

  it('a malformed jar line or --cookie value is a usage error naming it (exit 2)', async () => {
    const jar = join(tmp(), 'bad.txt');
    writeFileSync(
      jar,
      `# Netscape HTTP Cookie File\n${line('h', 'FALSE', '/', 'FALSE', '0', 'a', 'b')}\nh FALSE / 0 a b\n`,
    );
    const bad = await runWsx(['ws://127.0.0.1:1', '--cookie-jar', jar]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--cookie-jar ${jar} line 3: expected 7 tab-separated fields, found 1`);
    const pair = await runWsx(['ws://127.0.0.1:1', '--cookie', 'novalue']);
    expect(pair.code).toBe(2);
    expect(pair.stderr).toContain('--cookie: "novalue" is not name=value');
  });
});
