// --cookie and --cookie-jar: the Cookie header for the upgrade request, and Set-Cookie written back to the
// jar. The jar file is curl's (Netscape) format; which cookies go to a URL (domain, path, secure, expiry)
// and how a Set-Cookie is read is tough-cookie's job. A bundle of its own (dist/cli/cookies.js: tough-cookie
// and the public suffix list, ~150 KiB) read only by a run with cookies, so it holds no copy of WsxError:
// its mistakes are made by the `fail` it is handed.

import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { describeIoError } from '../text/io-error.js';
import { Cookie, CookieJar } from 'tough-cookie';

export type Fail = (message: string, hint?: string) => Error;

export interface CookieSetup {
  /** The Cookie header value, or undefined when no cookie goes to this URL. */
  header: string | undefined;
  /** Every cookie value read: masked in all output. */
  secrets: string[];
  /** Stores the upgrade response's Set-Cookie values and writes the jar file back (when there is one). */
  saveResponse: (url: string, setCookie: string[]) => string[];
}

/** `#HttpOnly_` before the domain marks an HttpOnly cookie in curl's files. */
const httpOnlyPrefix = '#HttpOnly_';

/** One jar line → a Cookie; throws `fail` naming the file and line. */
function parseLine(line: string, where: string, fail: Fail): Cookie {
  const isHttpOnly = line.startsWith(httpOnlyPrefix);
  const fields = (isHttpOnly ? line.slice(httpOnlyPrefix.length) : line).split('\t');
  if (fields.length !== 7)
    throw fail(
      `${where}: expected 7 tab-separated fields, found ${fields.length}`,
      'the Netscape/curl format: domain, subdomains, path, secure, expiry, name, value',
    );
  const [domain, subdomains, path, secure, expiry, name, value] = fields as [string, ...string[]];
  const isFlag = (v: string) => v === 'TRUE' || v === 'FALSE';
  if (!domain || !isFlag(subdomains!) || !isFlag(secure!) || !/^\d+$/.test(expiry!) || !name)
    throw fail(
      `${where}: not a cookie line`,
      'domain, TRUE/FALSE, path, TRUE/FALSE, expiry (seconds), name, value',
    );
  const seconds = Number(expiry);
  return new Cookie({
    key: name,
    value: value!,
    domain: domain.replace(/^\./, '').toLowerCase(),
    hostOnly: subdomains === 'FALSE',
    path: path || '/',
    secure: secure === 'TRUE',
    httpOnly: isHttpOnly,
    // 0 is a session cookie: kept for this run.
    expires: seconds === 0 ? 'Infinity' : new Date(seconds * 1000),
  });
}

/** The jar as curl writes it. */
function formatJar(cookies: Cookie[]): string {
  const lines = [
    '# Netscape HTTP Cookie File',
    '# Written by wsx. Edit with care: each line is 7 tab-separated fields.',
    '',
  ];
  for (const c of cookies) {
    // Max-Age or Expires, whichever set it; a session cookie (no expiry) is 0, as curl writes it.
    const expiry = c.expiryTime();
    // An expired cookie (a server deletes one with Max-Age=0) is dropped, as curl drops it.
    if (expiry !== undefined && expiry <= Date.now()) continue;
    const expires = expiry !== undefined && Number.isFinite(expiry) ? Math.floor(expiry / 1000) : 0;
    const domain = (c.hostOnly ? '' : '.') + (c.domain ?? '');
    lines.push(
      [
        (c.httpOnly ? httpOnlyPrefix : '') + domain,
        c.hostOnly ? 'FALSE' : 'TRUE',
        c.path ?? '/',
        c.secure ? 'TRUE' : 'FALSE',
        String(expires),
        c.key,
        c.value,
      ].join('\t'),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** `name=value` pairs from --cookie (each may hold several, `a=1; b=2`, as curl's -b does). */
function parsePairs(given: string[], fail: Fail): string[] {
  const pairs: string[] = [];
  for (const text of given)
    for (const part of text.split(';')) {
      const pair = part.trim();
      if (pair === '') continue;
      if (!/^[^=\s]+=/.test(pair))
        throw fail(`--cookie: "${pair}" is not name=value`, "e.g. --cookie 'session=abc123'");
      pairs.push(pair);
    }
  return pairs;
}

/**
 * Reads --cookie values and the --cookie-jar file for `url`. A jar file that does not exist yet is an
 * empty jar (it is created when the server sets a cookie).
 */
export function setUpCookies(
  url: string,
  given: { cookie: string[]; cookieJar?: string },
  fail: Fail,
): CookieSetup {
  const pairs = parsePairs(given.cookie, fail);
  const jar = new CookieJar(undefined, { looseMode: true });
  const file = given.cookieJar;
  if (file !== undefined) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw fail(`--cookie-jar: ${describeIoError(err, file)}`);
    }
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '' || (line.startsWith('#') && !line.startsWith(httpOnlyPrefix))) return;
      const cookie = parseLine(line, `--cookie-jar ${file} line ${index + 1}`, fail);
      // The file is trusted as curl trusts it: stored as written, not checked against a URL.
      jar.store.putCookie(cookie, () => {});
    });
  }
  // A ws:// URL is http:// to the cookie rules, wss:// https://: tough-cookie reads wss as secure.
  const fromJar = jar.getCookiesSync(url).map((c) => c.cookieString());
  const all = [...pairs, ...fromJar];
  const secrets = all.map((pair) => pair.slice(pair.indexOf('=') + 1)).filter((v) => v !== '');
  return {
    header: all.length > 0 ? all.join('; ') : undefined,
    secrets,
    saveResponse: (responseUrl, setCookie) => {
      const values: string[] = [];
      for (const line of setCookie) {
        const cookie = jar.setCookieSync(line, responseUrl, { ignoreError: true });
        if (cookie) values.push(cookie.value);
      }
      if (file !== undefined && values.length > 0) {
        const cookies =
          jar
            .serializeSync()
            ?.cookies.map((c) => Cookie.fromJSON(c)!)
            .filter((c) => c !== null) ?? [];
        // Written beside and renamed over: a reader never sees half a jar.
        const temp = `${file}.${process.pid}.tmp`;
        writeFileSync(temp, formatJar(cookies), { mode: 0o600 });
        renameSync(temp, file);
      }
      return values;
    },
  };
}
