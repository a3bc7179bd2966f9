import { afterEach, describe, expect, it } from 'vitest';
import { once } from 'node:events';
import WebSocket from 'ws';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { runWsx, spawnWsx, waitForOutput } from '../helpers/run-wsx.js';

const children: ChildProcessWithoutNullStreams[] = [];
const sockets: WebSocket[] = [];
afterEach(async () => {
  for (const ws of sockets.splice(0)) ws.terminate();
  for (const child of children.splice(0)) {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
  }
});

async function serve(
  ...args: string[]
): Promise<{ child: ChildProcessWithoutNullStreams; url: string; stderr: () => string }> {
  const child = spawnWsx(['serve', '--port', '0', ...args]);
  children.push(child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await waitForOutput(child.stdout, /listening (ws:\/\/127\.0\.0\.1:\d+)\n/);
  return { child, url: line.trim().split(' ')[1]!, stderr: () => stderr };
}

function client(url: string, opts: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const ws = new WebSocket(url, opts);
  sockets.push(ws);
  return once(ws, 'open').then(() => ws);
}

function pipeClient(url: string): { child: ChildProcessWithoutNullStreams; out: () => string } {
  const child = spawnWsx([url, '--wait', '300ms']);
  children.push(child);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return { child, out: () => out };
}

describe('wsx serve', () => {
  it('prints the readiness line first, on a free port, and echoes text as text and binary as binary', async () => {
    const { url } = await serve();
    const ws = await client(url);
    ws.send('hi');
    const [text, isBinary1] = await once(ws, 'message');
    ws.send(Buffer.from([1, 2, 3]));
    const [bin, isBinary2] = await once(ws, 'message');
    expect([String(text), isBinary1]).toEqual(['hi', false]);
    expect([[...(bin as Buffer)], isBinary2]).toEqual([[1, 2, 3], true]);
  });

  it('broadcast: two wsx clients see each other, not themselves; a late third sees only later messages', async () => {
    const { url, stderr } = await serve('--mode', 'broadcast');
    const a = pipeClient(url);
    const b = pipeClient(url);
    await until(() => /2 connected/.test(stderr()));
    a.child.stdin.write('from-a\n');
    await until(() => b.out().includes('from-a\n'));
    b.child.stdin.write('from-b\n');
    await until(() => a.out().includes('from-b\n'));
    const c = pipeClient(url);
    await until(() => /3 connected/.test(stderr()));
    a.child.stdin.write('later\n');
    await until(() => c.out().includes('later\n') && b.out().includes('later\n'));
    for (const x of [a, b, c]) x.child.stdin.end();
    const results = await Promise.all([a, b, c].map((x) => once(x.child, 'exit')));
    expect(results.map(([code]) => code)).toEqual([0, 0, 0]);
    expect(a.out()).toBe('from-b\n');
    expect(b.out()).toBe('from-a\nlater\n');
    expect(c.out()).toBe('later\n');
  });

  it('removes a client that stops answering pings within the heartbeat timeout', async () => {
    const { stderr, url } = await serve('--ping-interval', '200ms', '--ping-timeout', '200ms');
    const ws = await client(url, { autoPong: false });
    const started = Date.now();
    const [code] = await once(ws, 'close');
    expect(code).toBe(1006);
    expect(Date.now() - started).toBeLessThan(1000);
    await until(() => /client 1 left: 1006 .*no pong for \d+ ms/.test(stderr()));
  });

  it('notices a client process that was SIGKILLed', async () => {
    const { stderr, url } = await serve('--ping-interval', '200ms', '--ping-timeout', '200ms');
    const victim = pipeClient(url);
    await until(() => /1 connected/.test(stderr()));
    victim.child.kill('SIGKILL');
    await until(() => /client 1 left/.test(stderr()));
    expect(stderr()).toMatch(/\(0 connected\)/);
  });

  it('broadcast: disconnects a client that stops reading instead of slowing the room', async () => {
    const { stderr, url } = await serve('--mode', 'broadcast', '--max-buffered', '64k');
    const sender = await client(url);
    const fast = await client(url);
    const slow = await client(url);
    (slow as unknown as { _socket: import('node:net').Socket })._socket.pause();
    let fastGot = 0;
    fast.on('message', () => fastGot++);
    const payload = 'p'.repeat(16 * 1024);
    // The kernel's loopback buffers absorb several MiB before the server sees any backlog, so keep
    // sending until the server cuts the slow client off. Bounded: at most 4096 x 16 KiB (64 MiB).
    let sent = 0;
    while (sent < 4096 && !/too slow/.test(stderr())) {
      for (let i = 0; i < 64; i++) sender.send(payload);
      sent += 64;
      await new Promise((r) => setTimeout(r, 5));
    }
    await until(() => /left: 1006 .*too slow/.test(stderr()), 3000);
    // The room kept going: the fast client got every message.
    await until(() => fastGot === sent, 10_000);
    expect(stderr()).toMatch(/client 3 left: 1006 .*too slow/);
  });

  it('refuses clients beyond --max-clients with HTTP 503, and oversized messages with 1009', async () => {
    const { url } = await serve('--max-clients', '1', '--max-payload', '1k');
    const first = await client(url);
    const refused = await runWsx([url, '-x', 'hi', '--expect', 'hi']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('HTTP/1.1 503 Service Unavailable');
    first.send('x'.repeat(2048));
    const [code] = await once(first, 'close');
    expect(code).toBe(1009);
  });

  it('closes every client with 1001 on SIGTERM and exits 0; sink prints per-connection counts', async () => {
    const { child, url, stderr } = await serve('--mode', 'sink');
    const ws = await client(url);
    ws.send('one');
    ws.send('two');
    await until(() => /client 1 connected/.test(stderr()));
    const closed = once(ws, 'close');
    // Frames are read in order: once the server answers a ping, it has read both messages.
    ws.ping();
    await once(ws, 'pong');
    child.kill('SIGTERM');
    const [code, reason] = await closed;
    expect([code, String(reason)]).toEqual([1001, 'server shutting down']);
    const [exitCode] = await once(child, 'exit');
    expect(exitCode).toBe(0);
    expect(stderr()).toMatch(/client 1 \(127\.0\.0\.1:\d+\): 2 messages, 6 bytes/);
  });

  it('writes JSON events with --jsonl, starting with the listening event', async () => {
    const child = spawnWsx(['serve', '--port', '0', '--jsonl']);
    children.push(child);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    await until(() => out.includes('\n'));
    const first = JSON.parse(out.split('\n')[0]!) as { event: string; url: string };
    expect(first.event).toBe('listening');
    const result = await runWsx([first.url, '-x', 'ping', '--expect', 'ping']);
    expect(result.code).toBe(0);
    await until(() => out.includes('"disconnect"'));
    child.kill('SIGINT');
    await once(child, 'exit');
    const events = out
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { event: string }).event);
    expect(events).toEqual(['listening', 'connect', 'message', 'disconnect']);
  });

  it('exits 1 with a hint when the port is taken', async () => {
    const { url } = await serve();
    const port = new URL(url).port;
    const result = await runWsx(['serve', '--port', port]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`cannot listen on 127.0.0.1:${port}: EADDRINUSE (port in use`);
  });
});

async function until(check: () => boolean, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
