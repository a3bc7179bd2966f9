import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import type { TestServer } from '../helpers/servers.js';

const defer = cleanupAfterEach();

const quotesDoc = fileURLToPath(new URL('../fixtures/asyncapi/quotes-3.0.yaml', import.meta.url));

/**
 * A server that follows quotes-3.0.yaml: pong for ping, subscribed for subscribe, a ticker after each
 * subscription. `breaks` makes it answer a subscribe with a ticker whose price is a string.
 */
async function quotesServer(opts: { breaks?: boolean } = {}): Promise<TestServer> {
  const s = await serverUntilCleanup(defer);
  s.wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as { event: string; reqid?: number; pair?: string };
      if (msg.event === 'ping') ws.send(JSON.stringify({ event: 'pong', reqid: msg.reqid }));
      if (msg.event === 'subscribe') {
        ws.send(JSON.stringify({ event: 'ticker', pair: msg.pair, price: opts.breaks ? 'high' : 1.5 }));
        ws.send(JSON.stringify({ event: 'subscribed', pair: msg.pair }));
      }
    });
  });
  return s;
}

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'wsx-contract-scenario-'));
}

describe('wsx scenario SPEC.yaml', () => {
  it('writes a starter scenario: a send per example, an expect valid per reply; it passes against a server that follows the document', async () => {
    const made = await runWsx(['scenario', quotesDoc]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toBe(
      [
        `# A starter scenario for channel quotes of ${quotesDoc}, written by wsx scenario: edit freely.`,
        '# Every message sent and received is checked against the document: each violation is said on stderr, and fails the run (exit 7) with --contract strict.',
        `asyncapi ${quotesDoc}`,
        'connect ws://localhost:8080/quotes',
        'send {"event":"ping","reqid":7}',
        'expect valid pong within 5s',
        'send {"event":"subscribe","pair":"XBT/USD"}',
        'expect valid subscribed within 5s',
        'send {"event":"subscribe","pair":"ETH/EUR"}',
        'expect valid subscribed within 5s',
        '# the server may also send: ticker, error, e.g.',
        '# expect valid ticker within 5s',
        '',
      ].join('\n'),
    );
    const s = await quotesServer();
    const file = join(tempDir(), 'starter.wsx');
    writeFileSync(file, made.stdout);
    const run = await runWsx(['run', file, '--url', `${s.url}/quotes`]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/expect valid subscribed within 5s/);
  });

  it('names the channels when the document has several and none is chosen (exit 2)', async () => {
    const doc = join(tempDir(), 'two.yaml');
    writeFileSync(
      doc,
      'asyncapi: 3.0.0\ninfo: { title: T, version: 1.0.0 }\nchannels:\n  a: { address: /a }\n  b: { address: /b }\n',
    );
    const made = await runWsx(['scenario', doc]);
    expect(made.stderr).toBe(
      `wsx: ${doc}: the document has a (/a), b (/b): choose one with --channel NAME (at #/channels)\n`,
    );
    expect(made.code).toBe(2);
  });
});

describe('expect valid and expect invalid steps', () => {
  it('fails expect valid when the reply breaks the document, naming the schema error (exit 4)', async () => {
    const s = await quotesServer({ breaks: true });
    const file = join(tempDir(), 'ticker.wsx');
    writeFileSync(
      file,
      `asyncapi ${quotesDoc}\nconnect ${s.url}/quotes\nsend {"event":"subscribe","pair":"XBT/USD"}\nexpect valid ticker within 1s\n`,
    );
    const run = await runWsx(['run', file]);
    expect(run.stderr).toMatch(
      new RegExp(
        `^wsx: ${file}:4: expect valid ticker within 1s: timed out after 1s waiting for valid ticker; closest message: .*"price":"high".* \\(ticker invalid: \\$\\.price: must be number \\(got "high"\\)\\)\\n$`,
      ),
    );
    expect(run.code).toBe(4);
  });

  it('passes expect invalid on a message that breaks the document, and that break does not fail the run', async () => {
    const s = await quotesServer({ breaks: true });
    const file = join(tempDir(), 'invalid.wsx');
    writeFileSync(
      file,
      `asyncapi ${quotesDoc}\nconnect ${s.url}/quotes\nsend {"event":"subscribe","pair":"XBT/USD"}\nexpect invalid ticker within 2s\nexpect valid subscribed within 2s\n`,
    );
    const run = await runWsx(['run', file]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('needs a document: expect valid without an asyncapi line or --asyncapi is FILE:LINE, exit 2', async () => {
    const file = join(tempDir(), 'nodoc.wsx');
    writeFileSync(file, 'connect ws://127.0.0.1:9/\nsend {}\nexpect valid pong\n');
    const run = await runWsx(['run', file]);
    expect(run.stderr).toBe(
      `${file}:3: valid/invalid needs an AsyncAPI document: add an "asyncapi FILE" line or pass --asyncapi FILE\n`,
    );
    expect(run.code).toBe(2);
  });

  it('loads the contract code only for a scenario that names a document', async () => {
    const s = await quotesServer();
    const dir = tempDir();
    const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;
    const plain = join(dir, 'plain.wsx');
    writeFileSync(plain, `connect ${s.url}/quotes\nsend {"event":"ping"}\nexpect /pong/ within 2s\n`);
    const withDoc = join(dir, 'doc.wsx');
    writeFileSync(
      withDoc,
      `asyncapi ${quotesDoc}\nconnect ${s.url}/quotes\nsend {"event":"ping"}\nexpect valid pong within 2s\n`,
    );
    const logs = { plain: join(dir, 'plain.log'), doc: join(dir, 'doc.log') };
    const a = await runWsx(['run', plain], {
      env: { WSX_IMPORT_LOG: logs.plain, NODE_OPTIONS: `--import ${hook}` },
    });
    const b = await runWsx(['run', withDoc], {
      env: { WSX_IMPORT_LOG: logs.doc, NODE_OPTIONS: `--import ${hook}` },
    });
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readFileSync(logs.plain, 'utf8')).not.toMatch(/dist\/contract\/|node_modules\/(ajv|yaml)\//);
    expect(readFileSync(logs.doc, 'utf8')).toMatch(/dist\/contract\/index\.js/);
  });
});
