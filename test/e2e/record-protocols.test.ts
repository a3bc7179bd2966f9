// Record → replay → scenario over --proto: the transcript holds the wire frames, which the replay sends back.

import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import WebSocket from 'ws';
import { serveReplay as serveReplayFor } from '../helpers/replay.js';
import { runWsx } from '../helpers/run-wsx.js';
import { startJsonRpc, startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();
const dir = mkdtempSync(join(tmpdir(), 'wsx-record-proto-'));

const serveReplay = (file: string, ...args: string[]) => serveReplayFor(defer, file, ...args);

describe('record and replay over --proto', () => {
  it('jsonrpc: the replay answers like the server, and the generated scenario passes against both', async () => {
    const { url } = await startJsonRpc(defer);
    const file = join(dir, 'rpc.jsonl');
    const input = 'add [1,2]\nsubscribe ["newHeads"]\n';
    const original = await runWsx(['--proto', 'jsonrpc', url, '--wait', '300ms', '--record', file], {
      input,
    });
    expect(original.stdout).toContain('"result":3');
    const replay = await serveReplay(file);
    const replayed = await runWsx(['--proto', 'jsonrpc', replay, '--wait', '300ms'], { input });
    expect(replayed.stdout).toBe(original.stdout);
    expect(replayed.code).toBe(original.code);

    const generated = await runWsx(['scenario', file]);
    expect(generated.stdout).toContain('expect json id == 1 and json result exists');
    expect(generated.stdout).toContain('expect json method == "eth_subscription"');
    const scenario = join(dir, 'rpc.wsx');
    writeFileSync(scenario, generated.stdout);
    for (const target of [url, replay]) {
      const run = await runWsx(['run', scenario, '--url', target]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it('socketio: the replay plays the Engine.IO and Socket.IO frames back to a new client', async () => {
    const { url } = await startSocketIo(defer);
    const file = join(dir, 'sio.jsonl');
    const input = '["echo","hi",{"x":1}]\nack ["add",2,3]\n';
    const original = await runWsx(['--proto', 'socketio', url, '--wait', '300ms', '--record', file], {
      input,
    });
    expect(original.stdout).toContain('{"ack":0,"event":"add","args":[5]}');
    const replay = await serveReplay(file);
    const replayed = await runWsx(
      ['--proto', 'socketio', replay.replace('ws:', 'http:'), '--wait', '300ms'],
      {
        input,
      },
    );
    expect(replayed.stderr).toBe('');
    expect(replayed.stdout).toBe(original.stdout);
  });

  it('socketio: the generated scenario speaks events (proto socketio, emits, acks) and passes against the server and the replay', async () => {
    const { url } = await startSocketIo(defer);
    const file = join(dir, 'sio-events.jsonl');
    const input = '["echo","hi",{"x":1}]\nack ["add",2,3]\n';
    await runWsx(['--proto', 'socketio', url, '--wait', '300ms', '--record', file], { input });

    const generated = await runWsx(['scenario', file]);
    expect(generated.stderr).toBe('');
    const lines = generated.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    // The wire frames (Engine.IO open, CONNECT, 42[...], 430[...]) are the codec's business: the scenario
    // holds what the user typed and what the session showed. The welcome may come before or after the
    // emits went out: the steps are in the order recorded.
    expect(lines.slice(0, 2)).toEqual(['proto socketio', `connect ${url.replace('http:', 'ws:')}/`]);
    expect(lines.slice(2, -1).sort()).toEqual(
      [
        'expect json [0] == "welcome" within 1s',
        'send ["echo","hi",{"x":1}]',
        'expect json [0] == "echo" within 1s',
        'send ack ["add",2,3]',
        'expect json ack == 0 within 1s',
      ].sort(),
    );
    expect(lines.indexOf('send ["echo","hi",{"x":1}]')).toBeLessThan(
      lines.indexOf('expect json [0] == "echo" within 1s'),
    );
    expect(lines.at(-1)).toBe('close 1000');
    const scenario = join(dir, 'sio-events.wsx');
    writeFileSync(scenario, generated.stdout);
    const replay = await serveReplay(file);
    for (const target of [url, replay.replace('ws:', 'http:')]) {
      const run = await runWsx(['run', scenario, '--url', target]);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
  });

  it("jsonrpc: with --match 'json method', the replay answers a client that numbers its requests its own way with that client's ids", async () => {
    const { url } = await startJsonRpc(defer);
    const file = join(dir, 'rpc-ids.jsonl');
    await runWsx(['--proto', 'jsonrpc', url, '--wait', '300ms', '--record', file], { input: 'add [1,2]\n' });
    const replay = await serveReplay(file, '--match', 'json method');
    // Another client: string ids where wsx used 1.
    const ws = new WebSocket(replay);
    defer(() => ws.terminate());
    await once(ws, 'open');
    ws.send('{"jsonrpc":"2.0","id":"web-7f3a","method":"add","params":[1,2]}');
    const [answer] = (await once(ws, 'message')) as [Buffer];
    expect(JSON.parse(answer.toString())).toEqual({ jsonrpc: '2.0', id: 'web-7f3a', result: 3 });
  });
});
