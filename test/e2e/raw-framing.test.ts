// --separator: the raw mode for protocols that put records in frames (SignalR's 0x1E, NUL, newline), through
// the built bin/wsx.js: each sent message ends with the separator, received frames are split into records.

import { describe, expect, it } from 'vitest';
import {
  cleanupAfterEach,
  serverUntilCleanup,
  tempDirUntilCleanup,
  tempFileUntilCleanup,
} from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { hasTmux, screenShows, startTmux, tmux, typeLine, typeWsx } from '../helpers/tmux.js';

const defer = cleanupAfterEach();

/**
 * A record server: greets with two records in one frame, and answers each record it gets (each must end
 * with `sep`) with `got:RECORD` and `n:COUNT` in one frame. A record without its separator is answered `bad`.
 */
async function startRecordServer(sep: string) {
  const server = await serverUntilCleanup(defer);
  server.wss.on('connection', (ws) => {
    let n = 0;
    ws.send(`hello${sep}{"ready":true}${sep}`);
    ws.on('message', (data) => {
      const text = data.toString();
      if (!text.endsWith(sep)) return ws.send(`bad${sep}`);
      for (const record of text.slice(0, -sep.length).split(sep))
        ws.send(`got:${record}${sep}n:${++n}${sep}`);
    });
  });
  return server;
}

describe('--separator', () => {
  it('pipe: ends each stdin line with 0x1E and prints each record of a frame on its own line', async () => {
    const server = await startRecordServer('\x1e');
    const result = await runWsx(['--separator', 'rs', server.url], { input: 'a\n{"b":1}\n' });
    expect(result.stderr).toBe('');
    expect(server.received).toEqual(['a\x1e', '{"b":1}\x1e']);
    expect(lines(result.stdout)).toEqual(['hello', '{"ready":true}', 'got:a', 'n:1', 'got:{"b":1}', 'n:2']);
    expect(result.code).toBe(0);
  });

  it('-x/--expect match single records, with a NUL separator; --jsonl shows records, the wire frame sent', async () => {
    const server = await startRecordServer('\0');
    const result = await runWsx([
      server.url,
      '--separator',
      '\\0',
      '-x',
      'ping',
      '--expect',
      'ready',
      '--expect-json',
      'ready=true',
      '--expect',
      'got:ping',
      '--timeout',
      '3s',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(server.received).toEqual(['ping\0']);
    const jsonl = await runWsx([server.url, '--separator', 'nul', '--jsonl', '-q'], { input: 'x\n' });
    const events = lines(jsonl.stdout).map((l) => JSON.parse(l) as { event: string; data?: string });
    expect(events.filter((e) => e.event === 'recv').map((e) => e.data)).toEqual([
      'hello',
      '{"ready":true}',
      'got:x',
      'n:1',
    ]);
    expect(events.filter((e) => e.event === 'send').map((e) => e.data)).toEqual(['x\0']);
  });

  it('a scenario: send steps end with the separator, expects read single records', async () => {
    const server = await startRecordServer('\n');
    const file = tempFileUntilCleanup(
      defer,
      'records.wsx',
      [
        `connect ${server.url}`,
        'expect /^hello$/',
        'send one',
        'expect /^got:one$/',
        'expect /^n:1$/',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', '--separator', 'lf', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(server.received).toEqual(['one\n']);
  });

  it('refuses a separator it cannot read, and with a --proto or --record-end', async () => {
    const bad = await runWsx(['--separator', 'comma', 'ws://127.0.0.1:9']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^wsx: --separator: "comma" is not a separator.*rs, nul, lf/);
    const proto = await runWsx(['--separator', 'rs', '--proto', 'jsonrpc', 'ws://127.0.0.1:9']);
    expect(proto.code).toBe(2);
    expect(proto.stderr).toMatch(/^wsx: --separator goes with raw WebSocket/);
    const end = await runWsx(['--separator', 'rs', '--record-end', 'lf', 'ws://127.0.0.1:9']);
    expect(end.code).toBe(2);
    expect(end.stderr).toMatch(/^wsx: --separator and --record-end/);
  });

  it.skipIf(!hasTmux)(
    'the interactive session sends typed lines ended with 0x1E and shows each record as an entry',
    async () => {
      const server = await startRecordServer('\x1e');
      const dir = tempDirUntilCleanup(defer);
      const session = startTmux(defer, 'wsx-framing', [120, 30]);
      typeWsx(
        session,
        `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir}`,
        `--separator rs ${server.url} --ping-interval 0`,
      );
      await screenShows(session, ['● open', '⇠ hello', '⇠ {"ready":true}']);
      typeLine(session, 'typed');
      await screenShows(session, ['⇠ got:typed', '⇠ n:1']);
      expect(server.received).toEqual(['typed\x1e']);
      tmux('send-keys', '-t', session, '/quit', 'Enter');
      await screenShows(session, ['WSX_EXIT=0']);
    },
    20_000,
  );
});
