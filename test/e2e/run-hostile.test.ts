// `wsx run` against servers that send what breaks naive reports and matchers: runaway regexes, deeply nested
// JSON, echoed secrets, huge messages. Each test spawns the built wsx against a loopback ws server.

import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WebSocket } from 'ws';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { collect, runWsx, spawnWsx } from '../helpers/run-wsx.js';
import { nextMessage } from '../helpers/servers.js';
import { find, parseXml } from '../scenario/xml.js';

const defer = cleanupAfterEach();

const tempDir = (): string => tempDirUntilCleanup(defer);

/** A server that answers every message with `reply(message)`, one frame per returned string. */
async function replyingServer(reply: (text: string) => string[]) {
  const s = await serverUntilCleanup(defer);
  s.wss.on('connection', (ws: WebSocket) =>
    ws.on('message', (data) => {
      for (const r of reply(String(data))) ws.send(r);
    }),
  );
  return s;
}

// 100 KB of L then x: /(L+)+$/ backtracks exponentially on it.
const backtrackBait = `${'L'.repeat(100_000)}x`;

describe('wsx run against hostile messages', { timeout: 20_000 }, () => {
  it('a backtracking regex fails the step at its deadline (exit 4) and the JUnit report is written', async () => {
    const s = await replyingServer(() => [backtrackBait]);
    const dir = tempDir();
    const file = join(dir, 'f.wsx');
    writeFileSync(file, 'send go\nexpect /(L+)+$/ within 1s\n');
    const junit = join(dir, 'r.xml');
    const started = Date.now();
    const result = await runWsx(['run', file, '--url', s.url, '--junit', junit], { killAfterMs: 15_000 });
    expect(result.stderr).toContain(`${file}:2: expect /(L+)+$/ within 1s: timed out after 1s`);
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(existsSync(junit)).toBe(true);
  });

  it('a backtracking regex the linear engine cannot run (flag i) fails the step naming the pattern', async () => {
    const s = await replyingServer(() => [backtrackBait]);
    const file = join(tempDir(), 'f.wsx');
    writeFileSync(file, 'send go\nexpect /(L+)+$/i within 20s\n');
    const started = Date.now();
    const result = await runWsx(['run', file, '--url', s.url], { killAfterMs: 15_000 });
    expect(result.stderr).toContain('/(L+)+$/i ran over 1 s on a 100001-character message');
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(8000);
  });

  it('SIGTERM ends a run whose regex faces backtracking bait, with 143 and a JUnit report', async () => {
    const s = await serverUntilCleanup(defer);
    const dir = tempDir();
    const file = join(dir, 'f.wsx');
    writeFileSync(file, 'send go\nexpect /(L+)+$/ within 30s\n');
    const junit = join(dir, 'r.xml');
    s.wss.on('connection', (ws: WebSocket) => {
      void nextMessage(ws).then(() => {
        ws.send(backtrackBait);
        ws.send(backtrackBait);
        // Once wsx has had the bait, it must still hear the signal.
        setTimeout(() => child.kill('SIGTERM'), 300);
      });
    });
    const child = spawnWsx(['run', file, '--url', s.url, '--junit', junit]);
    const started = Date.now();
    const result = await collect(child, { killAfterMs: 15_000 });
    expect(result.code).toBe(143);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(existsSync(junit)).toBe(true);
  });

  it('--expect with a backtracking regex in script mode: exit 4 at --timeout, or naming the pattern', async () => {
    const s = await replyingServer(() => [backtrackBait]);
    const started = Date.now();
    const linear = await runWsx([s.url, '-x', 'go', '--expect', '(L+)+$', '--timeout', '1s'], {
      killAfterMs: 15_000,
    });
    expect(linear.stderr).toContain('wsx: timed out after 1s waiting for /(L+)+$/');
    expect(linear.code).toBe(4);
    const backref = await runWsx([s.url, '-x', 'go', '--expect', '(L+)+\\1$', '--timeout', '20s'], {
      killAfterMs: 15_000,
    });
    expect(backref.stderr).toContain('/(L+)+\\1$/ ran over 1 s');
    expect(backref.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(12_000);
  });

  it('JSON nested 5,000 deep fails an expect, a capture and an equality with a message, not a stack overflow', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    const s = await replyingServer((text) => [text === 'first' ? `{"a":${deep},"id":1}` : `{"b":${deep}}`]);
    const dir = tempDir();
    const junit = join(dir, 'r.xml');
    const capture = join(dir, 'capture.wsx');
    writeFileSync(capture, 'send first\nexpect json id == 1\ncapture a = json a\nsend {{a}}\n');
    const r1 = await runWsx(['run', capture, '--url', s.url, '--junit', junit]);
    expect(r1.stderr).toMatch(/^wsx: .*capture\.wsx:3: capture a = json a: capture a: .*too deep/);
    expect(r1.code).toBe(4);
    expect(existsSync(junit)).toBe(true);
    const equal = join(dir, 'equal.wsx');
    writeFileSync(equal, `send first\nexpect json a == [[1]] within 300ms\n`);
    const r2 = await runWsx(['run', equal, '--url', s.url, '--junit', junit]);
    expect(r2.stderr).toContain('timed out after 300ms waiting for json a == [[1]]');
    expect(r2.stderr).toContain('a is [[[[');
    expect(r2.stderr.length).toBeLessThan(2000);
    expect(r2.code).toBe(4);
    const xml = readFileSync(junit, 'utf8');
    expect(find(parseXml(xml), 'failure')).toHaveLength(1);
  });

  it('--jsonl masks a --bearer-env token the server echoes, in the error and the messages, like the other reports', async () => {
    const token = 'tok-9f8e7d6c5b4a';
    const s = await replyingServer((text) => [JSON.stringify({ said: text })]);
    const file = join(tempDir(), 'f.wsx');
    writeFileSync(file, `send {{env.WSX_TEST_TOKEN}}\nexpect json said == "hi" within 300ms\n`);
    const result = await runWsx(['run', file, '--url', s.url, '--jsonl', '--bearer-env', 'WSX_TEST_TOKEN'], {
      env: { WSX_TEST_TOKEN: token },
    });
    expect(result.code).toBe(4);
    expect(s.received).toEqual([token]);
    expect(result.stdout).toContain('"data":"{\\"said\\":\\"***\\"}"');
    expect(result.stdout).not.toContain(token);
    expect(result.stderr).not.toContain(token);
    const failed = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { status?: string; error?: string })
      .find((e) => e.status === 'failed');
    expect(failed?.error).toContain('said is "***" (string)');
  });

  it('a 10 MB message makes a JUnit report of a few KiB per message, which XML readers accept', async () => {
    const big = `{"blob":"${'x'.repeat(10 * 1024 * 1024)}"}`;
    const s = await replyingServer(() => [big]);
    const dir = tempDir();
    const file = join(dir, 'f.wsx');
    writeFileSync(file, 'send go\nexpect /never/ within 1s\n');
    const junit = join(dir, 'r.xml');
    const result = await runWsx(['run', file, '--url', s.url, '--junit', junit], { killAfterMs: 15_000 });
    expect(result.code).toBe(4);
    expect(statSync(junit).size).toBeLessThan(64 * 1024);
    const xml = readFileSync(junit, 'utf8');
    expect(xml).toContain(`… (+${big.length - 4096} bytes)`);
    expect(find(parseXml(xml), 'failure')).toHaveLength(1);
  });
});
