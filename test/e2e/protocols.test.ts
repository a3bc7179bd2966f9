// --proto socketio | jsonrpc | graphql-ws through the built bin/wsx.js, against the real servers on loopback.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { startGraphqlWs, startJsonRpc, startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

const jsonLines = (text: string) => lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);

describe('--proto socketio', () => {
  it('pipe: emits JSON-array lines, prints events as ["event",args…] and an ack with its answer', async () => {
    const { url } = await startSocketIo(defer);
    const result = await runWsx(['--proto', 'socketio', url], {
      input: '["echo","hi",{"x":1}]\nack ["add",2,3]\n',
    });
    expect(result.stderr).toBe('');
    expect(lines(result.stdout)).toEqual([
      '["welcome","hello from /",{"n":1}]',
      '["echo","hi",{"x":1}]',
      '{"ack":0,"event":"add","args":[5]}',
    ]);
    expect(result.code).toBe(0);
  });

  it('--jsonl gives the ack its rtt_ms; --namespace and --auth JSON reach the CONNECT packet', async () => {
    const { url } = await startSocketIo(defer);
    const result = await runWsx(
      [
        '--proto',
        'socketio',
        '--namespace',
        '/secure',
        '--auth',
        '{"token":"letmein"}',
        '--jsonl',
        '-q',
        url,
      ],
      { input: 'ack ["nothing-answers-this"]\n' },
    );
    const recv = jsonLines(result.stdout).filter((e) => e.event === 'recv');
    expect(recv[0]).toMatchObject({ data: '["secret",42]', kind: 'event' });
    expect(result.code).toBe(0);
    const ack = await runWsx(['--proto', 'socketio', '--jsonl', '-q', url], { input: 'ack ["add",1,1]\n' });
    const answer = jsonLines(ack.stdout).find((e) => e.kind === 'ack');
    expect(answer).toMatchObject({ event: 'recv', data: '{"ack":0,"event":"add","args":[2]}', id: 0 });
    expect(answer!.rtt_ms).toEqual(expect.any(Number));
  });

  it('--jsonl shows both directions decoded with the wire frame beside, and opens the real endpoint', async () => {
    const { url } = await startSocketIo(defer);
    const result = await runWsx(['--proto', 'socketio', '--jsonl', '-q', `${url}?token=sekrit123`], {
      input: '["echo","hi"]\nack ["add",2,3]\n',
    });
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    const port = new URL(url).port;
    expect(events[0]).toMatchObject({
      event: 'open',
      url: `ws://127.0.0.1:${port}/socket.io/?token=***&EIO=4&transport=websocket`,
    });
    const pick = (e: Record<string, unknown>) => [e.event, e.data, e.kind, e.id, e.wire];
    // The protocol's own frames (CONNECT, Engine.IO open and pongs) are not the user's messages.
    expect(events.filter((e) => e.event === 'send').map(pick)).toEqual([
      ['send', '["echo","hi"]', 'event', undefined, '42["echo","hi"]'],
      ['send', '["add",2,3]', 'event', 0, '420["add",2,3]'],
    ]);
    expect(events.filter((e) => e.event === 'recv').map(pick)).toEqual([
      [
        'recv',
        '["welcome","hello from /",{"n":1}]',
        'event',
        undefined,
        '42["welcome","hello from /",{"n":1}]',
      ],
      ['recv', '["echo","hi"]', 'event', undefined, '42["echo","hi"]'],
      ['recv', '{"ack":0,"event":"add","args":[5]}', 'ack', 0, '430[5]'],
    ]);
    expect(result.stdout).not.toContain('sekrit123');
  });

  it('a CONNECT refused by the server middleware exits 3 with the server message', async () => {
    const { url } = await startSocketIo(defer);
    const result = await runWsx([
      '--proto',
      'socketio',
      '--namespace',
      '/secure',
      '--auth',
      '{"token":"no"}',
      url,
    ]);
    expect(result.stderr).toBe(
      'wsx: the Socket.IO server refused namespace /secure: not authorized {"reason":"bad token"} (check --auth and --namespace)\n',
    );
    expect(result.code).toBe(3);
  });

  it('refuses a pipe line that is not an event array like raw pipes: stops there, names it, exits 1, keeps the replies', async () => {
    const { url } = await startSocketIo(defer);
    const result = await runWsx(['--proto', 'socketio', url], { input: '["echo",1]\nhello\n["echo",2]\n' });
    expect(result.stderr).toBe(
      'wsx: stdin record 2 "hello" is not a socketio message: a Socket.IO line is a JSON array ["event", args…] (or ack ["event", args…]); not sent\n',
    );
    expect(lines(result.stdout)).toEqual(['["welcome","hello from /",{"n":1}]', '["echo",1]']);
    expect(result.code).toBe(1);
  });

  it('refuses a -x message the protocol cannot send before connecting, exit 2', async () => {
    const { url, io } = await startSocketIo(defer);
    let connections = 0;
    io.engine.on('connection', () => connections++);
    const result = await runWsx(['--proto', 'socketio', url, '-x', '["echo",1]', '-x', 'hello']);
    expect(result.stderr).toBe(
      'wsx: -x "hello" is not a socketio message: a Socket.IO line is a JSON array ["event", args…] (or ack ["event", args…])\n',
    );
    expect(result.code).toBe(2);
    expect(connections).toBe(0);
  });
});

