// wsx load --asyncapi: messages that break the document are one more counter, and a threshold can fail on them.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import type { LoadSummary } from '../../src/load/summary.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const quotesDoc = fileURLToPath(new URL('../fixtures/asyncapi/quotes-3.0.yaml', import.meta.url));

describe('wsx load --asyncapi', () => {
  it('counts received messages that break the document and fails an invalid threshold with exit 6', async () => {
    const server = await serverUntilCleanup(defer);
    // Every third reply breaks the document (a string price); the others are valid pongs.
    let n = 0;
    server.wss.on('connection', (ws) =>
      ws.on('message', (d) => {
        const reqid = (JSON.parse(String(d)) as { reqid: number }).reqid;
        ws.send(
          n++ % 3 === 2
            ? JSON.stringify({ event: 'ticker', pair: 'X/Y', price: 'high', reqid })
            : JSON.stringify({ event: 'pong', reqid }),
        );
      }),
    );
    const r = await runWsx([
      'load',
      `${server.url}/quotes`,
      '--asyncapi',
      quotesDoc,
      '-c',
      '2',
      '--rate',
      '60',
      '-d',
      '500ms',
      '--message',
      '{"event":"ping","reqid":{{seq}}}',
      '--correlate',
      'json reqid',
      '--summary-json',
      '-',
      '-q',
      '--threshold',
      'invalid < 0.01%',
    ]);
    const s = JSON.parse(r.stdout) as LoadSummary & { messages: { invalid: number } };
    expect(s.messages.received).toBeGreaterThan(10);
    expect(s.messages.invalid).toBe(Math.floor(s.messages.received / 3));
    expect(r.stderr).toMatch(/^wsx: 1 of 1 thresholds failed: invalid < 0\.01% \(measured 3\d\.\d+\)$/m);
    expect(r.code).toBe(6);
  });

  it('refuses --asyncapi with --workers above 1 before connecting (the compiled contract stays in one thread)', async () => {
    const r = await runWsx([
      'load',
      'ws://127.0.0.1:9/quotes',
      '--asyncapi',
      quotesDoc,
      '-c',
      '4',
      '--workers',
      '2',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^wsx: --asyncapi goes with one thread/m);
  });
});
