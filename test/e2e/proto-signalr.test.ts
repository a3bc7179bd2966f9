// --proto signalr through the built bin/wsx.js against the SignalR test hub (proved against the official
// client in test/protocols/signalr.test.ts): pipe, --jsonl, script, a scenario, a refused handshake.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { redirectToken, startSignalr } from '../protocols/signalr-server.js';

const defer = cleanupAfterEach();

describe('--proto signalr', () => {
  it('pipe: records shown decoded, no separator typed; an error completion is named and exits 4', async () => {
    const server = await startSignalr(defer);
    const result = await runWsx(['--proto', 'signalr', server.url], {
      input: 'Add 2 3\nsend Send "ana" "hi"\nstream Counter 2\nFail\n',
    });
    expect(lines(result.stdout)).toEqual([
      '{"type":3,"invocationId":"1","result":5}',
      '{"type":1,"target":"ReceiveMessage","arguments":["ana","hi"]}',
      '{"type":2,"invocationId":"2","item":0}',
      '{"type":2,"invocationId":"2","item":1}',
      // The stream's completion is no data line, as a graphql-ws operation's end is not.
      `{"type":3,"invocationId":"3","error":"An unexpected error occurred invoking 'Fail' on the server. HubException: it failed"}`,
    ]);
    expect(result.stderr).toContain(`wsx: 3 failed: {"type":3,"invocationId":"3","error"`);
    expect(result.code).toBe(4);
    expect(server.frames[0]).toBe('{"protocol":"json","version":1}\x1e');
    expect(server.frames[1]).toBe('{"type":1,"invocationId":"1","target":"Add","arguments":[2,3]}\x1e');
  });

  it('--jsonl: invocations sent and records received decoded, with rtt_ms; the handshake is not an event', async () => {
    const server = await startSignalr(defer);
    const result = await runWsx(['--proto', 'signalr', '--jsonl', '-q', server.url], {
      input: 'Echo {"a":[1]}\n',
    });
    expect(result.code).toBe(0);
    const events = lines(result.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const io = events.filter((e) => e.event === 'send' || e.event === 'recv');
    expect(io.map((e) => [e.event, e.kind, e.id, e.data])).toEqual([
      ['send', 'invocation', '1', '{"type":1,"invocationId":"1","target":"Echo","arguments":[{"a":[1]}]}'],
      ['recv', 'response', '1', '{"type":3,"invocationId":"1","result":{"a":[1]}}'],
    ]);
    expect(typeof io[1]!.rtt_ms).toBe('number');
  });

  it('script: -x and --expect-json on the completion', async () => {
    const server = await startSignalr(defer);
    const result = await runWsx([
      '--proto',
      'signalr',
      '-x',
      'Add 20 22',
      '--expect-json',
      'result=42',
      server.url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('{"type":3,"invocationId":"1","result":42}\n');
    expect(result.code).toBe(0);
  });

  it('a scenario: proto signalr, invoke, a broadcast, a stream', async () => {
    const server = await startSignalr(defer);
    const file = tempFileUntilCleanup(
      defer,
      'hub.wsx',
      [
        'proto signalr',
        `connect ${server.url}`,
        'send Add 20 22',
        'expect json result == 42 within 2s',
        'send send Send "ana" "hi"',
        'expect json target == "ReceiveMessage" and json arguments[1] == "hi"',
        'send stream Counter 3',
        'expect 3 json type == 2',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/✓ expect 3 json type == 2/);
    expect(result.code).toBe(0);
  });

  it('a refused handshake exits 3 with the server words; a line it cannot send stops the pipe, exit 1', async () => {
    const refusing = await serverUntilCleanup(defer);
    refusing.wss.on('connection', (ws) =>
      ws.once('message', () => ws.send('{"error":"Requested protocol \'json\' is not available."}\x1e')),
    );
    const refused = await runWsx(['--proto', 'signalr', refusing.url], { input: 'Add 1 2\n' });
    expect(refused.stderr).toMatch(
      /wsx: the SignalR server refused the handshake: Requested protocol 'json' is not available\./,
    );
    expect(refused.code).toBe(3);
    const server = await startSignalr(defer);
    const bad = await runWsx(['--proto', 'signalr', server.url], { input: 'Add 1 2\nAdd 1 two\n' });
    expect(bad.stdout).toBe('{"type":3,"invocationId":"1","result":3}\n');
    expect(bad.stderr).toMatch(/argument 2 is not JSON: two/);
    expect(bad.code).toBe(1);
  });

  it('negotiates first: a redirect with an access token is followed; --jsonl opens the socket with id=', async () => {
    const server = await startSignalr(defer, { negotiate: 'required' });
    const result = await runWsx(
      ['--proto', 'signalr', '--jsonl', '-q', server.url.replace('/chat', '/redirect')],
      {
        input: 'Add 40 2\n',
      },
    );
    expect(result.code).toBe(0);
    const events = lines(result.stdout).map(
      (l) => JSON.parse(l) as { event: string; url?: string; data?: string },
    );
    expect(events.find((e) => e.event === 'recv')?.data).toBe('{"type":3,"invocationId":"1","result":42}');
    expect(server.upgrades).toEqual([{ url: '/chat?id=token-1', authorization: `Bearer ${redirectToken}` }]);
    expect(server.negotiations.map((n) => n.url)).toEqual([
      '/redirect/negotiate?negotiateVersion=1',
      '/chat/negotiate?negotiateVersion=1',
    ]);
  });

  it("a negotiation the server refuses exits 3 with the server's words and opens no WebSocket", async () => {
    const server = await startSignalr(defer);
    const result = await runWsx(['--proto', 'signalr', server.url.replace('/chat', '/denied')], {
      input: 'Add 1 1\n',
    });
    expect(result.stderr).toMatch(
      /^wsx: .*the SignalR server refused the negotiation: Negotiate refused: the hub is full/,
    );
    expect(result.code).toBe(3);
    expect(server.upgrades).toEqual([]);
  });
});
