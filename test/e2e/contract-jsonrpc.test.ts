// A JSON-RPC calculator's AsyncAPI documents (2.6 and 3.0) against an independent server written in python
// with `websockets`: over --proto jsonrpc the method names the message, a response is named by the method
// of the request it answers, and the verdict shows in --jsonl, on stderr, in the exit code and in scenarios.

import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { hasPythonModules, startPythonServer } from '../helpers/python-server.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const fixture = (name: string) =>
  fileURLToPath(new URL(`../fixtures/asyncapi/calc-jsonrpc/${name}`, import.meta.url));
const serverScript = fixture('server.py');
const docs = { '2.6': fixture('asyncapi-2.6.yaml'), '3.0': fixture('asyncapi-3.0.yaml') };
const hasWebsockets = hasPythonModules('websockets');
if (!hasWebsockets)
  console.warn(
    'python3-websockets is not installed: skipping the JSON-RPC contract tests (.ci/run installs it)',
  );

interface JsonlEvent {
  event: string;
  data?: string;
  contract?: { message: string | null; valid: boolean; unknown?: boolean; errors: { path: string }[] };
}

/** Sends `lines` over --proto jsonrpc with --jsonl and the document; the run's events and its stderr. */
async function exchange(doc: string, lines: string[], extra: string[] = []) {
  const port = await startPythonServer(defer, serverScript);
  const result = await runWsx(
    [
      '--proto',
      'jsonrpc',
      `ws://127.0.0.1:${port}/`,
      '--asyncapi',
      doc,
      '--contract',
      'strict',
      '--wait',
      '500ms',
      ...extra,
    ],
    { input: lines.map((l) => l + '\n').join('') },
  );
  const events = extra.includes('--jsonl')
    ? result.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as JsonlEvent)
        .filter((e) => e.event === 'send' || e.event === 'recv')
    : [];
  return { ...result, events };
}

describe.skipIf(!hasWebsockets).each(Object.entries(docs))(
  'an AsyncAPI %s JSON-RPC document against a python websockets server',
  (_version, doc) => {
    it('names a request by its method and its reply by the method it answers, in --jsonl; exit 0', async () => {
      const run = await exchange(doc, ['{"method":"add","params":{"a":1,"b":2}}'], ['--jsonl']);
      expect(run.stderr).toBe('');
      expect(run.events.map((e) => [e.event, e.contract?.message, e.contract?.valid])).toEqual([
        ['send', 'add', true],
        ['recv', 'addResult', true],
      ]);
      expect(run.code).toBe(0);
    });

    it('reports invalid params against the message the method names, with the path; exit 7', async () => {
      const run = await exchange(doc, ['{"method":"greet","params":{"name":""}}']);
      const lines = run.stderr.split('\n');
      expect(lines[0]).toBe(
        'wsx: contract: sent greet invalid: $.params.name: must NOT have fewer than 1 characters (got "")',
      );
      // The server's answer is an error response the document names (rpcError): no second violation.
      expect(run.stderr).toContain(`wsx: 1 message broke the contract (${doc}, channel `);
      expect(run.stderr).not.toContain('received');
      expect(run.code).toBe(7);
    });

    it('gives a method the document does not name, and its result, the verdict unknown, which fails nothing', async () => {
      const run = await exchange(doc, ['{"method":"ping"}'], ['--jsonl']);
      const [sent, answer] = run.events;
      expect(sent?.contract).toEqual({
        message: null,
        valid: false,
        unknown: true,
        errors: [{ path: '$.method', message: 'ping names no message the document has (add, greet)' }],
      });
      expect(answer?.data).toBe('{"jsonrpc": "2.0", "id": 1, "result": "pong"}');
      expect(answer?.contract).toMatchObject({ message: null, valid: false, unknown: true });
      expect(run.stderr).toBe(
        'wsx: contract: sent unknown: $.method: ping names no message the document has (add, greet)\n' +
          'wsx: contract: received unknown: $: answers ping, which names no message the document has\n',
      );
      expect(run.code).toBe(0);
    });

    it("checks the error answering an unknown method against the document's error message", async () => {
      const run = await exchange(doc, ['{"method":"mul","params":{"a":2,"b":3}}'], ['--jsonl']);
      const [sent, answer] = run.events;
      expect(sent?.contract).toMatchObject({ message: null, unknown: true });
      expect(answer?.contract).toEqual({ message: 'rpcError', valid: true, errors: [] });
      // The error answer fails the pipe as it always has (a request that failed); the contract adds nothing.
      expect(run.stderr).not.toContain('broke the contract');
      expect(run.stderr).toContain('wsx: the server answered 1 request with an error');
      expect(run.code).toBe(4);
    });

    it('passes a scenario whose expect valid steps name the replies by the document', async () => {
      const port = await startPythonServer(defer, serverScript);
      const dir = mkdtempSync(join(tmpdir(), 'wsx-contract-jsonrpc-'));
      const file = join(dir, 'calc.wsx');
      writeFileSync(
        file,
        [
          `connect ws://127.0.0.1:${port}/`,
          'proto jsonrpc',
          'send {"method":"add","params":{"a":1,"b":2}}',
          'expect valid addResult and json result == 3 within 2s',
          'send {"method":"greet","params":{"name":"Ada"}}',
          'expect valid greetResult within 2s',
          'send {"method":"nope"}',
          'expect valid rpcError within 2s',
          '',
        ].join('\n'),
      );
      const run = await runWsx(['run', file, '--asyncapi', doc, '--contract', 'strict']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    });
  },
);

describe.skipIf(!hasWebsockets)('a JSON-RPC response named by its request (AsyncAPI 3.0 reply)', () => {
  it('checks a result against the reply of the method it answers, not any message it happens to fit', async () => {
    // greet {"name":"bug"} answers 42: a valid addResult, but the reply to greet is a string.
    const run = await exchange(docs['3.0'], ['{"method":"greet","params":{"name":"bug"}}']);
    expect(run.stderr).toBe(
      [
        'wsx: contract: received greetResult invalid: $.result: must be string (got 42)',
        `wsx: 1 message broke the contract (${docs['3.0']}, channel rpc)`,
        '',
      ].join('\n'),
    );
    expect(run.code).toBe(7);
  });

  it('lets a scenario expect the invalid reply by its name', async () => {
    const port = await startPythonServer(defer, serverScript);
    const dir = mkdtempSync(join(tmpdir(), 'wsx-contract-jsonrpc-'));
    const file = join(dir, 'bug.wsx');
    writeFileSync(
      file,
      [
        `connect ws://127.0.0.1:${port}/`,
        'proto jsonrpc',
        'send {"method":"greet","params":{"name":"bug"}}',
        'expect invalid greetResult within 2s',
        '',
      ].join('\n'),
    );
    const run = await runWsx(['run', file, '--asyncapi', docs['3.0'], '--contract', 'strict']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });
});
