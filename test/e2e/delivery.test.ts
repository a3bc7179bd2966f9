// What wsx reports as "delivery unconfirmed": only messages that may really be lost. Pongs confirm what the
// server read; an unanswered closing handshake leaves what was written unconfirmed (exit 5, 143 on SIGTERM).

import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { startResettingServer, startScriptedServer } from '../helpers/hostile-servers.js';
import { startNeverReadingServer } from '../helpers/never-reading-server.js';
import { startNoCloseFrameServer } from '../helpers/no-close-frame-server.js';
import { collect, runWsx, spawnWsx } from '../helpers/run-wsx.js';
import { until } from '../helpers/servers.js';

const defer = cleanupAfterEach();

describe('no false alarm after an abnormal drop', () => {
  it('exits 0 with --reconnect when the server is killed while idle after echoing all 300 lines', async () => {
    const total = 300;
    const s = await startScriptedServer((ws: WebSocket, _tcp, index) => {
      let echoed = 0;
      ws.on('message', (data) => {
        ws.send(data);
        if (index !== 1 || ++echoed !== total) return;
        // Idle after the last echo; killed (no Close frame) a little after wsx's ping, or after 1 s.
        const kill = setTimeout(() => ws.terminate(), 1000);
        ws.once('ping', () => kill.refresh());
      });
    });
    defer(() => s.close());
    const child = spawnWsx([s.url, '--reconnect', '--wait', '300ms']);
    const done = collect(child, { keepStdinOpen: true });
    child.stdin.write(Array.from({ length: total }, (_, i) => `line ${i + 1}\n`).join(''));
    await until(
      () => s.connectedAt.length === 2,
      5000,
      () => `connections: ${s.connectedAt.length}`,
    );
    child.stdin.end();
    const r = await done;
    expect(r.stderr).not.toMatch(/unconfirmed/);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter(Boolean).length).toBe(total);
  });

  it('exits 0 against a server that answered everything and cuts the connection instead of a Close', async () => {
    const s = await startNoCloseFrameServer();
    defer(() => s.close());
    const r = await runWsx([s.url, '--wait', '200ms'], { input: '1\n2\n3\n' });
    expect(r.stdout).toBe('1\n2\n3\n');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('still exits 5 naming the unconfirmed messages when a reset cuts a stream in the middle', async () => {
    const total = 20_000;
    const s = await startResettingServer(5000);
    defer(() => s.close());
    const input = Array.from({ length: total }, (_, i) => `${i + 1} ${'m'.repeat(200)}`).join('\n') + '\n';
    const r = await runWsx([s.url, '--reconnect', '--wait', '300ms'], { input, killAfterMs: 10_000 });
    expect(s.connectedAt.length).toBe(2);
    expect(r.stderr).toMatch(
      /wsx: \d+ messages? (was|were) being written when the connection dropped; delivery unconfirmed/,
    );
    expect(r.code).toBe(5);
  });
});

describe('a closing handshake the server never answers', () => {
  it('exits 5 naming what a server that never reads accepted (seq 1 100000 | wsx URL --ping-interval 0)', async () => {
    const nr = await startNeverReadingServer();
    defer(nr.close);
    const input = Array.from({ length: 100_000 }, (_, i) => `${i + 1}\n`).join('');
    const r = await runWsx([nr.url, '--ping-interval', '0', '--wait', '200ms'], { input });
    expect(r.stderr).toMatch(
      /^wsx: \d+ messages were being written when the connection dropped; delivery unconfirmed$/m,
    );
    expect(r.code).toBe(5);
  });

  it('exits 143 on SIGTERM mid-stream naming the messages the server never confirmed', async () => {
    const nr = await startNeverReadingServer();
    defer(nr.close);
    const child = spawnWsx([nr.url, '--ping-interval', '0']);
    const done = collect(child, { keepStdinOpen: true, killAfterMs: 15_000 });
    // 16 MiB in 1 KiB lines, more than the kernel's buffers hold: some is accepted and never read. One
    // 64 KiB write at a time, so `fed` says how far wsx has read.
    const chunk = `${'y'.repeat(1023)}\n`.repeat(64);
    let fed = 0;
    const feed = () => {
      if (fed < 256 * chunk.length && child.stdin.writable)
        child.stdin.write(chunk, (err) => {
          if (err) return;
          fed += chunk.length;
          feed();
        });
    };
    feed();
    // Mid-stream: once wsx has read 2 MiB (and written it to the socket).
    await until(
      () => fed >= 2 * 1024 * 1024,
      8000,
      () => `wsx read ${fed} bytes of stdin`,
    );
    child.kill('SIGTERM');
    const r = await done;
    expect(r.stderr).toMatch(
      /^wsx: \d+ messages were being written when the connection dropped; delivery unconfirmed$/m,
    );
    expect(r.code).toBe(143);
  });
});
