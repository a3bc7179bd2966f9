// --proto stomp through the built bin/wsx.js against the test STOMP broker (proven against @stomp/stompjs):
// pipes, --jsonl, script mode, a scenario file, the login kept secret, and each refusal's exit code.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { header } from '../../src/protocols/stomp-frame.js';
import { startStompServer } from '../protocols/stomp-server.js';

const defer = cleanupAfterEach();

const jsonLines = (text: string) => lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
const credentials = { login: 'guest', passcode: 's3cret-pass' };

describe('--proto stomp', () => {
  it('pipe: subscribes, sends, prints the MESSAGE and the RECEIPT one JSON line each, exit 0', async () => {
    const server = await startStompServer(defer, { credentials, framing: 'batched' });
    const result = await runWsx(['--proto', 'stomp', '--auth', 'guest:s3cret-pass', server.url], {
      input:
        'subscribe /queue/greetings\nsend /queue/greetings content-type:text/plain receipt: hello from wsx\n',
    });
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      '{"destination":"/queue/greetings","headers":{"message-id":"m-1","subscription":"sub-1","content-type":"text/plain","content-length":"14"},"body":"hello from wsx"}',
      '{"receipt":"r-1"}',
    ]);
    expect(result.code).toBe(0);
    expect(header(server.frames[0]!, 'passcode')).toBe('s3cret-pass');
  });

  it('--jsonl: sends and receives decoded with their frames, the CONNECT and its passcode nowhere', async () => {
    const server = await startStompServer(defer, { credentials });
    const result = await runWsx(
      ['--proto', 'stomp', '--auth-env', 'STOMP_LOGIN', '--jsonl', '-v', '--show-handshake', server.url],
      {
        input: 'subscribe /q\nsend /q receipt:r9 {"n":1}\n',
        env: { STOMP_LOGIN: 'guest:s3cret-pass' },
      },
    );
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    const pick = (e: Record<string, unknown>) => [e.event, e.kind, e.id, e.data];
    expect(events.filter((e) => e.event === 'send' || e.event === 'recv').map(pick)).toEqual([
      ['send', 'subscribe', 'sub-1', '{"destination":"/q","headers":{"id":"sub-1","ack":"auto"}}'],
      [
        'send',
        'send',
        'r9',
        '{"destination":"/q","headers":{"receipt":"r9","content-length":"7"},"body":"{\\"n\\":1}"}',
      ],
      [
        'recv',
        'message',
        'sub-1',
        '{"destination":"/q","headers":{"message-id":"m-1","subscription":"sub-1","content-length":"7"},"body":"{\\"n\\":1}"}',
      ],
      ['recv', 'receipt', 'r9', '{"receipt":"r9"}'],
    ]);
    expect(events.find((e) => e.kind === 'receipt')!.rtt_ms).toEqual(expect.any(Number));
    expect(events.find((e) => e.kind === 'send')!.wire).toBe(
      'SEND\ndestination:/q\nreceipt:r9\ncontent-length:7\n\n{"n":1}\0',
    );
    expect(result.stderr).toContain('STOMP 1.2 connected to wsx-test-stomp/1.0 (heart-beat 0/0 ms)');
    expect(result.stdout + result.stderr).not.toContain('s3cret-pass');
    expect(header(server.frames[0]!, 'passcode')).toBe('s3cret-pass');
  });

  it('a wrong passcode is a refused CONNECT: the server message, exit 3', async () => {
    const server = await startStompServer(defer, { credentials });
    const result = await runWsx(['--proto', 'stomp', '--auth', 'guest:wrong-pass', server.url]);
    expect(result.stderr).toBe(
      `wsx: the STOMP server refused CONNECT: Access refused for user: bad login or passcode (check --auth, and the virtual host: --init '{"host":"NAME"}')\n`,
    );
    expect(result.code).toBe(3);
  });

  it('an ERROR frame is an error answer: printed, named on stderr, exit 4 although the server then closes', async () => {
    const server = await startStompServer(defer);
    const result = await runWsx(['--proto', 'stomp', server.url], {
      input: 'subscribe /forbidden/x receipt:\n',
    });
    const error =
      '{"error":{"message":"access denied","headers":{"receipt-id":"r-1","content-length":"25"},"body":"no access to /forbidden/x"}}';
    expect(lines(result.stdout)).toEqual([error]);
    expect(result.stderr).toBe(
      `wsx: r-1 failed: ${error}\nwsx: the server answered 1 request with an error\n`,
    );
    expect(result.code).toBe(4);
  });

  it('a line that is no STOMP command stops the pipe, exit 1; a -x one is refused before connecting, exit 2', async () => {
    const server = await startStompServer(defer);
    const piped = await runWsx(['--proto', 'stomp', server.url], {
      input: 'subscribe /q\npublish /q hi\nsend /q never\n',
    });
    expect(piped.stderr).toMatch(
      /^wsx: stdin record 2 "publish \/q hi" is not a stomp message: a STOMP line is send DEST/,
    );
    expect(piped.code).toBe(1);
    expect(server.frames.map((f) => f.command)).toEqual(['CONNECT', 'SUBSCRIBE']);
    const before = server.connections();
    const x = await runWsx(['--proto', 'stomp', server.url, '-x', 'subscribe']);
    expect(x.stderr).toBe('wsx: -x "subscribe" is not a stomp message: subscribe needs a destination\n');
    expect(x.code).toBe(2);
    expect(server.connections()).toBe(before);
  });

  it('script mode: -x lines and --expect-json on the decoded MESSAGE', async () => {
    const server = await startStompServer(defer, { framing: 'split' });
    const result = await runWsx([
      '--proto',
      'stomp',
      server.url,
      '-x',
      'subscribe /topic/t',
      '-x',
      'send /topic/t {"temp":21}',
      '--expect-json',
      'destination=/topic/t',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ destination: '/topic/t', body: '{"temp":21}' });
  });

  it('a scenario with `proto stomp`: send steps are STOMP lines, expects read the decoded messages', async () => {
    const server = await startStompServer(defer, { credentials });
    const file = tempFileUntilCleanup(
      defer,
      'orders.wsx',
      [
        'proto stomp',
        `connect ${server.url}`,
        'send subscribe /queue/orders ack:client-individual',
        'send send /queue/orders receipt: {"id":7}',
        'expect json destination == "/queue/orders" and json body == "{\\"id\\":7}" within 2s',
        'capture ackid = json headers.ack',
        'expect json receipt == "r-1"',
        'send ack {{ackid}} receipt:done',
        'expect json receipt == "done"',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', '--auth', 'guest:s3cret-pass', file]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ expect json receipt == "done"');
    expect(result.stdout + result.stderr).not.toContain('s3cret-pass');
    const ack = server.frames.find((f) => f.command === 'ACK')!;
    expect(ack.headers).toEqual([
      ['id', 'm-1'],
      ['receipt', 'done'],
    ]);
    const refused = await runWsx(['run', '--auth', 'guest:nope', file]);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('the STOMP server refused CONNECT: Access refused for user');
  });

  it('flags: --auth needs login:passcode, --init goes only with the protocols that read it; both exit 2', async () => {
    const auth = await runWsx(['--proto', 'stomp', '--auth', 'justaname', 'ws://127.0.0.1:9']);
    expect(auth.stderr).toBe('wsx: --auth: expected login:passcode for the STOMP CONNECT packet\n');
    expect(auth.code).toBe(2);
    const init = await runWsx(['--proto', 'jsonrpc', '--init', '{}', 'ws://127.0.0.1:9']);
    expect(init.stderr).toBe('wsx: --init goes with --proto graphql-ws, phoenix, stomp or mqtt\n');
    expect(init.code).toBe(2);
  });
});
