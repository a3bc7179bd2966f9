// A Socket.IO chat's AsyncAPI document against an independent server: python-socketio on aiohttp.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { hasPythonModules, startPythonServer } from '../helpers/python-server.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const chatDoc = fileURLToPath(new URL('../fixtures/asyncapi/chat-socketio/asyncapi.yaml', import.meta.url));
const serverScript = fileURLToPath(new URL('../fixtures/asyncapi/chat-socketio/server.py', import.meta.url));
const hasSocketIo = hasPythonModules('socketio', 'aiohttp');
if (!hasSocketIo)
  console.warn(
    'python3-socketio is not installed: skipping the Socket.IO contract tests (.ci/run installs it)',
  );

/** wsx against the python-socketio server on `port`, every event checked against the chat document. */
const chatRun = (port: number) => [
  '--proto',
  'socketio',
  `http://127.0.0.1:${port}`,
  '--asyncapi',
  chatDoc,
  '--contract',
  'strict',
  '--wait',
  '500ms',
];

describe.skipIf(!hasSocketIo)('an AsyncAPI 2.6 Socket.IO document against a python-socketio server', () => {
  it('a conforming exchange exits 0 and prints every event', async () => {
    const port = await startPythonServer(defer, serverScript);
    const result = await runWsx(chatRun(port), { input: '["say",{"text":"hi"}]\n' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(
      /^\["welcome",\{"room":"lobby","users":1\}\]\n\["said",\{"from":"\S+","text":"hi"\}\]\n$/,
    );
    expect(result.code).toBe(0);
  });

  it('names a sent event and a received one that break the document, exit 7', async () => {
    const port = await startPythonServer(defer, serverScript, '--buggy');
    const result = await runWsx(chatRun(port), { input: '["say",{"text":""}]\n' });
    expect(result.stderr).toBe(
      [
        'wsx: contract: sent say invalid: $.text: must NOT have fewer than 1 characters (got "")',
        'wsx: contract: received said invalid: $.text: must be string (got 42)',
        `wsx: 2 messages broke the contract (${chatDoc}, channel /)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });
});
