// wsx (the built binary) against servers and proxies that misbehave on purpose: the core's faults.
// Each failure is named with its real exit code, nothing arriving is cut off, nothing hangs.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import {
  frame,
  startDrippingServer,
  startRawServer,
  startResettingServer,
  startScriptedServer,
  startServerSendingThenDeaf,
  startSilentProxy,
  startSlow101Server,
  switchingProtocols,
} from '../helpers/hostile-servers.js';
import { collect, runWsx, spawnWsx } from '../helpers/run-wsx.js';
import { until } from '../helpers/servers.js';

const defer = cleanupAfterEach();

async function raw<T extends { close: () => Promise<void> }>(start: Promise<T>): Promise<T> {
  const s = await start;
  defer(() => s.close());
  return s;
}

/** --proxy for a raw test server posing as an HTTP proxy (its URL says ws://). */
const viaProxy = (url: string) => ['--proxy', url.replace('ws:', 'http:')];

describe('end of input does not hide a failure or cut off data still arriving', () => {
  it('exits 5 naming 1007 when the server sends invalid UTF-8 and never answers the Close', async () => {
    const s = await raw(startServerSendingThenDeaf([frame(0x1, Buffer.from([0xff, 0xfe, 0xfd]))]));
    const r = await runWsx([s.url, '--wait', '200ms']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/invalid UTF-8.*1007/);
  });

  it('exits 5 naming 1009 when a frame header announces 2 GiB and the server never answers the Close', async () => {
    const s = await raw(startServerSendingThenDeaf([frame(0x1, Buffer.alloc(0), { length: 2 ** 31 })]));
    const r = await runWsx([s.url, '--wait', '200ms']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/1009/);
  });

  it("delivers every message to a slow stdout reader: the silence wsx causes by pausing is not the server's", async () => {
    const total = 20_000;
    const line = 'y'.repeat(100);
    const s = await raw(
      startScriptedServer((ws) => {
        for (let i = 0; i < total; i++) ws.send(`${i} ${line}`);
      }),
    );
    const child = spawnWsx([s.url, '--wait', '150ms']);
    const result = collect(child, { killAfterMs: 10_000 });
    // The reader stalls for 3 × --wait right away (the slowness under test is wall time itself): the pipe
    // fills, wsx stops reading the socket, and the server looks silent for longer than --wait.
    child.stdout.pause();
    await new Promise((resolve) => setTimeout(resolve, 450));
    child.stdout.resume();
    const r = await result;
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBe(total);
    expect(lines.at(-1)).toBe(`${total - 1} ${line}`);
  });

  it('delivers whole a 1 MiB message that takes longer than --wait to arrive', async () => {
    const payload = Buffer.alloc(1024 * 1024, 0x7a);
    // 64 KiB every 100 ms: about 1.6 s for one message, with --wait 400ms.
    const s = await raw(startDrippingServer(frame(0x1, payload), 64 * 1024, 100));
    const r = await runWsx([s.url, '--wait', '400ms', '--ping-interval', '0']);
    expect(r.stdout.length).toBe(payload.length + 1);
    expect(r.code).toBe(0);
  });
});

describe('a long message on a slow link is not a dead server', () => {
  it('receives a 2 MiB message dripping over 2 s with a 300 ms ping interval and timeout', async () => {
    const payload = Buffer.alloc(2 * 1024 * 1024, 0x61);
    const s = await raw(startDrippingServer(frame(0x1, payload), 64 * 1024, 60));
    const r = await runWsx([s.url, '--count', '1', '--ping-interval', '300ms', '--ping-timeout', '300ms']);
    expect(r.stderr).not.toMatch(/dead/);
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBe(payload.length + 1);
  });
});

