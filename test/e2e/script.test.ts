import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { spawn } from 'node:child_process';
import { freePort, startRefusingServer, type TestServer } from '../helpers/servers.js';
import { collect, runWsx, spawnWsx, waitForOutput, wsxBin } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const server = (opts?: Parameters<typeof serverUntilCleanup>[1]): Promise<TestServer> =>
  serverUntilCleanup(defer, opts);

describe('script mode', () => {
  it.each([
    ['-x hi --count 1', ['-x', 'hi', '--count', '1']],
    ['-x hi --expect hi', ['-x', 'hi', '--expect', 'hi']],
    ['-x hi --count 1 --jsonl', ['-x', 'hi', '--count', '1', '--jsonl']],
  ])('exits 1 naming the failure when stdout cannot be written (%s > /dev/full)', async (_name, args) => {
    const s = await server({ mode: 'echo' });
    const child = spawn('bash', [
      '-c',
      `NO_COLOR=1 "${process.execPath}" "${wsxBin}" ${s.url} ${args.join(' ')} > /dev/full`,
    ]);
    const result = await collect(child);
    expect(result.stderr).toBe('wsx: cannot write to stdout: ENOSPC\n');
    expect(result.code).toBe(1);
  });

  it('sends -x messages in order, succeeds as soon as the expectation matches, exit 0', async () => {
    const s = await server();
    s.wss.on('connection', (ws) =>
      ws.on('message', (d) => ws.send(String(d) === '{"op":"ping"}' ? '{"type":"pong"}' : 'ack')),
    );
    const started = Date.now();
    const result = await runWsx([
      s.url,
      '-x',
      'first',
      '-x',
      '{"op":"ping"}',
      '--expect',
      'pong',
      '--timeout',
      '5s',
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('ack\n{"type":"pong"}\n');
    expect(s.received).toEqual(['first', '{"op":"ping"}']);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('matches --expect and --expect-json in the order given', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => {
      ws.send('{"type":"hello"}');
      ws.send('{"data":{"items":[{"id":7}]}}');
      ws.send('ready');
    });
    const ok = await runWsx([
      s.url,
      '--expect-json',
      'type=hello',
      '--expect-json',
      'data.items[0].id=7',
      '--expect',
      '^ready$',
    ]);
    expect(ok.code).toBe(0);
    // Out of order: "hello" is consumed before the first expectation (ready) matches, so the second never does.
    const bad = await runWsx([
      s.url,
      '--expect',
      '^ready$',
      '--expect-json',
      'type=hello',
      '--timeout',
      '300ms',
    ]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain('waiting for type=hello (expectation 2 of 2)');
  });

  it('exits 4 naming the expectation and the last messages when --timeout passes', async () => {
    const s = await server({ mode: 'echo' });
    const result = await runWsx([s.url, '-x', 'ping', '--expect', 'pong', '--timeout', '300ms']);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'wsx: timed out after 300ms waiting for /pong/ (expectation 1 of 1); last messages: "ping"\n',
    );
  });

  it('exits 4 when the server closes normally before the expectation matched', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.close(1000, 'bye'));
    const result = await runWsx([s.url, '--expect', 'pong']);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      'wsx: the server closed with 1000 normal closure before a match for /pong/ (expectation 1 of 1); no text message arrived\n',
    );
  });

  it('exits 5 when the server closes abnormally, showing code and reason', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.close(1011, 'db down'));
    const result = await runWsx([s.url, '--expect', 'pong']);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe('wsx: closed by server: 1011 internal server error "db down"\n');
  });

  it('exits 5 naming the protocol error when the server sends invalid UTF-8 (ws itself reports 1006)', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => ws.send(Buffer.from([0x61, 0xc3, 0x28]), { binary: false }));
    const result = await runWsx([s.url, '--expect', 'x']);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      `wsx: connection to ${s.url}/ lost: the server broke the WebSocket protocol (invalid UTF-8 sequence); closed with 1007\n`,
    );
  });

  it('exits 3 and shows the status line when the upgrade is refused with HTTP 401', async () => {
    const refusing = await startRefusingServer(
      'HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\n\r\nbad token!!!',
    );
    defer(refusing.close);
    const { port } = refusing;
    const result = await runWsx([`127.0.0.1:${port}/api`, '-x', 'hi', '--expect', 'x']);
    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      `wsx: cannot connect to ws://127.0.0.1:${port}/api: server answered HTTP/1.1 401 Unauthorized instead of upgrading: bad token!!! (check credentials`,
    );
  });

  it('exits 3 for a refused connection', async () => {
    const port = await freePort();
    const result = await runWsx([`ws://127.0.0.1:${port}`, '--expect', 'x']);
    expect(result.code).toBe(3);
  });

  it.each([
    [['ws://'], 'invalid URL'],
    [['ftp://host'], 'unsupported scheme "ftp"'],
    [['ws://h', '--timeout', 'soon'], '--timeout: "soon" is not a duration'],
    [['ws://h', '--expect', '('], '--expect: invalid regular expression'],
    [['ws://h', '--nope'], "unknown option '--nope'"],
    [[], 'missing URL'],
  ])('exits 2 with one line for usage errors: %j', async (args, text) => {
    const result = await runWsx(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(text);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stdout).toBe('');
  });

  it('works with no stdin at all, as in CI', async () => {
    const s = await server({ mode: 'echo' });
    const child = spawn('bash', [
      '-c',
      `NO_COLOR=1 "${process.execPath}" "${wsxBin}" ${s.url} -x ping --expect ping <&-`,
    ]);
    const result = await collect(child);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('ping\n');
  });

  it('without expectations, sends -x and lingers for replies, then exits 0', async () => {
    const s = await server({ mode: 'echo' });
    const result = await runWsx([s.url, '-x', 'a', '-x', 'b', '--wait', '200ms']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('a\nb\n');
  });

  it('stops at --count messages', async () => {
    const s = await server();
    s.wss.on('connection', (ws) => {
      for (let i = 0; i < 10; i++) ws.send(`m${i}`);
    });
    const result = await runWsx([s.url, '--count', '3', '--wait', '5s']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('m0\nm1\nm2\n');
  });

  it('prints --help with grouped options and --version', async () => {
    const help = await runWsx(['--help']);
    expect(help.code).toBe(0);
    for (const group of ['Connection:', 'Input/Output:', 'Reliability:', 'Scripting:', 'Examples:'])
      expect(help.stdout).toContain(group);
    const version = await runWsx(['--version']);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('with --reconnect --resend, sends the -x messages again after a reconnect (and only then)', async () => {
    const s1 = await server();
    // The first server drops the client right after the first message; the second one answers.
    s1.wss.on('connection', (ws) => ws.on('message', () => ws.terminate()));
    const port = s1.port;
    const child = spawnWsx([
      s1.url,
      '--reconnect',
      '--resend',
      '-x',
      'hello',
      '--expect',
      '^welcome back$',
      '--timeout',
      '8s',
    ]);
    const done = collect(child);
    await waitForOutput(child.stderr, /reconnecting in/);
    await s1.close();
    const s2 = await server({ port });
    s2.wss.on('connection', (ws) =>
      ws.on('message', (d) => ws.send(String(d) === 'hello' ? 'welcome back' : 'what?')),
    );
    const result = await done;
    expect(result.code).toBe(0);
    expect(s1.received).toEqual(['hello']);
    expect(s2.received).toEqual(['hello']);
  });
});
