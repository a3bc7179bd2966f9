import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { loopbackWsServer, serveReplay } from '../helpers/replay.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

const dir = mkdtempSync(join(tmpdir(), 'wsx-record-'));

/** A server with a little state: a welcome with a session id, JSON replies, binary echoed, a goodbye close. */
async function chatServer(): Promise<string> {
  const wss = await loopbackWsServer(defer);
  wss.on('connection', (ws) => {
    ws.send(JSON.stringify({ type: 'welcome', session: 'abc123' }));
    ws.on('message', (data: Buffer, isBinary) => {
      if (isBinary) return ws.send(data, { binary: true });
      const text = data.toString();
      if (text === 'quit') return ws.close(4000, 'bye now');
      ws.send(JSON.stringify({ type: 'echo', text }));
    });
  });
  return `ws://127.0.0.1:${(wss.address() as { port: number }).port}`;
}

describe('wsx --record FILE', () => {
  it('writes a transcript without changing stdout, masks secrets, and replays to the same output', async () => {
    const url = await chatServer();
    const file = join(dir, 'chat.jsonl');
    const client = (base: string, record: string[]) =>
      runWsx([`${base}/room?token=s3cr3t`, '-H', 'X-Api-Key: hunter2', '--wait', '300ms', ...record], {
        input: 'hello\n{"n":1}\nquit\n',
      });
    const plain = await client(url, []);
    const recorded = await client(url, ['--record', file]);
    expect(recorded.code).toBe(plain.code);
    expect(recorded.stdout).toBe(plain.stdout);
    expect(plain.stdout).toContain('{"type":"echo","text":"hello"}');

    const text = readFileSync(file, 'utf8');
    expect(text).not.toMatch(/s3cr3t|hunter2/);
    const events = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events[0]).toEqual({ event: 'transcript', version: 1 });
    expect(events[1]).toMatchObject({ event: 'open', ms: 0, url: `${url}/room?token=***` });
    // The welcome may arrive before or after the first send goes out: the order is the one seen.
    expect(events.map((e) => e.event).sort()).toEqual(
      ['transcript', 'open', 'recv', 'recv', 'recv', 'send', 'send', 'send', 'close'].sort(),
    );
    expect(events.filter((e) => e.event === 'send').map((e) => e.data)).toEqual(['hello', '{"n":1}', 'quit']);
    expect(events.at(-1)).toMatchObject({ event: 'close', code: 4000, reason: 'bye now', by: 'server' });
    for (const e of events.slice(1)) expect(typeof e.t === 'string' && typeof e.ms === 'number').toBe(true);

    const replay = await serveReplay(defer, file);
    const replayed = await client(replay, []);
    expect(replayed.stdout).toBe(plain.stdout);
    expect(replayed.code).toBe(plain.code);
  });

  it('records binary frames as base64 and replays them byte for byte', async () => {
    const url = await chatServer();
    const file = join(dir, 'bin.jsonl');
    const args = (base: string) => [
      base,
      '--binary',
      '--input-format',
      'hex',
      '--binary-out',
      'hex',
      '--wait',
      '300ms',
    ];
    const recorded = await runWsx([...args(url), '--record', file], { input: '00ff10\n' });
    const events = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'send')).toMatchObject([{ type: 'binary', data: 'AP8Q' }]);
    const replayed = await runWsx(args(await serveReplay(defer, file)), { input: '00ff10\n' });
    expect(replayed.stdout).toBe(recorded.stdout);
    expect(recorded.stdout).toContain('00ff10');
  });

  it('records in script mode too (-x and --expect), with the client-side close', async () => {
    const url = await chatServer();
    const file = join(dir, 'script.jsonl');
    const r = await runWsx([url, '-x', 'ping', '--expect', 'echo', '--record', file]);
    expect(r.code).toBe(0);
    const events = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.filter((e) => e.event === 'send')).toMatchObject([{ type: 'text', data: 'ping' }]);
    expect(events.at(-1)).toMatchObject({ event: 'close', code: 1000, by: 'client' });
  });

  it('says so in one line and exits 2 when the file cannot be written', async () => {
    const url = await chatServer();
    const r = await runWsx([url, '--record', join(dir, 'no-such-dir', 'x.jsonl')], { input: 'hi\n' });
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^wsx: --record: cannot write .*x\.jsonl: no such (file|directory)/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
