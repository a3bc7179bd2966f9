import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { firstCloseCode, freePort, listenOnLoopback, type TestServer, until } from '../helpers/servers.js';
import { collect, runWsx, spawnWsx, waitForOutput, wsxBin } from '../helpers/run-wsx.js';
import { frame, startRawServer, switchingProtocols, type RawServer } from '../helpers/hostile-servers.js';

const defer = cleanupAfterEach();
const server = (opts?: Parameters<typeof serverUntilCleanup>[1]): Promise<TestServer> =>
  serverUntilCleanup(defer, opts);

describe('pipe mode', () => {
  it('delivers 100,000 piped lines to the server exactly once and in order', async () => {
    const s = await server();
    const input = Array.from({ length: 100_000 }, (_, i) => `line-${i}`).join('\n') + '\n';
    const result = await runWsx([s.url, '--wait', '100ms'], { input, killAfterMs: 20_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await until(
      () => s.received.length >= 100_000,
      2000,
      () => `server got ${s.received.length}`,
    );
    expect(s.received.length).toBe(100_000);
    const outOfPlace = s.received.findIndex((m, i) => m !== `line-${i}`);
    expect(outOfPlace).toBe(-1);
  }, 20_000);

  it('queues input while the server is down and, with --reconnect, delivers all of it once the server appears', async () => {
    const port = await freePort();
    const child = spawnWsx([`ws://127.0.0.1:${port}`, '--reconnect', '--wait', '100ms']);
    const done = collect(child, { input: Array.from({ length: 1000 }, (_, i) => `q${i}`).join('\n') + '\n' });
    await waitForOutput(child.stderr, /reconnecting in/);
    const s = await server({ port });
    const result = await done;
    expect(result.code).toBe(0);
    expect(s.received).toEqual(Array.from({ length: 1000 }, (_, i) => `q${i}`));
  });

  it('fails fast with exit code 3 when the first connection is refused and --reconnect is off', async () => {
    const port = await freePort();
    const started = Date.now();
    const result = await runWsx([`ws://127.0.0.1:${port}`], { input: 'a\n' });
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `wsx: cannot connect to ws://127.0.0.1:${port}/: connection refused (is the server running?)\n` +
        'wsx: 1 message dropped (still queued when the connection closed)\n',
    );
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('lingers after EOF until replies stop: a server answering 200 ms late still reaches stdout', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.on('message', (d) => setTimeout(() => ws.send(`re:${d}`), 200)));
    const result = await runWsx([s.url], { input: 'a\nb\nc\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('re:a\nre:b\nre:c\n');
  });

  it('checks a line split across stdin reads as a whole: a character cut between reads goes out intact', async () => {
    const s = await server();
    const child = spawnWsx([s.url, '--wait', '0']);
    const done = collect(child, { keepStdinOpen: true });
    const sent = (count: number) =>
      until(
        () => s.received.length >= count,
        3000,
        () => `server got ${JSON.stringify(s.received)}`,
      );
    // Each write is a separate read for wsx: the next is written only once the server has the line before.
    child.stdin.write(Buffer.from([0x66, 0x69, 0x72, 0x73, 0x74, 0x0a, 0xc3])); // "first\n" and half an é
    await sent(1);
    // The chunk starts inside a character: invalid alone, valid once joined to the previous read.
    child.stdin.end(Buffer.from([0xa9, 0x0a]));
    const result = await done;
    expect(result.stderr).not.toContain('not valid UTF-8');
    expect(result.code).toBe(0);
    await sent(2);
    expect(s.received).toEqual(['first', 'é']);
  });

  it("with --wait 0, prints the replies that arrive after its close frame and before the server's", async () => {
    // Answers only once the client's Close frame is in: three replies, then its own Close.
    const s: RawServer = await startRawServer((socket, key) => {
      socket.write(switchingProtocols(key));
      let bytes = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        bytes = Buffer.concat([bytes, chunk]);
        // Client frames are masked, payloads under 126 bytes here: 2 header bytes, 4 mask bytes, payload.
        for (let at = 0; at + 2 <= bytes.length; at += 6 + (bytes[at + 1]! & 0x7f)) {
          if ((bytes[at]! & 0x0f) !== 0x8) continue;
          for (const reply of ['r1', 'r2', 'r3']) socket.write(frame(0x1, reply));
          socket.end(frame(0x8, Buffer.from([0x03, 0xe8])));
          return;
        }
      });
    });
    defer(() => s.close());
    const result = await runWsx([s.url, '--wait', '0'], { input: 'hello\n' });
    expect(result.stdout).toBe('r1\nr2\nr3\n');
    expect(result.code).toBe(0);
  });

  it('writes every received byte to stdout before exiting (10 MB burst, then a quick close)', async () => {
    const s = await server();
    const chunk = 'z'.repeat(5000);
    s.wss.on('connection', (ws) => {
      for (let i = 0; i < 2000; i++) ws.send(`${i}:${chunk}`);
      ws.close(1000);
    });
    const result = await runWsx([s.url], { killAfterMs: 15_000 });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines.length).toBe(2001);
    expect(lines[1999]).toBe(`1999:${chunk}`);
  }, 15_000);

  it('writes a message larger than one batch (6 MiB) byte for byte, with the small ones around it', async () => {
    const s = await server();
    const big = 'b'.repeat(6 * 1024 * 1024);
    s.wss.on('connection', (ws) => {
      ws.send('before');
      ws.send(big);
      ws.send('after');
      ws.close(1000);
    });
    const result = await runWsx([s.url], { killAfterMs: 15_000 });
    expect(result.code).toBe(0);
    expect(result.stdout.length).toBe(big.length + 'before\nafter\n\n'.length);
    expect(result.stdout === `before\n${big}\nafter\n`).toBe(true);
  }, 15_000);

  it('handles CRLF input and NUL-separated records with -0', async () => {
    const s = await server();
    await runWsx([s.url, '--wait', '0'], { input: 'one\r\ntwo\r\n' });
    const r = await runWsx([s.url, '-0', '--wait', '0'], { input: 'multi\nline\0second\0' });
    expect(r.code).toBe(0);
    expect(s.received).toEqual(['one', 'two', 'multi\nline', 'second']);
  });

  it('echoes text byte-exact: control characters and invalid-looking text pass through unchanged', async () => {
    const s = await server({ mode: 'echo' });
    const line = 'tab\there \x1b[31mred\x1b[0m é 🎉';
    const result = await runWsx([s.url, '--wait', '200ms'], { input: `${line}\n` });
    expect(result.stdout).toBe(`${line}\n`);
  });

  it('exits 0 with empty stderr when stdout is closed early (| head -1)', async () => {
    const s = await server({ mode: 'echo' });
    const child = spawn('bash', [
      '-c',
      `seq 1 20000 | NO_COLOR=1 "${process.execPath}" "${wsxBin}" ${s.url} | head -1; echo "status=\${PIPESTATUS[1]}" >&2`,
    ]);
    const result = await collect(child, { killAfterMs: 15_000 });
    expect(result.stdout).toBe('1\n');
    expect(result.stderr).toBe('status=0\n');
  }, 15_000);

  it('exits 1 with one line when stdout cannot be written (disk full)', async () => {
    const s = await server({ mode: 'echo' });
    const child = spawn('bash', [
      '-c',
      `echo hello | NO_COLOR=1 "${process.execPath}" "${wsxBin}" ${s.url} --wait 200ms > /dev/full`,
    ]);
    const result = await collect(child);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('wsx: cannot write to stdout: ENOSPC\n');
  });

  it('exits 1 when stdout cannot be written even if --count ended the run first', async () => {
    const s = await server({ mode: 'echo' });
    const child = spawn('bash', [
      '-c',
      `echo hello | NO_COLOR=1 "${process.execPath}" "${wsxBin}" ${s.url} --count 1 > /dev/full`,
    ]);
    const result = await collect(child);
    expect(result.stderr).toBe('wsx: cannot write to stdout: ENOSPC\n');
    expect(result.code).toBe(1);
  });

  it('runs with no stdin at all (closed fd 0) and still prints what the server says', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.send('hello from server'));
    const child = spawn('bash', [
      '-c',
      `NO_COLOR=1 "${process.execPath}" "${wsxBin}" ${s.url} --wait 200ms <&-`,
    ]);
    const result = await collect(child);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('hello from server\n');
  });

  it('round-trips binary frames given as base64 and as hex', async () => {
    const s = await server({ mode: 'echo' });
    const b64 = ['AAEC/w==', 'aGVsbG8='];
    const r1 = await runWsx([s.url, '--binary', '--input-format', 'base64', '--wait', '200ms'], {
      input: b64.join('\n') + '\n',
    });
    expect(r1.stdout).toBe(b64.join('\n') + '\n');
    const r2 = await runWsx(
      [s.url, '--binary', '--input-format', 'hex', '--binary-out', 'hex', '--wait', '200ms'],
      { input: '0001ff\ndeadbeef\n' },
    );
    expect(r2.stdout).toBe('0001ff\ndeadbeef\n');
    expect(s.received).toEqual(['<binary 4>', '<binary 5>', '<binary 3>', '<binary 4>']);
  });

  it("--binary --record-end keeps each line's end on the wire for a binary-only, line-based backend", async () => {
    // What websockify does: a line-based TCP service behind a bridge that takes binary frames only (a text
    // frame closes with 1003) and passes bytes both ways as they come, without any framing of its own.
    const backendSaw: string[] = [];
    const backend = createServer((tcp) => {
      let buffered = '';
      tcp.on('data', (chunk) => {
        buffered += chunk.toString('latin1');
        for (let at = buffered.indexOf('\n'); at !== -1; at = buffered.indexOf('\n')) {
          const line = buffered.slice(0, at);
          buffered = buffered.slice(at + 1);
          backendSaw.push(line);
          tcp.write(`got:${line}\n`);
        }
      });
    });
    const backendPort = await listenOnLoopback(backend);
    defer(() => new Promise<void>((resolve) => backend.close(() => resolve())));
    const s = await server();
    s.wss.on('connection', (ws) => {
      const tcp = connect(backendPort, '127.0.0.1');
      tcp.on('data', (chunk) => ws.send(chunk, { binary: true }));
      tcp.on('error', () => ws.terminate());
      ws.on('close', () => tcp.end());
      ws.on('message', (data, isBinary) => {
        if (!isBinary) return ws.close(1003, 'binary only');
        tcp.write(data as Buffer);
      });
    });
    const lf = await runWsx(
      [s.url, '--binary', '--record-end', 'lf', '--binary-out', 'raw', '--wait', '300ms'],
      {
        input: 'hello\nworld\n',
      },
    );
    expect(lf.stdout).toBe('got:hello\ngot:world\n');
    expect(lf.code).toBe(0);
    const crlf = await runWsx(
      [s.url, '--binary', '--record-end', 'crlf', '--binary-out', 'raw', '--wait', '300ms'],
      {
        input: 'HELO x\r\nQUIT\n',
      },
    );
    expect(crlf.stdout).toBe('got:HELO x\r\ngot:QUIT\r\n');
    expect(backendSaw).toEqual(['hello', 'world', 'HELO x\r', 'QUIT\r']);
    // The end counts toward --max-message-size: 1023 bytes and CRLF do not fit in 1 KiB.
    const big = await runWsx(
      [s.url, '--binary', '--record-end', 'crlf', '--binary-out', 'raw', '--max-message-size', '1k'],
      { input: `ok\n${'x'.repeat(1023)}\n` },
    );
    expect(big.stdout).toBe('got:ok\r\n');
    expect(big.stderr).toContain('stdin record 2 is larger than --max-message-size (1024 bytes');
    expect(big.code).toBe(1);
  });

  it('writes one parseable JSON object per event with --jsonl', async () => {
    const s = await server({ mode: 'echo' });
    const result = await runWsx([s.url, '--jsonl', '--wait', '200ms'], { input: 'hi\n' });
    const events = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event: string; t: string; data?: string; code?: number });
    expect(events.map((e) => e.event)).toEqual(['open', 'send', 'recv', 'close']);
    expect(events[2]).toMatchObject({ event: 'recv', type: 'text', data: 'hi' });
    expect(events[3]).toMatchObject({ code: 1000 });
    expect(Number.isNaN(Date.parse(events[0]!.t))).toBe(false);
  });

  it('drops input that cannot be sent within --drop-after and reports the count on stderr', async () => {
    const port = await freePort();
    const result = await runWsx(
      [`ws://127.0.0.1:${port}`, '--reconnect', '--max-retries', '1', '--drop-after', '50ms'],
      { input: 'a\nb\n' },
    );
    expect(result.stderr).toMatch(/2 messages dropped \(not sent within 50ms/);
    expect(result.code).toBe(3);
  });

  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
  ] as const)('closes with 1000 and exits %s → %i', async (signal, exitCode) => {
    const s = await server();
    const closed = firstCloseCode(s.wss);
    const child = spawnWsx([s.url, '-v']);
    // stdin stays open, so only the signal can end the run.
    const done = collect(child, { keepStdinOpen: true });
    child.stdin.write('x\n');
    await waitForOutput(child.stderr, /connected to/);
    await until(
      () => s.received.length === 1,
      2000,
      () => 'x not received',
    );
    child.kill(signal);
    expect((await done).code).toBe(exitCode);
    expect(await closed).toBe(1000);
    expect(s.received).toEqual(['x']);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'on %s, prints every message it counted as received, down to the last one before the Close',
    async (signal) => {
      const s = await server();
      s.wss.on('connection', (ws) => {
        let i = 0;
        const flood = setInterval(() => {
          for (let k = 0; k < 50 && i < 100_000; k++) ws.send(`m${i++} ${'x'.repeat(200)}`);
        }, 1);
        ws.on('close', () => clearInterval(flood));
      });
      const child = spawnWsx([s.url, '-v']);
      const done = collect(child, { keepStdinOpen: true, killAfterMs: 10_000 });
      await waitForOutput(child.stdout, /m3000 /, 8000);
      child.kill(signal);
      const result = await done;
      const received = Number(/received (\d+)/.exec(result.stderr)?.[1]);
      const lines = result.stdout.split('\n');
      expect(lines.pop()).toBe('');
      expect(received).toBeGreaterThan(3000);
      expect(lines.length).toBe(received);
      expect(lines.at(-1)).toBe(`m${received - 1} ${'x'.repeat(200)}`);
    },
  );

  it('never loads ink or react in pipe or script mode', async () => {
    const s = await server({ mode: 'echo' });
    const dir = mkdtempSync(join(tmpdir(), 'wsx-imports-'));
    const log = join(dir, 'imports.log');
    const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;
    const env = { WSX_IMPORT_LOG: log, NODE_OPTIONS: `--import ${hook}` };
    await runWsx([s.url, '--wait', '0'], { input: 'a\n', env });
    await runWsx([s.url, '-x', 'ping', '--expect', 'ping'], { env });
    const loaded = readFileSync(log, 'utf8');
    // The recorder sees what each bundle holds: ws is inside dist/cli/wsx.cjs, so it would see React too.
    expect(loaded).toMatch(/node_modules\/ws\/\S+ \(bundled in \S+\/dist\/cli\/wsx\.cjs\)/);
    expect(loaded).not.toContain('/dist/ui/screen');
    expect(loaded).not.toMatch(/node_modules\/(ink|react)\//);
  });
});
