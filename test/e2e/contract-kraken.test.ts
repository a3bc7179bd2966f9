// The Kraken public API document (test/fixtures/asyncapi/kraken) against an independent server: python's
// `websockets` library (Debian's python3-websockets, which .ci/run installs) speaking that API.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { hasPythonModules, startPythonServer } from '../helpers/python-server.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const krakenDoc = fileURLToPath(new URL('../fixtures/asyncapi/kraken/asyncapi.yaml', import.meta.url));
const serverScript = fileURLToPath(new URL('../fixtures/asyncapi/kraken/server.py', import.meta.url));
const hasWebsockets = hasPythonModules('websockets');
if (!hasWebsockets)
  console.warn(
    'python3-websockets is not installed: skipping the Kraken contract tests (.ci/run installs it)',
  );

/** server.py's ws:// URL. */
async function krakenServer(...args: string[]): Promise<string> {
  return `ws://127.0.0.1:${await startPythonServer(defer, serverScript, ...args)}`;
}

describe.skipIf(!hasWebsockets)('the Kraken public API document against a python websockets server', () => {
  it('the starter scenario wsx scenario writes from it passes', async () => {
    const url = await krakenServer();
    const made = await runWsx(['scenario', krakenDoc]);
    expect(made.code).toBe(0);
    const file = join(mkdtempSync(join(tmpdir(), 'wsx-kraken-')), 'kraken.wsx');
    writeFileSync(file, made.stdout);
    const run = await runWsx(['run', file, '--url', `${url}/`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('a pipe run sees the valid messages pass and a ticker that breaks the document fail with exit 7', async () => {
    const url = await krakenServer('--buggy');
    const result = await runWsx([
      `${url}/`,
      '--asyncapi',
      krakenDoc,
      '--contract',
      'strict',
      '-x',
      '{"event":"subscribe","pair":["XBT/USD"],"subscription":{"name":"ticker"}}',
      '--expect',
      '"ticker"',
      '--jsonl',
    ]);
    const verdicts = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; contract?: { message: string; valid: boolean } })
      .filter((e) => e.contract)
      .map((e) => `${e.event} ${e.contract!.message} ${e.contract!.valid ? 'valid' : 'invalid'}`);
    // The subscribe may leave before or after systemStatus arrives: the received ones keep their order.
    expect(verdicts.filter((v) => v.startsWith('send'))).toEqual(['send subscribe valid']);
    expect(verdicts.filter((v) => v.startsWith('recv'))).toEqual([
      'recv systemStatus valid',
      'recv subscriptionStatus valid',
      'recv ticker invalid',
    ]);
    expect(result.stderr).toBe(
      [
        'wsx: contract: received no message matched (closest ticker): $[1].c[0]: must be string (got 97001)',
        `wsx: 1 message broke the contract (${krakenDoc}, channel public)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });
});
