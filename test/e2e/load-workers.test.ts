// wsx load --workers: the connections spread over worker threads, one report with exactly merged figures.

import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../src/load/summary.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { collect, runWsx, spawnWsx } from '../helpers/run-wsx.js';
import { loadSummary } from '../helpers/load.js';
import { freePort } from '../helpers/servers.js';
import { startJsonRpc } from '../protocols/servers.js';

const defer = cleanupAfterEach();

/** The {{conn}} numbers the server saw, from messages "m CONN-SEQ". */
const connsSeen = (received: string[]) => new Set(received.map((m) => /^m (\d+)-/.exec(m)?.[1]));

describe('wsx load --workers', () => {
  it('spreads the connections over two threads and reports the same counts as one thread', async () => {
    const results: LoadSummary[] = [];
    for (const workers of ['1', '2']) {
      const server = await serverUntilCleanup(defer, { mode: 'echo' });
      const s = await loadSummary(
        [
          server.url,
          '-c',
          '20',
          '--rate',
          '200',
          '-d',
          '1s',
          '--message',
          'm {{conn}}-{{seq}}',
          '--workers',
          workers,
        ],
        { killAfterMs: 9000 },
      );
      expect(s.client.workers).toBe(Number(workers));
      // Every worker numbered its own connections apart: 0 to 19, each once.
      expect(connsSeen(server.received)).toEqual(new Set(Array.from({ length: 20 }, (_, i) => String(i))));
      expect(server.received.length).toBe(s.messages.sent);
      results.push(s);
    }
    for (const s of results) {
      expect(s.connections).toMatchObject({ target: 20, opened: 20, failed: 0, peak: 20, lost: 0 });
      expect(s.connect_ms.count).toBe(20);
      // 200/s for 1 s over all threads: the open model sends on schedule, give or take a tick per thread.
      expect(s.messages.sent).toBeGreaterThanOrEqual(195);
      expect(s.messages.sent).toBeLessThanOrEqual(204);
      expect(s.messages.received).toBe(s.messages.sent);
      expect(s.messages.unmatched).toBe(0);
      // The merged round-trip histogram holds every worker's samples.
      expect(s.rtt_ms.count).toBe(s.messages.sent);
    }
  });

  it('on SIGINT every worker closes its connections with 1001, and one report of what ran exits 130', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const codes: number[] = [];
    server.wss.on('connection', (ws) => ws.on('close', (code) => codes.push(code)));
    const child = spawnWsx(['load', server.url, '-c', '30', '--rate', '100', '-d', '30s', '--workers', '2']);
    const result = collect(child, { killAfterMs: 9000 });
    await expect.poll(() => server.clients().length, { timeout: 6000 }).toBe(30);
    child.kill('SIGINT');
    const r = await result;
    expect(r.code).toBe(130);
    // One table for both threads: all 30 connections in it.
    expect(r.stderr.match(/connections\s+30 opened of 30 targeted/g)).toHaveLength(1);
    await expect.poll(() => codes.length).toBe(30);
    expect(new Set(codes)).toEqual(new Set([1001]));
  });

  it('--proto jsonrpc: each thread makes its own codecs, every request answered by its id', async () => {
    const { url } = await startJsonRpc(defer);
    const s = await loadSummary([
      url,
      '--proto',
      'jsonrpc',
      '-c',
      '10',
      '--rate',
      '100',
      '-d',
      '1s',
      '--message',
      'add [{{seq}},1]',
      '--workers',
      '2',
    ]);
    expect(s.client.workers).toBe(2);
    expect(s.connections).toMatchObject({ opened: 10, failed: 0 });
    expect(s.messages.sent).toBeGreaterThan(50);
    expect(s.messages.received).toBe(s.messages.sent);
    expect(s.messages).toMatchObject({ unmatched: 0, unanswered: 0 });
  });

  it('fails fast with exit 3 when the URL cannot connect at all, whatever the workers', async () => {
    const port = await freePort();
    const r = await runWsx(['load', `ws://127.0.0.1:${port}`, '-c', '100', '-d', '30s', '--workers', '2']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/cannot connect to ws:\/\/127\.0\.0\.1:\d+\/: connection refused/);
  });
});