describe('--proto jsonrpc', () => {
  it('pipe: one response per line as received, notifications as they come, errors also on stderr and exit 4', async () => {
    const { url } = await startJsonRpc(defer);
    const result = await runWsx(['--proto', 'jsonrpc', url], {
      input: 'slow [300]\nadd [1,2]\n{"method":"fail"}\nsubscribe ["newHeads"]\n',
    });
    expect(lines(result.stdout)).toEqual([
      '{"jsonrpc":"2.0","id":2,"result":3}',
      '{"jsonrpc":"2.0","id":3,"error":{"code":-32000,"message":"it failed","data":{"why":"asked to"}}}',
      '{"jsonrpc":"2.0","id":4,"result":"0x1"}',
      '{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"0x1","result":1}}',
      '{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"0x1","result":2}}',
      '{"jsonrpc":"2.0","id":1,"result":"slow done"}',
    ]);
    expect(result.stderr).toContain('wsx: 3 failed: {"jsonrpc":"2.0","id":3,"error":{"code":-32000');
    // The other answers all came, but one request failed: the run did not succeed.
    expect(result.stderr).toMatch(/wsx: the server answered 1 request with an error\n$/);
    expect(result.code).toBe(4);
  });

  it('--jsonl adds rtt_ms to each response', async () => {
    const { url } = await startJsonRpc(defer);
    const result = await runWsx(['--proto', 'jsonrpc', '--jsonl', '-q', url], {
      input: 'slow [200]\nadd [1,2]\n',
    });
    const recv = jsonLines(result.stdout).filter((e) => e.event === 'recv');
    expect(recv.map((e) => [e.id, e.kind])).toEqual([
      [2, 'response'],
      [1, 'response'],
    ]);
    expect(recv[1]!.rtt_ms as number).toBeGreaterThanOrEqual(190);
    expect(recv[0]!.rtt_ms as number).toBeLessThan(recv[1]!.rtt_ms as number);
  });

  it('script: -x shorthand and --expect-json on the response, exit 0; a wrong result exits 4', async () => {
    const { url } = await startJsonRpc(defer);
    const ok = await runWsx(['--proto', 'jsonrpc', '-x', 'add [20,22]', '--expect-json', 'result=42', url]);
    expect(ok.stdout).toBe('{"jsonrpc":"2.0","id":1,"result":42}\n');
    expect(ok.code).toBe(0);
    const bad = await runWsx([
      '--proto',
      'jsonrpc',
      '-x',
      'add [20,22]',
      '--expect-json',
      'result=43',
      '--timeout',
      '500ms',
      url,
    ]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toMatch(/timed out after 500ms waiting for result=43/);
  });
});

describe('--proto graphql-ws', () => {
  it('pipe: each next payload on one line; a query and a subscription of three values', async () => {
    const { url, inits } = await startGraphqlWs(defer, { needsToken: true });
    const result = await runWsx(['--proto', 'graphql-ws', '--init', '{"token":"ok"}', url], {
      input: 'subscription { count }\n',
    });
    expect(lines(result.stdout)).toEqual([
      '{"data":{"count":1}}',
      '{"data":{"count":2}}',
      '{"data":{"count":3}}',
    ]);
    expect(result.stderr).toBe('');
    expect(inits).toEqual([{ token: 'ok' }]);
    expect(result.code).toBe(0);
    const query = await runWsx(['--proto', 'graphql-ws', '--init', '{"token":"ok"}', '--jsonl', '-q', url], {
      input: '{"query":"query Q($n: String) { hello(name: $n) }","variables":{"n":"wsx"}}\n',
    });
    const events = jsonLines(query.stdout).filter((e) => e.event === 'recv' || e.event === 'complete');
    expect(events).toMatchObject([
      { event: 'recv', data: '{"data":{"hello":"hello wsx"}}', kind: 'next', id: '1' },
      { event: 'complete', id: '1' },
    ]);
    expect(events[0]!.rtt_ms).toEqual(expect.any(Number));
  });

  it('pipe: an error for an operation prints as {"errors":[…]}, is named on stderr and exits 4', async () => {
    const { url } = await startGraphqlWs(defer, { needsToken: true });
    const result = await runWsx(
      ['--proto', 'graphql-ws', '--init', '{"token":"ok"}', '--wait', '300ms', url],
      {
        input: '{ nope }\n',
      },
    );
    expect(lines(result.stdout)).toEqual([
      expect.stringMatching(/^\{"errors":\[\{"message":"Cannot query field \\"nope\\"/),
    ]);
    expect(result.stderr).toMatch(/^wsx: 1 failed: .*\nwsx: the server answered 1 request with an error\n$/);
    expect(result.code).toBe(4);
  });

  it('script: --expect-json on a next payload', async () => {
    const { url } = await startGraphqlWs(defer);
    const result = await runWsx([
      '--proto',
      'graphql-ws',
      '-x',
      '{ hello }',
      '--expect-json',
      'data.hello="hello world"',
      url,
    ]);
    expect(result.code).toBe(0);
  });

  it('an onConnect that refuses (close 4403) exits 3 as an auth failure', async () => {
    const { url } = await startGraphqlWs(defer, { needsToken: true });
    const result = await runWsx(['--proto', 'graphql-ws', '--init', '{"token":"bad"}', '--reconnect', url]);
    expect(result.stderr).toContain(
      'wsx: the GraphQL server refused the connection: 4403 Forbidden (check --init)\n',
    );
    expect(result.stderr).not.toMatch(/reconnecting/);
    expect(result.code).toBe(3);
  });
});

describe('--proto start-up', () => {
  it("runs a protocol's code only when it is asked for", async () => {
    const { url } = await startJsonRpc(defer);
    const dir = tempDirUntilCleanup(defer);
    const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;
    const logOf = async (args: string[]) => {
      const log = join(dir, `${args.join('_').replace(/\W/g, '')}.log`);
      await runWsx([...args, url, '--wait', '0'], {
        input: '{"method":"add","params":[1,1]}\n',
        env: { WSX_IMPORT_LOG: log, NODE_OPTIONS: `--import ${hook}` },
      });
      return readFileSync(log, 'utf8');
    };
    // The codecs are bundled into the full program, dist/cli/wsx-full.cjs (one file starts faster than
    // many small ones), each inside a lazy initialiser that runs only when --proto names it; the recorder
    // lists the node_modules files bundled into each file a run loads. A run without --proto loads the
    // launcher and the plain-run program, which holds no codec but raw.
    const main = readFileSync(new URL('../../dist/cli/wsx-full.cjs', import.meta.url), 'utf8');
    for (const codec of ['raw', 'socketio', 'jsonrpc', 'graphql_ws']) {
      expect(main).toMatch(new RegExp(`\\binit_${codec} = __esm\\(`));
      // Called in one place only: loadCodec, when the protocol is asked for.
      expect(main.match(new RegExp(`\\binit_${codec}\\(\\)`, 'g'))).toHaveLength(1);
      expect(main).toMatch(new RegExp(`=> \\(init_${codec}\\(\\), ${codec}_exports\\)`));
    }
    const raw = await logOf([]);
    expect(raw.split('\n').filter((line) => line.includes('/dist/') && !line.includes('bundled in'))).toEqual(
      [expect.stringMatching(/\/dist\/cli\/main\.js$/), expect.stringMatching(/\/dist\/cli\/wsx\.cjs$/)],
    );
    const plain = readFileSync(new URL('../../dist/cli/wsx.cjs', import.meta.url), 'utf8');
    expect(plain).toMatch(/\n\/\/ src\/protocols\/raw\.ts\n/);
    expect(plain).not.toMatch(/\n\/\/ src\/protocols\/(socketio|jsonrpc|graphql-ws)\.ts\n/);
    const jsonRpc = await logOf(['--proto', 'jsonrpc']);
    expect(jsonRpc).toMatch(/\/dist\/cli\/wsx-full\.cjs\n/);
    expect(jsonRpc).not.toMatch(/\/dist\/cli\/wsx\.cjs\n/);
  });
});

describe('--proto flags', () => {
  it('are checked before connecting: exit 2', async () => {
    const unknown = await runWsx(['--proto', 'amqp', 'ws://127.0.0.1:9']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/--proto: unknown protocol "amqp"/);
    const nsp = await runWsx(['--namespace', '/chat', 'ws://127.0.0.1:9']);
    expect(nsp.code).toBe(2);
    expect(nsp.stderr).toMatch(/--namespace goes with --proto socketio/);
    const init = await runWsx(['--proto', 'graphql-ws', '--init', '[1]', 'ws://127.0.0.1:9']);
    expect(init.code).toBe(2);
    expect(init.stderr).toMatch(/--init: expected a JSON object/);
  });
});
