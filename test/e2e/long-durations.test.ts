// Durations past what a Node timer can wait (2^31 - 1 ms, ~24.8 days) fired after 1 ms: refused up front.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

describe('durations longer than a timer can wait', () => {
  it.each(['--timeout', '--ping-interval', '--ping-timeout', '--drop-after', '--wait'])(
    '%s 600h exits 2 naming the limit, before connecting',
    async (flag) => {
      const s = await serverUntilCleanup(defer, { mode: 'echo' });
      let connections = 0;
      s.wss.on('connection', () => connections++);
      const r = await runWsx([s.url, flag, '600h'], { input: 'hi\n' });
      expect(r.stderr).toBe(
        `wsx: ${flag}: "600h" is longer than 596h, the longest a timer can wait (use e.g. 500ms, 5s, 2m)\n`,
      );
      expect(r.code).toBe(2);
      expect(connections).toBe(0);
    },
  );

  it('a scenario step `sleep 600h` is a syntax error (exit 2, FILE:LINE)', async () => {
    const file = tempFileUntilCleanup(defer, 'long.wsx', 'connect ws://127.0.0.1:9\nsleep 600h\n');
    const r = await runWsx(['run', file]);
    expect(r.stderr).toContain(`${file}:2: sleep: "600h" is longer than 596h, the longest a timer can wait`);
    expect(r.code).toBe(2);
  });

  it('596h is still accepted', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await runWsx([s.url, '--timeout', '596h', '--wait', '100ms'], { input: 'hi\n' });
    expect(r.stdout).toBe('hi\n');
    expect(r.code).toBe(0);
  });
});
