// The curl parser behind --from-curl, fed commands as Chrome's and Firefox's DevTools "Copy as cURL" write
// them for a WebSocket upgrade (bash flavour: single quotes, $'…' strings, backslash line continuations).

import { describe, expect, it } from 'vitest';
import { applyCurl, curlNote, parseCurl, shellWords, type CurlFlags } from '../../src/cli/from-curl.js';

/** Chrome 120, "Copy as cURL (bash)" on a wss:// request in the Network panel (values changed). */
const chrome = String.raw`curl 'wss://chat.example.test/socket?room=7' \
  -H 'Upgrade: websocket' \
  -H 'Origin: https://chat.example.test' \
  -H 'Cache-Control: no-cache' \
  -H 'Accept-Language: en-GB,en-US;q=0.9,en;q=0.8' \
  -H 'Pragma: no-cache' \
  -H 'Connection: Upgrade' \
  -H 'Sec-WebSocket-Key: 7Lm0Xqk4cYc9h2bYzCw6eA==' \
  -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36' \
  -H 'Sec-WebSocket-Version: 13' \
  -H 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits' \
  -H 'Sec-WebSocket-Protocol: chat.v2, chat.v1' \
  -b 'sid=s%3Achrome-cookie.x1; theme=dark' \
  -H $'X-Note: it\'s \u00e9t\xe9'`;

/** Firefox 121, "Copy as cURL (POSIX)": one line, the Cookie as a header, Connection: keep-alive, Upgrade. */
const firefox =
  "curl 'wss://chat.example.test/socket' -H 'User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:121.0) " +
  "Gecko/20100101 Firefox/121.0' -H 'Accept: */*' -H 'Accept-Language: en-US,en;q=0.5' -H 'Accept-Encoding: " +
  "gzip, deflate, br' -H 'Sec-WebSocket-Version: 13' -H 'Origin: https://chat.example.test' -H " +
  "'Sec-WebSocket-Extensions: permessage-deflate' -H 'Sec-WebSocket-Key: q0t4mS2rX5Jj2r1pS0M3bA==' -H " +
  "'DNT: 1' -H 'Connection: keep-alive, Upgrade' -H 'Cookie: sid=firefox-cookie; prefs=compact' -H " +
  "'Sec-Fetch-Dest: empty' -H 'Sec-Fetch-Mode: websocket' -H 'Sec-Fetch-Site: same-origin' -H 'Pragma: no-cache' " +
  "-H 'Cache-Control: no-cache' -H 'Upgrade: websocket' -H 'Authorization: Bearer ff-token-81'";

