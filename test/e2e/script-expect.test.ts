// Script mode's --expect/--expect-json on the scenario runner: one matcher and one runner for both.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

describe('script mode expectations', () => {
  it('one reply satisfies several consecutive expectations', async () => {
    const s = await serverUntilCleanup(defer);
    s.wss.on('connection', (ws) => ws.on('message', () => ws.send('{"type":"pong","data":{"id":7}}')));
    const result = await runWsx([
      s.url,
      '-x',
      'ping',
      '--expect-json',
      'type=pong',
      '--expect-json',
      'data.id=7',
      '--expect',
      'pong',
      '--timeout',
      '2s',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"type":"pong","data":{"id":7}}\n');
  });

  it('a JSON mismatch names the actual value and its type: 7 vs "7"', async () => {
    const s = await serverUntilCleanup(defer);
    s.wss.on('connection', (ws) => ws.on('message', () => ws.send('{"type":"pong","data":{"id":"7"}}')));
    const result = await runWsx([
      s.url,
      '-x',
      'ping',
      '--expect-json',
      'type=pong',
      '--expect-json',
      'data.id=7',
      '--timeout',
      '300ms',
    ]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'wsx: timed out after 300ms waiting for data.id=7 (expectation 2 of 2); last messages: "{"type":"pong","data":{"id":"7"}}" (data.id is "7" (string), not a number)\n',
    );
  });

  it('--count ends the run with 0 when the counted message is the one that completes the expectations', async () => {
    const s = await serverUntilCleanup(defer);
    s.wss.on('connection', (ws) => {
      ws.send('{"type":"hello"}');
      ws.send('{"type":"pong","id":1}');
      ws.send('{"type":"late"}');
    });
    const result = await runWsx([
      s.url,
      '--expect-json',
      'type=pong',
      '--expect-json',
      'id=1',
      '--count',
      '2',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('{"type":"hello"}\n{"type":"pong","id":1}\n');
  });
});