describe('--connect-timeout is a deadline; a signal always ends the run', () => {
  it('exits 3 within --connect-timeout when the server drips its 101 one byte per 300 ms', async () => {
    const s = await raw(startSlow101Server(300));
    const started = Date.now();
    const r = await runWsx([s.url, '--connect-timeout', '1s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/handshake did not finish within 1000 ms/);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('exits 3 within --connect-timeout when a proxy never answers CONNECT', async () => {
    const proxy = await raw(startSilentProxy());
    const started = Date.now();
    const r = await runWsx(['ws://127.0.0.1:9/', ...viaProxy(proxy.url), '--connect-timeout', '1s']);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/handshake did not finish/);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('exits 3 when a proxy answers CONNECT with garbage', async () => {
    const proxy = await raw(startSilentProxy('garbage\r\n\r\n'));
    const started = Date.now();
    const r = await runWsx(['ws://127.0.0.1:9/', ...viaProxy(proxy.url), '--connect-timeout', '1s']);
    expect(r.code).toBe(3);
    expect(Date.now() - started).toBeLessThan(2500);
  });

  it('ends within a second on SIGTERM while connecting through a proxy that never answers', async () => {
    const proxy = await raw(startSilentProxy());
    const child = spawnWsx(['ws://127.0.0.1:9/', ...viaProxy(proxy.url), '-v']);
    const result = collect(child, { keepStdinOpen: true, killAfterMs: 6000 });
    await until(
      () => proxy.connections() > 0,
      3000,
      () => 'wsx never reached the proxy',
    );
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const r = await result;
    expect(Date.now() - signalledAt).toBeLessThan(1000);
    expect(r.code).toBe(143);
  });
});

describe('a 101 that wsx rejects never opened: exit 3', () => {
  const cases: [string, (key: string) => string, string[]][] = [
    [
      'a wrong Sec-WebSocket-Accept',
      () =>
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: d3Jvbmc=\r\n\r\n',
      [],
    ],
    [
      'a subprotocol that was not offered',
      (key) => switchingProtocols(key, 'Sec-WebSocket-Protocol: chat\r\n'),
      [],
    ],
    ['no subprotocol when one was required', (key) => switchingProtocols(key), ['-s', 'chat']],
    [
      'an extension that was not offered',
      (key) => switchingProtocols(key, 'Sec-WebSocket-Extensions: permessage-deflate\r\n'),
      [],
    ],
  ];
  for (const [what, response, args] of cases) {
    it(`exits 3 for ${what}`, async () => {
      const s = await raw(startRawServer((socket, key) => socket.write(response(key))));
      const r = await runWsx([s.url, ...args]);
      expect(r.stderr).toMatch(/cannot connect/);
      expect(r.code).toBe(3);
    });
  }
});

describe('the close code reported is the one wsx sent', () => {
  it('names 1008 for a flood of message fragments', async () => {
    const fragments = [frame(0x1, 'a', { fin: false })];
    for (let i = 0; i < 16_400; i++) fragments.push(frame(0x0, 'a', { fin: false }));
    const s = await raw(startServerSendingThenDeaf([Buffer.concat(fragments)]));
    const r = await runWsx([s.url, '--wait', '5s']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/closed with 1008/);
  });

  it('names a ping flood instead of calling it a lost connection', async () => {
    const pings = Buffer.concat(Array.from({ length: 1000 }, () => frame(0x9, 'p')));
    const s = await raw(startServerSendingThenDeaf([pings]));
    const r = await runWsx([s.url, '--wait', '5s']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/pings faster than/);
  });
});

describe('reconnect storms and resets', () => {
  it('--max-retries 2 stops a server that accepts and then closes with 1011', async () => {
    const s = await raw(startScriptedServer((ws) => ws.close(1011, 'crash loop')));
    const r = await runWsx([s.url, '--reconnect', '--max-retries', '2'], { keepStdinOpen: true });
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/1011/);
    expect(s.connectedAt.length).toBe(3);
  });

  it('re-sends on the new connection the writes a TCP reset cut off', async () => {
    const total = 20_000;
    const s = await raw(startResettingServer(5000));
    const input = Array.from({ length: total }, (_, i) => `${i + 1} ${'m'.repeat(200)}`).join('\n') + '\n';
    const r = await runWsx([s.url, '--reconnect', '--wait', '300ms'], { input, killAfterMs: 10_000 });
    const seqs = s.received.map((m) => Number(m.split(' ')[0]));
    expect(seqs.at(-1)).toBe(total);
    expect(seqs.every((n, i) => i === 0 || n > seqs[i - 1]!)).toBe(true);
    expect(s.connectedAt.length).toBe(2);
    // What the reset cut off before it reached the kernel was re-sent; nothing was dropped.
    expect(r.stderr).not.toMatch(/\d+ messages? dropped/);
  });
});
