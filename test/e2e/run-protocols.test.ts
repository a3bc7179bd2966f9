// `wsx run` with --proto or a `proto` line, through the built bin/wsx.js against the real protocol servers:
// send steps go through the codec's input, expects read what it decoded.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import { protocolNames } from '../../src/protocols/index.js';
import { startGraphqlWs, startJsonRpc, startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

const scenarioFile = (text: string): string => tempFileUntilCleanup(defer, 'test.wsx', text);

describe('wsx run with a protocol', () => {
  it('JSON-RPC from a `proto` line: expect json on responses, errors and notifications', async () => {
    const { url, received } = await startJsonRpc(defer);
    const file = scenarioFile(
      [
        'proto jsonrpc',
        `connect ${url}`,
        'send add [2,3]',
        'expect json result == 5 and json id == 1 within 2s',
        'send {"method":"fail"}',
        'expect json error.code == -32000',
        'send subscribe ["newHeads"]',
        'expect json result == "0x1"',
        'capture sub = json result',
        'expect 2 json method == "eth_subscription"',
        'send add ["{{sub}}", "!"]',
        'expect json result == "0x1!"',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✓ expect json result == 5 and json id == 1 within 2s/);
    // The codec added "jsonrpc" and the ids; the captured subscription id went out in the last request.
    expect(received[0]).toEqual({ jsonrpc: '2.0', id: 1, method: 'add', params: [2, 3] });
    expect(received).toHaveLength(4);
    expect(received[3]).toMatchObject({ id: 4, method: 'add', params: ['0x1', '!'] });
  });

  it('Socket.IO from --proto: emits, an ack with its answer, and a failed expect names the decoded message', async () => {
    const { url } = await startSocketIo(defer);
    const ok = scenarioFile(
      [
        `connect ${url}`,
        'expect json [0] == "welcome"',
        'send ["echo","hi"]',
        'expect json [0] == "echo" and json [1] == "hi"',
        'send ack ["add",20,22]',
        'expect json ack == 0 and json args[0] == 42',
        '',
      ].join('\n'),
    );
    const passed = await runWsx(['run', '--proto', 'socketio', ok]);
    expect(passed.stderr).toBe('');
    expect(passed.code).toBe(0);

    const bad = scenarioFile(
      [`connect ${url}`, 'send ["echo","hi"]', 'expect json [1] == "bye" within 500ms', ''].join('\n'),
    );
    const failed = await runWsx(['run', '--proto', 'socketio', bad]);
    expect(failed.code).toBe(4);
    expect(failed.stderr).toMatch(/timed out after 500ms waiting for json \[1\] == "bye"/);
    expect(failed.stdout).toContain('["echo","hi"]');
  });

  it('Socket.IO: a refused namespace fails the connect step with exit 3 and the server message', async () => {
    const { url } = await startSocketIo(defer);
    const file = scenarioFile(['proto socketio', `connect ${url}`, 'send ["echo","hi"]', ''].join('\n'));
    const result = await runWsx(['run', '--namespace', '/secure', '--auth', '{"token":"nope"}', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'the Socket.IO server refused namespace /secure: not authorized {"reason":"bad token"}',
    );
  });

  it('Socket.IO: a send line that is not an event array fails its step with exit 2, nothing sent', async () => {
    const { url } = await startSocketIo(defer);
    const file = scenarioFile(['proto socketio', `connect ${url}`, 'send hello', ''].join('\n'));
    const result = await runWsx(['run', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/send hello: not a socketio message: a Socket.IO line is a JSON array/);
  });

  it('graphql-ws: a multi-line subscription from send <<END, one expect per next payload', async () => {
    const { url } = await startGraphqlWs(defer, { needsToken: true });
    const file = scenarioFile(
      [
        'proto graphql-ws',
        `connect ${url}`,
        'send <<END',
        'subscription {',
        '  count(to: 3)',
        '}',
        'END',
        'expect 3 json data.count > 0',
        'send { hello }',
        'expect json data.hello == "hello world"',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', '--init', '{"token":"ok"}', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const refused = await runWsx(['run', '--init', '{"token":"bad"}', file]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('the GraphQL server refused the connection: 4403 Forbidden');
  });

  it('a `proto` line names a protocol wsx knows: a typo is FILE:LINE, exit 2, nothing sent', async () => {
    const file = scenarioFile(['proto amqp', 'connect ws://127.0.0.1:9', ''].join('\n'));
    const result = await runWsx(['run', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `${file}:1: proto: unknown protocol "amqp" (use one of ${protocolNames.join(', ')})\n`,
    );
  });
});
