import { describe, expect, it } from 'vitest';
import { FakeClock } from '../helpers/fake-clock.js';
import type { RecordedFrame, RecordedSession } from '../../src/record/recording.js';
import {
  findTickers,
  parseMatchRule,
  parseSpeed,
  ReplayWalk,
  type ReplayOptions,
} from '../../src/record/replay.js';

const c = (atMs: number, data: string): RecordedFrame => ({ from: 'client', atMs, isBinary: false, data });
const s = (atMs: number, data: string | Buffer): RecordedFrame => ({
  from: 'server',
  atMs,
  isBinary: typeof data !== 'string',
  data,
});

function session(frames: RecordedFrame[], close?: RecordedSession['close']): RecordedSession {
  return { url: 'ws://h/', path: '/', protocol: undefined, frames, ...(close ? { close } : {}) };
}

function walk(sess: RecordedSession, options: Partial<ReplayOptions> = {}) {
  const clock = new FakeClock();
  const sent: { at: number; data: string }[] = [];
  const closed: { at: number; code: number; reason: string }[] = [];
  const logs: string[] = [];
  const start = clock.now();
  const w = new ReplayWalk(sess, { speed: 1, match: [], onMismatch: 'skip', ...options }, clock, {
    send: (data, isBinary) =>
      sent.push({
        at: clock.now() - start,
        data: isBinary ? `b:${Buffer.from(data).toString('hex')}` : String(data),
      }),
    close: (code, reason) => closed.push({ at: clock.now() - start, code, reason }),
    log: (line) => logs.push(line),
  });
  w.start();
  return { w, clock, sent, closed, logs };
}

const chat = session(
  [
    s(100, 'welcome'),
    c(1000, 'hello'),
    s(1200, 'hi'),
    s(1500, 'how are you'),
    c(2000, 'bye'),
    s(2100, 'ciao'),
  ],
  { code: 4000, reason: 'done', atMs: 2300, by: 'server' },
);

