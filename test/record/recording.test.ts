import { describe, expect, it } from 'vitest';
import { pickSession, readRecording, type Recording } from '../../src/record/recording.js';

const lines = (...events: object[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

const good = lines(
  { event: 'transcript', version: 1 },
  { event: 'open', t: '2026-01-01T00:00:00.000Z', url: 'ws://h/feed?token=***', protocol: 'chat' },
  { event: 'send', t: '2026-01-01T00:00:00.100Z', type: 'text', data: 'hello' },
  { event: 'recv', ms: 250, type: 'text', data: '{"type":"hi"}' },
  {
    event: 'recv',
    t: '2026-01-01T00:00:00.300Z',
    type: 'binary',
    data: Buffer.from([1, 2, 3]).toString('base64'),
  },
  { event: 'recv', ms: 400, type: 'binary', encoding: 'hex', data: '0aff' },
  { event: 'ping', ms: 450 },
  { event: 'close', ms: 500, code: 4000, reason: 'bye', by: 'server' },
);

function ok(value: Recording | string): Recording {
  if (typeof value === 'string') throw new Error(`expected a recording, got: ${value}`);
  return value;
}

describe('readRecording: transcripts', () => {
  it('reads frames with direction, offsets from t or ms, text and binary (base64 and hex), and the close', () => {
    const rec = ok(readRecording(good, 'a.jsonl'));
    expect(rec.kind).toBe('transcript');
    expect(rec.sessions).toHaveLength(1);
    const s = rec.sessions[0]!;
    expect(s).toMatchObject({ url: 'ws://h/feed?token=***', path: '/feed?token=***', protocol: 'chat' });
    expect(s.frames.map((f) => [f.from, f.atMs, f.isBinary])).toEqual([
      ['client', 100, false],
      ['server', 250, false],
      ['server', 300, true],
      ['server', 400, true],
    ]);
    expect(s.frames[0]!.data).toBe('hello');
    expect(s.frames[2]!.data).toEqual(Buffer.from([1, 2, 3]));
    expect(s.frames[3]!.data).toEqual(Buffer.from([0x0a, 0xff]));
    expect(s.close).toEqual({ code: 4000, reason: 'bye', atMs: 500, by: 'server' });
  });

  it('reads a --jsonl capture (no ms, no "by"): offsets from t, a close without "by" is the client\'s unless 1006', () => {
    const capture = lines(
      { t: '2026-01-01T00:00:00.000Z', event: 'open', url: 'ws://h/', protocol: '', reconnect: false },
      { t: '2026-01-01T00:00:00.020Z', event: 'recv', type: 'text', data: 'x' },
      { t: '2026-01-01T00:00:00.050Z', event: 'close', code: 1000, reason: '' },
      { t: '2026-01-01T00:00:01.000Z', event: 'open', url: 'ws://h/' },
      { t: '2026-01-01T00:00:01.050Z', event: 'close', code: 1006, reason: '' },
    );
    const rec = ok(readRecording(capture, 'c.jsonl'));
    expect(rec.sessions[0]).toMatchObject({ protocol: undefined, close: { by: 'client', atMs: 50 } });
    expect(rec.sessions[0]!.frames[0]!.atMs).toBe(20);
    expect(rec.sessions[1]!.close).toMatchObject({ by: 'network', atMs: 50 });
  });

  it('starts a new session at each open (a reconnect is another connection)', () => {
    const rec = ok(
      readRecording(
        lines(
          { event: 'open', ms: 0, url: 'ws://h/a' },
          { event: 'send', ms: 1, data: 'x' },
          { event: 'open', ms: 0, url: 'ws://h/b' },
          { event: 'recv', ms: 2, data: 'y' },
        ),
        'r.jsonl',
      ),
    );
    expect(rec.sessions.map((s) => [s.path, s.frames.length])).toEqual([
      ['/a', 1],
      ['/b', 1],
    ]);
  });

  it('names the cut-off last line, even when a newline follows it', () => {
    const cut = good.slice(0, good.lastIndexOf('"by"')) + '\n';
    const msg = readRecording(cut, 'cut.jsonl');
    expect(msg).toMatch(/^cut\.jsonl:8: the last line is cut off/);
    expect(readRecording(good.slice(0, good.lastIndexOf('"by"')), 'cut.jsonl')).toMatch(
      /:8: the last line is cut off/,
    );
  });

  it('names a line in the middle that is not JSON', () => {
    const broken = good.replace('"data":"hello"}', '"data":"hello"');
    expect(readRecording(broken, 'b.jsonl')).toMatch(/^b\.jsonl:3: not JSON/);
  });

  it('says a file that is neither JSON lines nor JSON is not a recording', () => {
    expect(readRecording('hello world\nsecond line\n', 'x.txt')).toMatch(
      /neither a wsx transcript .* nor a HAR file/,
    );
    expect(readRecording('   \n', 'e.jsonl')).toMatch(/is empty/);
  });

  it('refuses an unknown encoding, a bad type, and binary data that is not base64 or hex', () => {
    const withFrame = (frame: object) =>
      lines({ event: 'open', url: 'ws://h/' }, { event: 'recv', ...frame });
    expect(
      readRecording(withFrame({ type: 'binary', encoding: 'base32', data: 'MFRGG' }), 'u.jsonl'),
    ).toMatch(/^u\.jsonl:2: its "encoding" is "base32"; wsx reads base64 or hex/);
    expect(readRecording(withFrame({ type: 'blob', data: 'x' }), 'u.jsonl')).toMatch(
      /:2: its "type" is "blob"/,
    );
    expect(readRecording(withFrame({ type: 'binary', data: '%%%' }), 'u.jsonl')).toMatch(/not base64/);
    expect(readRecording(withFrame({ type: 'binary', encoding: 'hex', data: 'zz' }), 'u.jsonl')).toMatch(
      /not hex/,
    );
    expect(readRecording(withFrame({ data: 5 }), 'u.jsonl')).toMatch(/"data" is not a string/);
  });

  it('refuses frames before any open, a newer version, and a file with no open', () => {
    expect(readRecording(lines({ event: 'send', data: 'x' }), 'f.jsonl')).toMatch(/before any "open"/);
    expect(readRecording(lines({ event: 'transcript', version: 2 }), 'f.jsonl')).toMatch(/version 2/);
    expect(readRecording(lines({ event: 'transcript', version: 1 }), 'f.jsonl')).toMatch(/no "open" event/);
  });
});

const har = (entries: object[]) => JSON.stringify({ log: { version: '1.2', entries } }, null, 2);
const wsEntry = (url: string, messages: object[], protocol?: string) => ({
  request: { url, headers: [] },
  response: { headers: protocol ? [{ name: 'Sec-WebSocket-Protocol', value: protocol }] : [] },
  _webSocketMessages: messages,
});

describe('readRecording: HAR', () => {
  it('reads every WebSocket entry, skips other entries and control frames, and times frames from the first', () => {
    const rec = ok(
      readRecording(
        har([
          { request: { url: 'https://h/index.html' }, response: { headers: [] } },
          wsEntry(
            'wss://h/live?room=1',
            [
              { type: 'send', time: 1700000000.5, opcode: 1, data: 'sub' },
              { type: 'receive', time: 1700000000.75, opcode: 9, data: '' },
              { type: 'receive', time: 1700000001.0, opcode: 2, data: Buffer.from('AB').toString('base64') },
              { type: 'receive', time: 1700000001.25, opcode: 8, data: '' },
            ],
            'v1.json',
          ),
          wsEntry('ws://h/other', [{ type: 'receive', time: 5, opcode: 1, data: 'x' }]),
        ]),
        'a.har',
      ),
    );
    expect(rec.kind).toBe('har');
    expect(rec.sessions.map((s) => s.url)).toEqual(['wss://h/live?room=1', 'ws://h/other']);
    const s = rec.sessions[0]!;
    expect(s.protocol).toBe('v1.json');
    expect(s.path).toBe('/live?room=1');
    expect(s.frames).toEqual([
      { from: 'client', atMs: 0, isBinary: false, data: 'sub' },
      { from: 'server', atMs: 500, isBinary: true, data: Buffer.from('AB') },
    ]);
  });

  it('knows a Socket.IO session by its Engine.IO URL (a browser records no --proto), and a transcript by its "proto"', () => {
    const rec = ok(
      readRecording(
        har([
          wsEntry('ws://h/socket.io/?EIO=4&transport=websocket', [
            { type: 'receive', time: 1, opcode: 1, data: '0{}' },
          ]),
          wsEntry('ws://h/socket.io.txt', [{ type: 'receive', time: 1, opcode: 1, data: 'x' }]),
        ]),
        'a.har',
      ),
    );
    expect(rec.sessions.map((s) => s.proto)).toEqual(['socketio', undefined]);
    const transcript = lines(
      { event: 'open', ms: 0, url: 'ws://h/', proto: 'jsonrpc' },
      { event: 'open', ms: 0, url: 'ws://h/', proto: 'raw' },
    );
    expect(ok(readRecording(transcript, 'b.jsonl')).sessions.map((s) => s.proto)).toEqual([
      'jsonrpc',
      undefined,
    ]);
  });

  it('reads a HAR written on one line', () => {
    const one = JSON.stringify({
      log: { entries: [wsEntry('ws://h/', [{ type: 'send', time: 1, opcode: 1, data: 'x' }])] },
    });
    expect(ok(readRecording(one, 'one.har')).sessions).toHaveLength(1);
  });

  it('says clearly when a HAR has no WebSocket entries, or a frame has an unknown opcode or type', () => {
    expect(readRecording(har([{ request: { url: 'https://h/' } }]), 'n.har')).toMatch(
      /^n\.har: the HAR has no WebSocket entries \(save it from DevTools/,
    );
    expect(
      readRecording(har([wsEntry('ws://h/', [{ type: 'send', time: 1, opcode: 3, data: '' }])]), 'o.har'),
    ).toMatch(/entry 0, message 0: opcode 3/);
    expect(
      readRecording(har([wsEntry('ws://h/', [{ type: 'push', time: 1, opcode: 1, data: '' }])]), 'o.har'),
    ).toMatch(/"type" is "push"/);
    expect(readRecording('{"log": {}}', 'l.har')).toMatch(/not a HAR file/);
  });
});

describe('pickSession', () => {
  const rec = ok(
    readRecording(
      lines(
        { event: 'open', url: 'ws://h/chat' },
        { event: 'open', url: 'ws://h/feed/a' },
        { event: 'open', url: 'ws://h/feed/b' },
      ),
      'm.jsonl',
    ),
  );

  it('takes the only session without a choice, and asks for one, listing them, when there are several', () => {
    const single = ok(readRecording(lines({ event: 'open', url: 'ws://h/x' }), 's.jsonl'));
    expect(pickSession(single, undefined, 's.jsonl')).toBe(single.sessions[0]);
    const msg = pickSession(rec, undefined, 'm.jsonl');
    expect(msg).toMatch(/m\.jsonl holds 3 sessions; pick one with --session/);
    expect(msg).toContain('  2: ws://h/feed/b (0 frames)');
  });

  it('picks by index or by a unique part of the URL', () => {
    expect(pickSession(rec, '1', 'm.jsonl')).toBe(rec.sessions[1]);
    expect(pickSession(rec, 'chat', 'm.jsonl')).toBe(rec.sessions[0]);
    expect(pickSession(rec, 'feed/b', 'm.jsonl')).toBe(rec.sessions[2]);
  });

  it('says when the index is out of range, or the URL part matches none or several', () => {
    expect(pickSession(rec, '7', 'm.jsonl')).toMatch(/has no session 7/);
    expect(pickSession(rec, 'nope', 'm.jsonl')).toMatch(/no session .* containing "nope"/);
    expect(pickSession(rec, 'feed', 'm.jsonl')).toMatch(/2 sessions .* containing "feed"; pick one by index/);
  });
});
