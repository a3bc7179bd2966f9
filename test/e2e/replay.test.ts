import { describe, expect, it } from 'vitest';
import { once } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { runWsx, serveWsx } from '../helpers/run-wsx.js';
import { until } from '../helpers/servers.js';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { loopbackWsServer } from '../helpers/replay.js';

const defer = cleanupAfterEach();
const dir = mkdtempSync(join(tmpdir(), 'wsx-replay-'));
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}
const lines = (...events: object[]) => events.map((e) => JSON.stringify(e)).join('\n') + '\n';

const chat = lines(
  { event: 'transcript', version: 1 },
  { event: 'open', ms: 0, url: 'ws://example.test/chat', protocol: 'chat.v1' },
  { event: 'recv', ms: 10, type: 'text', data: '{"type":"welcome"}' },
  { event: 'send', ms: 100, type: 'text', data: '{"type":"join","id":1}' },
  { event: 'recv', ms: 150, type: 'text', data: '{"type":"joined","room":"a"}' },
  { event: 'recv', ms: 160, type: 'binary', data: Buffer.from([7, 8]).toString('base64') },
  { event: 'close', ms: 200, code: 4001, reason: 'room closed', by: 'server' },
  { event: 'open', ms: 0, url: 'ws://example.test/feed' },
  { event: 'recv', ms: 5, type: 'text', data: 'tick 1' },
  { event: 'recv', ms: 10, type: 'text', data: 'tick 2' },
);

const serve = (...args: string[]) => serveWsx(defer, args);

/** Connects, sends `outgoing` once the first message arrives (or at once), and collects until the close. */
async function converse(url: string, outgoing: string[], protocols?: string[]) {
  const ws = new WebSocket(url, protocols);
  defer(() => ws.terminate());
  const got: string[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) =>
    got.push(isBinary ? `binary:${data.toString('hex')}` : data.toString()),
  );
  await once(ws, 'open');
  for (const m of outgoing) ws.send(m);
  const [code, reason] = (await once(ws, 'close')) as [number, Buffer];
  return { got, code, reason: reason.toString(), protocol: ws.protocol };
}

describe('wsx serve --replay', () => {
  it('plays the session recorded at the path the client asks for, replies in order, and the recorded close', async () => {
    const rec = file('chat.jsonl', chat);
    const { url } = await serve('--replay', rec, '--speed', '0', '--match', 'json type');
    const [a, b] = await Promise.all([
      converse(`${url}/chat`, ['{"type":"join","id":42}'], ['other', 'chat.v1']),
      converse(`${url}/chat`, ['{"type":"join","id":7}']),
    ]);
    for (const r of [a, b]) {
      expect(r.got).toEqual(['{"type":"welcome"}', '{"type":"joined","room":"a"}', 'binary:0708']);
      expect([r.code, r.reason]).toEqual([4001, 'room closed']);
    }
    expect(a.protocol).toBe('chat.v1');
  });

  it('picks a session with --session, and refuses a path no session was recorded at with HTTP 404', async () => {
    const rec = file('two.jsonl', chat);
    const picked = await serve('--replay', rec, '--session', 'feed', '--speed', '0');
    const ws = new WebSocket(`${picked.url}/anything`);
    defer(() => ws.terminate());
    const got: string[] = [];
    ws.on('message', (d: Buffer) => got.push(d.toString()));
    await until(
      () => got.length === 2,
      3000,
      () => `got ${JSON.stringify(got)}`,
    );
    expect(got).toEqual(['tick 1', 'tick 2']);

    const byPath = await serve('--replay', rec, '--speed', '0');
    const refused = new WebSocket(`${byPath.url}/nowhere`);
    defer(() => refused.terminate());
    refused.on('error', () => {}); // terminated in afterEach before any connection
    const [, res] = (await once(refused, 'unexpected-response')) as [unknown, { statusCode: number }];
    expect(res.statusCode).toBe(404);
    await until(
      () => /refused .* 404: no recorded session for \/nowhere/.test(byPath.stderr()),
      3000,
      byPath.stderr,
    );
  });

  it('logs expected and got on stderr for a message that differs, even with -q, and --on-mismatch close closes with 1008', async () => {
    const rec = file('mismatch.jsonl', chat);
    const { url, stderr } = await serve(
      '-q',
      '--replay',
      rec,
      '--session',
      '0',
      '--speed',
      '0',
      '--on-mismatch',
      'close',
    );
    const r = await converse(url, ['{"type":"leave"}']);
    expect(r.code).toBe(1008);
    expect(stderr()).toContain(
      'client 1: replay: client message 1 does not match (text differs): expected "{\\"type\\":\\"join\\",\\"id\\":1}", got "{\\"type\\":\\"leave\\"}"; closing with 1008',
    );
  });

  it('replays a HAR entry (Chrome _webSocketMessages), picked by --session, control frames left out', async () => {
    const entry = (url: string, messages: object[]) => ({
      request: { url, headers: [] },
      response: { status: 101, headers: [] },
      _webSocketMessages: messages,
    });
    const har = JSON.stringify({
      log: {
        version: '1.2',
        entries: [
          { request: { url: 'https://example.test/' }, response: { status: 200, headers: [] } },
          entry('wss://example.test/socket', [
            { type: 'send', time: 1767225600.1, opcode: 1, data: 'subscribe' },
            { type: 'receive', time: 1767225600.15, opcode: 9, data: '' },
            { type: 'receive', time: 1767225600.2, opcode: 1, data: '{"type":"ack"}' },
            { type: 'receive', time: 1767225600.3, opcode: 2, data: Buffer.from('hi').toString('base64') },
          ]),
          entry('wss://example.test/other', [{ type: 'receive', time: 1, opcode: 1, data: 'nope' }]),
        ],
      },
    });
    const { url } = await serve('--replay', file('page.har', har), '--session', 'socket', '--speed', '0');
    const ws = new WebSocket(url);
    defer(() => ws.terminate());
    const got: string[] = [];
    ws.on('message', (d: Buffer, isBinary: boolean) =>
      got.push(isBinary ? `binary:${d.toString()}` : d.toString()),
    );
    await once(ws, 'open');
    ws.send('subscribe');
    await until(
      () => got.length === 2,
      3000,
      () => JSON.stringify(got),
    );
    expect(got).toEqual(['{"type":"ack"}', 'binary:hi']);
  });

  it('keeps recorded gaps at --speed 1', async () => {
    const rec = file(
      'gaps.jsonl',
      lines({ event: 'open', url: 'ws://h/' }, { event: 'recv', ms: 300, data: 'late' }),
    );
    const { url } = await serve('--replay', rec);
    const ws = new WebSocket(url);
    defer(() => ws.terminate());
    await once(ws, 'open');
    const opened = performance.now();
    await once(ws, 'message');
    expect(performance.now() - opened).toBeGreaterThanOrEqual(250);
  });
});

