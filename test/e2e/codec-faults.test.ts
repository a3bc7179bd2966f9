// Hostile servers against the --proto codecs and the handshake's error text, through the built bin/wsx.js.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import { startRefusingServer } from '../helpers/servers.js';

const defer = cleanupAfterEach();

describe('refusal pages', () => {
  it('a refusal page with a character reference past U+10FFFF exits 3 with the page text, no stack', async () => {
    const page = '<html><body><h1>Denied &#x110000; here</h1></body></html>';
    const refusing = await startRefusingServer(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
    );
    defer(() => refusing.close());
    for (const args of [[], ['-x', 'hi'], ['--proto', 'jsonrpc']]) {
      const r = await runWsx([...args, `${refusing.url}/`]);
      expect(r.stderr.split('\n')[0]).toBe(
        `wsx: cannot connect to ${refusing.url}/: server answered HTTP/1.1 403 Forbidden instead of upgrading: Denied \uFFFD here (check credentials: -H, --auth, --bearer-env)`,
      );
      expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
      expect(r.code).toBe(3);
    }
  });
});
