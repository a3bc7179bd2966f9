// --proto phoenix through the built bin/wsx.js against the Phoenix test server (proved against the official
// client in test/protocols/phoenix.test.ts): pipe, --jsonl, script and a scenario.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { startPhoenix } from '../protocols/phoenix-server.js';

const defer = cleanupAfterEach();

describe('--proto phoenix', () => {
  it('pipe: join, push with a broadcast and replies by ref; an error reply is named on stderr and exits 4', async () => {
    const server = await startPhoenix(defer);
    const result = await runWsx(['--proto', 'phoenix', server.url], {
      input: 'join room:lobby {"user":"ana"}\npush room:lobby new_msg {"body":"hi"}\npush room:lobby boom\n',
    });
    expect(lines(result.stdout)).toEqual([
      '{"topic":"room:lobby","ref":"1","status":"ok","response":{"joined":"room:lobby","params":{"user":"ana"}}}',
      '{"topic":"room:lobby","event":"new_msg","payload":{"body":"hi"}}',
      '{"topic":"room:lobby","ref":"2","status":"ok","response":{}}',
      '{"topic":"room:lobby","ref":"3","status":"error","response":{"reason":"boom"}}',
    ]);
    expect(result.stderr).toContain('wsx: 3 failed: {"topic":"room:lobby","ref":"3","status":"error"');
    expect(result.code).toBe(4);
    expect(server.queries[0]?.get('vsn')).toBe('2.0.0');
  });

  it('vsn=1.0.0 in the URL speaks the object form (Supabase Realtime): the same lines, --jsonl decodes both ways', async () => {
    const server = await startPhoenix(defer);
    const result = await runWsx(['--proto', 'phoenix', '--jsonl', '-q', `${server.url}?vsn=1.0.0&apikey=k`], {
      input: 'join room:v1 {"user":"bo"}\npush room:v1 new_msg {"body":"hey"}\n',
    });
    expect(result.code).toBe(0);
    const events = lines(result.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'send').map((e) => [e.kind, e.data, e.id])).toEqual([
      ['join', '{"topic":"room:v1","event":"phx_join","payload":{"user":"bo"}}', '1'],
      ['push', '{"topic":"room:v1","event":"new_msg","payload":{"body":"hey"}}', '2'],
    ]);
    expect(events.filter((e) => e.event === 'recv').map((e) => e.data)).toEqual([
      '{"topic":"room:v1","ref":"1","status":"ok","response":{"joined":"room:v1","params":{"user":"bo"}}}',
      '{"topic":"room:v1","event":"new_msg","payload":{"body":"hey"}}',
      '{"topic":"room:v1","ref":"2","status":"ok","response":{}}',
    ]);
    expect(server.queries[0]?.get('vsn')).toBe('1.0.0');
    expect(JSON.parse(server.frames[0]!)).toEqual({
      topic: 'room:v1',
      event: 'phx_join',
      payload: { user: 'bo' },
      ref: '1',
      join_ref: '1',
    });
  });

  it('--init-env params go into every join and are masked; --jsonl shows the join and push decoded', async () => {
    const server = await startPhoenix(defer);
    const result = await runWsx(
      ['--proto', 'phoenix', '--init-env', 'PHX_PARAMS', '--jsonl', '-q', server.url],
      {
        input: 'join room:a {"user":"ana"}\npush room:a ping {"n":1}\n',
        env: { PHX_PARAMS: '{"token":"SECRETMARK-phx"}' },
      },
    );
    expect(result.code).toBe(0);
    expect(server.received[0]).toEqual([
      '1',
      '1',
      'room:a',
      'phx_join',
      { token: 'SECRETMARK-phx', user: 'ana' },
    ]);
    expect(result.stdout + result.stderr).not.toContain('SECRETMARK');
    const events = lines(result.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const sends = events.filter((e) => e.event === 'send');
    expect(sends.map((e) => [e.kind, e.id])).toEqual([
      ['join', '1'],
      ['push', '2'],
    ]);
    expect(sends[0]!.data).toBe(
      '{"topic":"room:a","event":"phx_join","payload":{"token":"***","user":"ana"}}',
    );
    const recv = events.filter((e) => e.event === 'recv');
    expect(recv.map((e) => [e.kind, e.id])).toEqual([
      ['response', '1'],
      ['response', '2'],
    ]);
    expect(typeof recv[1]!.rtt_ms).toBe('number');
  });

  it('a refused join exits 4 naming the reply; a line it cannot send stops the pipe with exit 1', async () => {
    const server = await startPhoenix(defer);
    const refused = await runWsx(['--proto', 'phoenix', server.url], { input: 'join secret:x\n' });
    expect(refused.stdout).toBe(
      '{"topic":"secret:x","ref":"1","status":"error","response":{"reason":"unauthorized"}}\n',
    );
    expect(refused.code).toBe(4);
    const bad = await runWsx(['--proto', 'phoenix', server.url], { input: 'join room:a\nshout room:a\n' });
    expect(bad.stderr).toMatch(/unknown Phoenix line "shout": use join TOPIC/);
    expect(bad.code).toBe(1);
  });

  it('script: -x lines and --expect-json on the reply', async () => {
    const server = await startPhoenix(defer);
    const result = await runWsx([
      '--proto',
      'phoenix',
      '-x',
      'join room:a',
      '-x',
      'push room:a ping {"n":7}',
      '--expect-json',
      'response.pong.n=7',
      server.url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lines(result.stdout).at(-1)).toBe(
      '{"topic":"room:a","ref":"2","status":"ok","response":{"pong":{"n":7}}}',
    );
  });

  it('a scenario: proto phoenix, join, push, expect the broadcast and the replies', async () => {
    const server = await startPhoenix(defer);
    const file = tempFileUntilCleanup(
      defer,
      'chat.wsx',
      [
        'proto phoenix',
        `connect ${server.url}`,
        'send join room:lobby {"user":"ana"}',
        'expect json status == "ok" and json topic == "room:lobby" within 2s',
        'send push room:lobby new_msg {"body":"hi"}',
        'expect json event == "new_msg" and json payload.body == "hi"',
        'send leave room:lobby',
        'expect json event == "phx_close"',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/✓ expect json event == "new_msg" and json payload.body == "hi"/);
    expect(result.code).toBe(0);
  });
});