describe('wsx serve --replay: a ticker', () => {
  it('sends the ticks a "sub" started on their own timer, even to a client that never sends the "ping" recorded between them', async () => {
    // The real thing to record: "sub" starts six ticks 100 ms apart; "ping" is answered with "pong".
    const wss = await loopbackWsServer(defer);
    wss.on('connection', (ws) => {
      ws.on('message', (data: Buffer) => {
        const text = data.toString();
        if (text === 'ping') return ws.send('{"type":"pong"}');
        if (text !== 'sub') return;
        ws.send('{"type":"subscribed"}');
        let n = 0;
        const timer = setInterval(() => {
          ws.send(JSON.stringify({ type: 'tick', n: ++n }));
          if (n === 6) clearInterval(timer);
        }, 100);
        ws.on('close', () => clearInterval(timer));
      });
    });
    const url = `ws://127.0.0.1:${(wss.address() as { port: number }).port}/feed`;
    const scenario = file(
      'ticker.wsx',
      [
        `connect ${url}`,
        'send sub',
        'expect json type == "subscribed"',
        'sleep 250ms',
        'send ping',
        'expect json type == "pong"',
        'expect json n == 6 within 2s',
        'close',
        '',
      ].join('\n'),
    );
    const rec = join(dir, 'ticker.jsonl');
    const recorded = await runWsx(['run', scenario, '--record', rec]);
    expect(recorded.code).toBe(0);

    const { url: replay } = await serve('--replay', rec);
    const ws = new WebSocket(replay);
    defer(() => ws.terminate());
    const got: string[] = [];
    ws.on('message', (data: Buffer) => got.push(data.toString()));
    await once(ws, 'open');
    ws.send('sub');
    await until(
      () => got.filter((m) => m.includes('"tick"')).length === 6,
      3000,
      () => `ticks so far: ${JSON.stringify(got)}`,
    );
    expect(got).not.toContain('{"type":"pong"}');
  });
});

describe('wsx serve --replay: bad input', () => {
  const cases: [string, string, RegExp][] = [
    [
      'no-ws.har',
      JSON.stringify({ log: { entries: [{ request: { url: 'https://h/' } }] } }),
      /the HAR has no WebSocket entries/,
    ],
    ['cut.jsonl', chat.slice(0, -20), /cut\.jsonl:10: the last line is cut off/],
    ['text.txt', 'hello\nworld\n', /neither a wsx transcript .* nor a HAR file/],
    [
      'enc.jsonl',
      lines(
        { event: 'open', url: 'ws://h/' },
        { event: 'recv', type: 'binary', encoding: 'utf16', data: 'x' },
      ),
      /enc\.jsonl:2: its "encoding" is "utf16"; wsx reads base64 or hex/,
    ],
  ];
  for (const [name, text, message] of cases) {
    it(`refuses ${name} with one wsx: line and exit 2`, async () => {
      const r = await runWsx(['serve', '--port', '0', '--replay', file(name, text)]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^wsx: /);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    });
  }

  it('refuses a missing file, a bad --speed, a bad --match and --session without --replay', async () => {
    const results = await Promise.all([
      runWsx(['serve', '--replay', join(dir, 'missing.jsonl')]),
      runWsx(['serve', '--replay', file('ok.jsonl', chat), '--speed', 'fast']),
      runWsx(['serve', '--replay', file('ok2.jsonl', chat), '--match', 'type']),
      runWsx(['serve', '--session', '1']),
      runWsx(['serve', '--replay', file('ok3.jsonl', chat), '--session', '9']),
    ]);
    expect(results.map((r) => r.code)).toEqual([2, 2, 2, 2, 2]);
    expect(results[0].stderr).toMatch(/cannot read the recording .*missing\.jsonl: no such file/);
    expect(results[1].stderr).toMatch(/--speed: "fast" is not a speed/);
    expect(results[2].stderr).toMatch(/write it as 'json PATH'/);
    expect(results[3].stderr).toMatch(/--session needs --replay FILE/);
    expect(results[4].stderr).toMatch(/has no session 9/);
  });
});