describe('parseCurl', () => {
  it("reads Chrome's copy: URL, headers, -b cookies, subprotocols, $'…' strings; drops the upgrade's own headers", () => {
    const c = parseCurl(chrome);
    expect(c.url).toBe('wss://chat.example.test/socket?room=7');
    expect(c.headers).toEqual([
      'Origin: https://chat.example.test',
      'Cache-Control: no-cache',
      'Accept-Language: en-GB,en-US;q=0.9,en;q=0.8',
      'Pragma: no-cache',
      'User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      "X-Note: it's été",
    ]);
    expect(c.cookies).toEqual(['sid=s%3Achrome-cookie.x1; theme=dark']);
    expect(c.subprotocols).toEqual(['chat.v2', 'chat.v1']);
    expect(c.dropped).toEqual([
      'Upgrade',
      'Connection',
      'Sec-WebSocket-Key',
      'Sec-WebSocket-Version',
      'Sec-WebSocket-Extensions',
    ]);
    expect(curlNote(c)).toBe(
      '--from-curl: dropped Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, ' +
        'Sec-WebSocket-Extensions (the WebSocket client sets them)',
    );
  });

  it("reads Firefox's copy: the Cookie header becomes cookies, Authorization stays a header", () => {
    const c = parseCurl(firefox);
    expect(c.url).toBe('wss://chat.example.test/socket');
    expect(c.cookies).toEqual(['sid=firefox-cookie; prefs=compact']);
    expect(c.headers).toContain('Authorization: Bearer ff-token-81');
    expect(c.headers).toContain('Sec-Fetch-Mode: websocket');
    expect(c.headers.some((h) => /^(connection|upgrade|sec-websocket)/i.test(h))).toBe(false);
    expect(c.dropped).toEqual([
      'Sec-WebSocket-Version',
      'Sec-WebSocket-Extensions',
      'Sec-WebSocket-Key',
      'Connection',
      'Upgrade',
    ]);
  });

  it('takes -u, --url, attached short values and double quotes; says what a POST body and method mean', () => {
    const c = parseCurl(
      `curl -X POST --url "https://api.example.test/ws?x=\\"1\\"" -u 'alice:pw-82' -HX-Trace:abc --compressed -s --data-raw '{"a":1}'`,
    );
    expect(c.url).toBe('https://api.example.test/ws?x="1"');
    expect(c.user).toBe('alice:pw-82');
    expect(c.headers).toEqual(['X-Trace: abc']);
    expect(curlNote(c)).toBe(
      "--from-curl: ignored -X POST (an upgrade is a GET), --compressed (an upgrade's response has no body " +
        'to decompress), -s, --data-raw (a WebSocket upgrade has no body)',
    );
  });

  it("names every curl option it does not carry over, as Chrome's --compressed, never with its value", () => {
    const c = parseCurl(
      "curl 'wss://x.test/ws' -H 'Origin: https://x.test' --compressed -s -v -i --http2 --digest " +
        '-x http://proxy-user:proxy-pw-71@proxy.test:3128 --cacert ca.pem -E cert.pem --key key.pem ' +
        "-c jar.txt --connect-timeout 3 -m 9 -o out.bin -w '%{http_code}' --no-buffer",
    );
    expect(c.url).toBe('wss://x.test/ws');
    expect(c.headers).toEqual(['Origin: https://x.test']);
    expect(curlNote(c)).toBe(
      "--from-curl: ignored --compressed (an upgrade's response has no body to decompress), -s, -v, -i, " +
        '--http2 (an upgrade is HTTP/1.1), --digest (wsx sends -u as Basic), -x (give wsx --proxy), ' +
        '--cacert (give wsx --ca), -E (give wsx --cert), --key (give wsx --key), -c (give wsx --cookie-jar), ' +
        '--connect-timeout (give wsx --connect-timeout), -m, -o, -w, --no-buffer',
    );
    expect(curlNote(c)).not.toMatch(/proxy-pw-71|ca\.pem|jar\.txt|http_code/);
  });

  it('carries over -L, --oauth2-bearer and a GET; reads -b FILE as a cookie file it does not read', () => {
    const c = parseCurl(
      "curl -L -X GET --http1.1 --oauth2-bearer tok-55 -b cookies.txt -b 'a=1' 'wss://x.test/ws'",
    );
    expect(c.followRedirects).toBe(true);
    expect(c.headers).toEqual(['Authorization: Bearer tok-55']);
    expect(c.cookies).toEqual(['a=1']);
    expect(curlNote(c)).toBe('--from-curl: ignored -b cookies.txt (a cookie file: give wsx --cookie-jar)');
    const flags: CurlFlags = { fromCurl: "curl -L 'wss://x.test/'", header: [], cookie: [], subprotocol: [] };
    expect(applyCurl(undefined, flags, () => '').flags.location).toBe(true);
  });

  it('refuses what is not a curl command, or is cut short, with a usage error', () => {
    expect(() => parseCurl('wget https://x.test')).toThrow(/expected a curl command line/);
    expect(() => parseCurl("curl 'wss://x.test")).toThrow("a quote (') is not closed");
    expect(() => parseCurl('curl -H')).toThrow(/-H needs a value/);
    expect(() => parseCurl('curl -H "A: b"')).toThrow(/names no URL/);
  });

  it('splits words as bash does', () => {
    expect(shellWords(`a 'b c' "d \\" e" $'f\\ng' h\\ i \\\n j`)).toEqual([
      'a',
      'b c',
      'd " e',
      'f\ng',
      'h i',
      'j',
    ]);
  });
});
