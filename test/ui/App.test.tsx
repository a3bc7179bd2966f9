import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { renderApp } from '../helpers/app.js';
import { SessionStore } from '../../src/ui/session/session-store.js';
import { Connection } from '../../src/core/connection.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { firstCloseCode, freePort, startRefusingServer, until } from '../helpers/servers.js';
import { stateReached } from '../helpers/connection.js';
import { waitForOutput } from '../helpers/ink.js';

const defer = cleanupAfterEach();

function mount(url: string, opts: { dropAfterMs?: number; reconnect?: boolean } = {}) {
  const conn = new Connection({
    url,
    heartbeat: false,
    reconnect: { enabled: opts.reconnect ?? false },
    backoff: { baseMs: 60_000, capMs: 60_000, floorMs: 60_000 },
  });
  const store = new SessionStore(conn, { showPingPong: false, flushMs: 5 });
  const history: string[] = [];
  const instance = renderApp(defer, {
    conn,
    store,
    dropAfterMs: opts.dropAfterMs ?? 30_000,
    onHistory: (l) => history.push(l),
  });
  return { conn, store, instance, history };
}

describe('App', () => {
  it('sends a typed line and shows it and the echo in the log, and records it in history', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const { conn, instance, history } = mount(s.url);
    await stateReached(conn, 'open');
    instance.stdin.write('hello');
    await waitForOutput(instance, '› hello');
    instance.stdin.write('\r');
    const out = await waitForOutput(instance, '← hello');
    expect(out).toContain('→ hello');
    expect(history).toEqual(['hello']);
    expect(s.received).toEqual(['hello']);
  });

  it('shows a message typed offline as queued with its time left, then as dropped when the deadline passes', async () => {
    const port = await freePort();
    const { conn, instance } = mount(`ws://127.0.0.1:${port}`, { reconnect: true, dropAfterMs: 1500 });
    await stateReached(conn, 'waiting');
    instance.stdin.write('later\r');
    const queued = await waitForOutput(instance, '… queued later');
    expect(queued).toMatch(/… queued later {2}1\.\ds left/);
    await waitForOutput(instance, '✕ later dropped: not sent in time');
    expect(conn.snapshot().counters.dropped).toBe(1);
  });

  it('escapes hostile server text in the rendered output', async () => {
    const s = await serverUntilCleanup(defer);
    s.wss.on('connection', (ws) =>
      ws.send('X\x1b[2J\x1b]0;pwned\x07\x1b]8;;http://evil\x1b\\link\u009b31m\rY'),
    );
    const { instance } = mount(s.url);
    const out = await waitForOutput(instance, '← X');
    expect(out).toContain('← X\\e[2J\\e]0;pwned\\x07\\e]8;;http://evil\\e\\link\\x9b31m\\rY');
    const raw = instance.frames.join('');
    expect(raw).not.toContain('\x1b[2J');
    expect(raw).not.toContain('\x1b]0;');
    expect(raw).not.toContain('\u009b');
  });

  it('runs slash commands: /help lists them, an unknown one gets a hint, /binary sends bytes', async () => {
    const s = await serverUntilCleanup(defer);
    const { conn, instance } = mount(s.url);
    await stateReached(conn, 'open');
    instance.stdin.write('/help\r');
    await waitForOutput(instance, '/reconnect');
    instance.stdin.write('/nope\r');
    await waitForOutput(instance, 'unknown command /nope');
    instance.stdin.write('/binary 0001ff\r');
    await waitForOutput(instance, '→ ⟨binary 3 B⟩ 00 01 ff');
    // The row shows once the bytes are written to the socket, the server reads them a moment later.
    await until(
      () => s.received.length > 0,
      2000,
      () => 'the server to receive the bytes',
    );
    expect(s.received).toEqual(['<binary 3>']);
  });

  it('closes with 1000 on Ctrl+C and exits', async () => {
    const s = await serverUntilCleanup(defer);
    const closeCode = firstCloseCode(s.wss);
    const { conn, instance } = mount(s.url);
    await stateReached(conn, 'open');
    instance.stdin.write('\x03');
    expect(await closeCode).toBe(1000);
    await stateReached(conn, 'closed').catch(() => undefined);
    expect(conn.currentState).toBe('closed');
  });

  it('quits on a Ctrl+C that arrives in the same read as typed text', async () => {
    const s = await serverUntilCleanup(defer);
    const closeCode = firstCloseCode(s.wss);
    const { conn, instance } = mount(s.url);
    await stateReached(conn, 'open');
    instance.stdin.write('abc\x03');
    expect(await closeCode).toBe(1000);
  });

  it('sends every line of a chunk that holds several lines and their Enters', async () => {
    const s = await serverUntilCleanup(defer);
    const { conn, instance } = mount(s.url);
    await stateReached(conn, 'open');
    instance.stdin.write('one\rtwo\rthree\r');
    await waitForOutput(instance, '→ three');
    // Shown as sent once written to the socket: the server may read it a moment later.
    await until(
      () => s.received.length === 3,
      3000,
      () => `server received ${JSON.stringify(s.received)}`,
    );
    expect(s.received).toEqual(['one', 'two', 'three']);
  });

  it('numbers the first retry after a refused connection #1, not #2', async () => {
    const port = await freePort();
    const { conn, instance } = mount(`ws://127.0.0.1:${port}`, { reconnect: true });
    await stateReached(conn, 'waiting');
    const out = await waitForOutput(instance, 'waiting — retry #');
    expect(out).toContain('waiting — retry #1 in');
    expect(out).not.toContain('retry #2');
  });

  it('shows a 401 upgrade refusal as refused with its status, not as "closed 1006"', async () => {
    const s = await startRefusingServer(
      'HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nbad token!!\n',
    );
    defer(() => s.close());
    const { conn, instance } = mount(s.url);
    await stateReached(conn, 'closed');
    const out = await waitForOutput(instance, '● refused');
    expect(out).toContain('● refused: HTTP/1.1 401 Unauthorized');
    expect(out).not.toContain('closed 1006');
  });

  it('/file expands ~ to the home directory and names a missing file in words', async () => {
    const s = await serverUntilCleanup(defer);
    const { conn, instance } = mount(s.url);
    await stateReached(conn, 'open');
    // A file under the real home directory, named through ~ (the test leaves nothing behind).
    const dir = mkdtempSync(join(homedir(), '.wsx-test-'));
    defer(() => import('node:fs').then((fs) => fs.rmSync(dir, { recursive: true, force: true })));
    writeFileSync(join(dir, 'payload.json'), '{"from":"file"}');
    instance.stdin.write(`/file ~/${relative(homedir(), join(dir, 'payload.json'))}\r`);
    await waitForOutput(instance, '→ {"from":"file"}');
    instance.stdin.write(`/file ${join(tmpdir(), 'wsx-no-such-file')}\r`);
    const out = await waitForOutput(instance, 'cannot read');
    expect(out).toContain('wsx-no-such-file: no such file');
    expect(out).not.toContain('ENOENT');
    // A device never ends: it is refused by type before a byte is read, and the session carries on.
    instance.stdin.write('/file /dev/zero\r');
    expect(await waitForOutput(instance, '/dev/zero: not a regular file')).toContain('cannot read');
    await until(
      () => s.received.length === 1,
      3000,
      () => 'the server got nothing',
    );
    expect(s.received).toEqual(['{"from":"file"}']);
  });
});