describe('ReplayWalk', () => {
  it('sends the frames before the first client message at their offsets, then each reply at its recorded gap', () => {
    const { w, clock, sent, closed } = walk(chat);
    clock.advance(99);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent).toEqual([{ at: 100, data: 'welcome' }]);
    clock.advance(5000); // the client is slow: nothing more goes out until it speaks
    expect(sent).toHaveLength(1);
    w.receive('hello', false);
    clock.advance(199);
    expect(sent).toHaveLength(1);
    clock.advance(1);
    clock.advance(300);
    expect(sent.slice(1)).toEqual([
      { at: 5300, data: 'hi' },
      { at: 5600, data: 'how are you' },
    ]);
    w.receive('bye', false);
    clock.advance(100);
    expect(sent[3]).toEqual({ at: 5700, data: 'ciao' });
    expect(closed).toEqual([]);
    clock.advance(200);
    expect(closed).toEqual([{ at: 5900, code: 4000, reason: 'done' }]);
    expect(clock.pending).toBe(0);
  });

  it('scales gaps by speed: 10 is ten times faster, 0 sends at once', () => {
    const fast = walk(chat, { speed: 10 });
    fast.clock.advance(10);
    fast.w.receive('hello', false);
    fast.clock.advance(50);
    expect(fast.sent.map((f) => [f.at, f.data])).toEqual([
      [10, 'welcome'],
      [30, 'hi'],
      [60, 'how are you'],
    ]);
    const now = walk(chat, { speed: 0 });
    now.clock.advance(0);
    now.w.receive('hello', false);
    now.w.receive('bye', false);
    now.clock.advance(0);
    expect(now.sent.map((f) => f.at)).toEqual([0, 0, 0, 0]);
    expect(now.closed).toHaveLength(1);
  });

  it('skip (the default) logs expected and got, ignores the message and still answers the expected one', () => {
    const { w, clock, sent, logs } = walk(chat, { speed: 0 });
    clock.advance(0);
    w.receive('hullo', false);
    clock.advance(0);
    expect(sent.map((f) => f.data)).toEqual(['welcome']);
    expect(logs).toEqual([
      'replay: client message 1 does not match (text differs): expected "hello", got "hullo"; ignored, still waiting for the expected one',
    ]);
    w.receive('hello', false);
    clock.advance(0);
    expect(sent.map((f) => f.data)).toEqual(['welcome', 'hi', 'how are you']);
  });

  it('hold stops the walk at a mismatch; close closes with 1008 and cancels what was pending', () => {
    const held = walk(chat, { speed: 0, onMismatch: 'hold' });
    held.clock.advance(1); // the welcome, at once, goes out before the client can say anything
    held.w.receive('nope', false);
    held.w.receive('hello', false);
    held.clock.advance(10_000);
    expect(held.sent.map((f) => f.data)).toEqual(['welcome']);
    expect(held.logs[0]).toMatch(/expected "hello", got "nope"; the replay stops here/);
    expect(held.closed).toEqual([]);
    // Held means nothing more is sent: frames already scheduled (the welcome, a ticker) are cancelled too.
    const early = walk(chat, { onMismatch: 'hold' });
    early.w.receive('nope', false);
    early.clock.advance(10_000);
    expect(early.sent).toEqual([]);
    expect(early.closed).toEqual([]);

    const shut = walk(chat, { onMismatch: 'close' });
    shut.w.receive('nope', false);
    shut.clock.advance(10_000);
    expect(shut.sent).toEqual([]); // the welcome at 100 ms was cancelled
    expect(shut.closed).toEqual([{ at: 0, code: 1008, reason: 'replay: unexpected message' }]);
    expect(shut.logs[0]).toMatch(/closing with 1008/);
  });

  it('--match json PATH compares only those fields, and names the field that differs', () => {
    const rpc = session([c(0, '{"id":1,"method":"sub","params":{"ch":"a"}}'), s(10, '{"ok":true}')]);
    const rules = [parseMatchRule('json method'), parseMatchRule('json params.ch')];
    const ok = walk(rpc, { speed: 0, match: rules });
    ok.w.receive('{"id":99,"method":"sub","params":{"ch":"a"},"ts":5}', false);
    ok.clock.advance(0);
    expect(ok.sent.map((f) => f.data)).toEqual(['{"ok":true}']);

    const bad = walk(rpc, { speed: 0, match: rules });
    bad.w.receive('{"id":1,"method":"sub","params":{"ch":"b"}}', false);
    bad.w.receive('not json', false);
    bad.clock.advance(0);
    expect(bad.sent).toEqual([]);
    expect(bad.logs[0]).toMatch(/json params\.ch: "b" \(string\), recorded "a" \(string\)/);
    expect(bad.logs[1]).toMatch(/\(not JSON\)/);
  });

  it('compares binary messages by bytes and replays binary frames as binary', () => {
    const bin: RecordedSession = session([
      { from: 'client', atMs: 0, isBinary: true, data: Buffer.from([1, 2]) },
      s(5, Buffer.from([0xff])),
    ]);
    const { w, clock, sent, logs } = walk(bin, { speed: 0 });
    w.receive('\x01\x02', false);
    w.receive(Buffer.from([1, 3]), true);
    w.receive(Buffer.from([1, 2]), true);
    clock.advance(0);
    expect(logs.map((l) => /\(([^)]*)\)/.exec(l)?.[1])).toEqual(['binary expected', 'bytes differ']);
    expect(sent).toEqual([{ at: 0, data: 'b:ff' }]);
  });

  it('replays a recorded close code that cannot be sent (1006) as 1000, and leaves a client-side close to the client', () => {
    const lost = walk(session([s(0, 'x')], { code: 1006, reason: '', atMs: 10, by: 'server' }), { speed: 0 });
    lost.clock.advance(0);
    expect(lost.closed).toEqual([{ at: 0, code: 1000, reason: '' }]);
    const theirs = walk(session([s(0, 'x')], { code: 1000, reason: '', atMs: 10, by: 'client' }), {
      speed: 0,
    });
    theirs.clock.advance(100);
    expect(theirs.closed).toEqual([]);
  });

  it('logs messages after the last recorded client message, and stop() cancels pending frames', () => {
    const { w, clock, sent, logs } = walk(session([c(0, 'a'), s(100, 'late')]));
    w.receive('a', false);
    w.receive('extra', false);
    expect(logs[0]).toMatch(/got "extra" after the recording's last client message/);
    w.stop();
    clock.advance(1000);
    expect(sent).toEqual([]);
    expect(clock.pending).toBe(0);
  });
});

describe('replay flags', () => {
  it('sends a ticker (3+ messages of one shape at a steady interval) on its own timer, counted from the message that started it, not held behind later client messages', () => {
    const tick = (n: number) => `{"type":"tick","n":${n}}`;
    const { w, clock, sent } = walk(
      session([
        s(10, '{"type":"welcome"}'),
        c(50, 'sub'),
        s(60, '{"type":"subscribed"}'),
        s(150, tick(1)),
        s(250, tick(2)),
        c(300, 'ping'),
        s(305, '{"type":"pong"}'),
        s(350, tick(3)),
        s(450, tick(4)),
      ]),
    );
    clock.advance(1000);
    w.receive('sub', false);
    // The client never sends "ping": the ticks it started still come, 100 ms apart, from "sub" on.
    clock.advance(1000);
    expect(sent.map((m) => `${m.at} ${m.data}`)).toEqual([
      '10 {"type":"welcome"}',
      '1010 {"type":"subscribed"}',
      `1100 ${tick(1)}`,
      `1200 ${tick(2)}`,
      `1300 ${tick(3)}`,
      `1400 ${tick(4)}`,
    ]);
    // The reply to "ping" waits for it, at its own gap.
    w.receive('ping', false);
    clock.advance(5);
    expect(sent.at(-1)).toEqual({ at: 2005, data: '{"type":"pong"}' });
  });

  it('still finds a ticker one of whose ticks a loaded server sent late, and none in a burst of same-shaped replies', () => {
    const at = [100, 200, 420, 520, 620].map((ms) => s(ms, '{"type":"tick"}'));
    expect([...findTickers([c(0, 'sub'), ...at]).values()]).toEqual([0, 0, 0, 0, 0]);
    const history = [1, 2, 3, 4].map((ms) => s(ms, '{"type":"msg"}'));
    expect(findTickers([c(0, 'history'), ...history]).size).toBe(0);
  });

  it('keeps replies that merely share a shape tied to their own client message (no steady interval)', () => {
    const { w, clock, sent } = walk(
      session([
        c(0, 'a'),
        s(5, '{"type":"ok"}'),
        c(400, 'b'),
        s(405, '{"type":"ok"}'),
        c(2000, 'c'),
        s(2003, '{"type":"ok"}'),
      ]),
    );
    w.receive('a', false);
    clock.advance(5000);
    expect(sent).toHaveLength(1);
    w.receive('b', false);
    clock.advance(5);
    expect(sent).toHaveLength(2);
  });

  it("with --match rules, answers with the ids this client sent where the recorded answer echoed the recorded client's", () => {
    const { w, clock, sent } = walk(
      session([
        c(0, '{"jsonrpc":"2.0","id":5,"method":"add","params":[1,2]}'),
        s(5, '{"jsonrpc":"2.0","id":5,"result":3}'),
        s(6, '{"jsonrpc":"2.0","method":"note","params":{"id":5,"n":5}}'),
      ]),
      { match: [parseMatchRule('json method')] },
    );
    w.receive('{"jsonrpc":"2.0","id":"req-abc","method":"add","params":[1,2]}', false);
    clock.advance(10);
    expect(sent.map((m) => m.data)).toEqual([
      '{"jsonrpc":"2.0","id":"req-abc","result":3}',
      // Only leaves under the same key are the client's echo: n stays 5.
      '{"jsonrpc":"2.0","method":"note","params":{"id":"req-abc","n":5}}',
    ]);
  });

  it('reads speeds and match rules, refusing bad ones', () => {
    expect([
      parseSpeed('0'),
      parseSpeed('1'),
      parseSpeed('10x'),
      parseSpeed('0.5'),
      parseSpeed('fast'),
    ]).toEqual([0, 1, 10, 0.5, undefined]);
    expect(parseMatchRule('json data.items[0].id')).toEqual(['data', 'items', 0, 'id']);
    expect(() => parseMatchRule('type')).toThrow(/write it as 'json PATH'/);
    expect(() => parseMatchRule('json a..b')).toThrow(/cannot read path/);
  });
});
