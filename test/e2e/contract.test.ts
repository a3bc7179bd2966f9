import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import type { TestServer } from '../helpers/servers.js';

const defer = cleanupAfterEach();

/** AsyncAPI 2.6, YAML: the server pushes ticker and heartbeat messages, and accepts subscribe requests. */
const tickerYaml = `
asyncapi: 2.6.0
info: { title: Ticker, version: 1.0.0 }
servers:
  production: { url: 'wss://api.example.com', protocol: wss }
channels:
  /feed:
    subscribe:
      message:
        oneOf:
          - $ref: '#/components/messages/tickerUpdate'
          - $ref: '#/components/messages/heartbeat'
    publish:
      message:
        name: subscribe
        payload:
          type: object
          required: [event, pair]
          additionalProperties: false
          properties: { event: { const: subscribe }, pair: { type: string } }
components:
  messages:
    tickerUpdate:
      name: tickerUpdate
      payload:
        type: object
        required: [event, price]
        properties: { event: { const: ticker }, price: { type: number } }
    heartbeat:
      name: heartbeat
      payload: { type: object, required: [event], properties: { event: { const: heartbeat } } }
`;

/** AsyncAPI 3.0, JSON: the same feed under a channel whose address the URL does not have. */
const tickerJson = JSON.stringify({
  asyncapi: '3.0.0',
  info: { title: 'Ticker', version: '1.0.0' },
  channels: {
    feed: {
      address: '/v2/feed',
      messages: {
        tickerUpdate: {
          payload: {
            type: 'object',
            required: ['event', 'price'],
            properties: { event: { const: 'ticker' }, price: { type: 'number' } },
          },
        },
      },
    },
  },
  operations: { push: { action: 'send', channel: { $ref: '#/channels/feed' } } },
});

const valid = '{"event":"ticker","price":1.5}';
const badPrice = '{"event":"ticker","price":"high"}';
const unknown = '{"event":"trade","price":2}';

function writeDoc(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'wsx-contract-')), name);
  writeFileSync(file, text);
  return file;
}

/** A server that sends `messages` to each client, then closes normally; it answers a subscribe with a ticker. */
async function pushingServer(messages: string[]): Promise<TestServer> {
  const s = await serverUntilCleanup(defer);
  s.wss.on('connection', (ws) => {
    ws.on('message', (d) => {
      if (String(d).includes('subscribe')) ws.send(valid);
    });
    if (messages.length === 0) return;
    for (const m of messages) ws.send(m);
    ws.close(1000, 'done');
  });
  return s;
}

describe('--asyncapi in pipe mode', () => {
  it('reports each message that breaks the contract on stderr, prints every message, exits 7', async () => {
    const s = await pushingServer([valid, badPrice, unknown, '{"event":"heartbeat"}']);
    const doc = writeDoc('ticker.yaml', tickerYaml);
    const result = await runWsx([`${s.url}/feed`, '--asyncapi', doc, '--contract', 'strict', '--no-input']);
    expect(result.stdout).toBe([valid, badPrice, unknown, '{"event":"heartbeat"}', ''].join('\n'));
    expect(result.stderr).toBe(
      [
        'wsx: contract: received tickerUpdate invalid: $.price: must be number (got "high")',
        'wsx: contract: received no message matched (closest tickerUpdate): $.event: must be equal to constant "ticker" (got "trade")',
        `wsx: 2 messages broke the contract (${doc}, channel /feed)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });

  it('without --contract strict, says each break and counts them at the end, but the run’s own ending stands (exit 0)', async () => {
    const s = await pushingServer([valid, badPrice, '{"event":"heartbeat"}']);
    const doc = writeDoc('ticker.yaml', tickerYaml);
    const result = await runWsx([`${s.url}/feed`, '--asyncapi', doc, '--no-input']);
    expect(result.stdout).toBe([valid, badPrice, '{"event":"heartbeat"}', ''].join('\n'));
    expect(result.stderr).toBe(
      [
        'wsx: contract: received tickerUpdate invalid: $.price: must be number (got "high")',
        `wsx: 1 message broke the contract (${doc}, channel /feed); --contract strict fails the run on them (exit 7)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    // -q silences the lines; the verdicts stay in --jsonl.
    const quiet = await runWsx([
      `${(await pushingServer([badPrice])).url}/feed`,
      '--asyncapi',
      doc,
      '--no-input',
      '-q',
    ]);
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(0);
  });

  it('exits 0 and says nothing when every message conforms', async () => {
    const s = await pushingServer([valid, '{"event":"heartbeat"}']);
    const result = await runWsx([
      `${s.url}/feed`,
      '--asyncapi',
      writeDoc('t.yaml', tickerYaml),
      '--contract',
      'strict',
      '--no-input',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${valid}\n{"event":"heartbeat"}\n`);
    expect(result.code).toBe(0);
  });

  it('adds a contract field to --jsonl recv and send events, and -q silences the lines but not exit 7', async () => {
    const s = await pushingServer([]);
    s.wss.on('connection', (ws) => ws.on('message', () => ws.close(1000)));
    const doc = writeDoc('t.yaml', tickerYaml);
    const result = await runWsx(
      [`${s.url}/feed`, '--asyncapi', doc, '--contract', 'strict', '--jsonl', '-q'],
      {
        input: '{"event":"subscribe","pair":"BTC","extra":1}\n',
      },
    );
    const events = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { event: string; contract?: unknown });
    expect(events.find((e) => e.event === 'send')?.contract).toEqual({
      message: 'subscribe',
      valid: false,
      errors: [{ path: '$', message: 'must NOT have additional properties (extra)' }],
    });
    expect(events.find((e) => e.event === 'recv')?.contract).toEqual({
      message: 'tickerUpdate',
      valid: true,
      errors: [],
    });
    expect(result.stderr).toBe(`wsx: 1 message broke the contract (${doc}, channel /feed)\n`);
    expect(result.code).toBe(7);
  });

  it('writes the --asyncapi-report summary: counts per message and the violations', async () => {
    const s = await pushingServer([valid, valid, badPrice]);
    const report = join(mkdtempSync(join(tmpdir(), 'wsx-report-')), 'report.json');
    const result = await runWsx([
      `${s.url}/feed`,
      '--asyncapi',
      writeDoc('t.yaml', tickerYaml),
      '--contract',
      'strict',
      '--asyncapi-report',
      report,
      '--no-input',
    ]);
    expect(result.code).toBe(7);
    const summary = JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown>;
    expect(summary.channel).toBe('/feed');
    expect(summary.received).toEqual({
      total: 3,
      valid: 2,
      invalid: 1,
      unknown: 0,
      byMessage: { tickerUpdate: 3 },
    });
    expect(summary.violations).toEqual([
      {
        direction: 'received',
        message: 'tickerUpdate',
        valid: false,
        errors: [{ path: '$.price', message: 'must be number (got "high")' }],
        data: badPrice,
      },
    ]);
  });

  it('masks secrets in the --asyncapi-report as in every other output', async () => {
    const s = await pushingServer(['{"event":"ticker","price":"s3cret-token"}']);
    const report = join(mkdtempSync(join(tmpdir(), 'wsx-report-')), 'report.json');
    const doc = writeDoc('t.yaml', tickerYaml);
    const args = [
      `${s.url}/feed`,
      '--bearer-env',
      'TOKEN',
      '--asyncapi',
      doc,
      '--contract',
      'strict',
      '--asyncapi-report',
      report,
    ];
    const result = await runWsx([...args, '--no-input'], { env: { TOKEN: 's3cret-token' } });
    expect(result.code).toBe(7);
    expect(result.stderr).toContain('(got "***")');
    const text = readFileSync(report, 'utf8');
    expect(text).toContain('***');
    expect(text).not.toContain('s3cret-token');
  });

  it('picks a 3.0 channel with --channel and checks JSON documents too', async () => {
    const s = await pushingServer([valid, '{"event":"ticker"}']);
    const result = await runWsx([
      s.url,
      '--asyncapi',
      writeDoc('t.json', tickerJson),
      '--contract',
      'strict',
      '--channel',
      'feed',
      '--no-input',
    ]);
    expect(result.stderr).toMatch(
      /^wsx: contract: received tickerUpdate invalid: \$: must have required property 'price'\n/,
    );
    expect(result.stdout).toBe(`${valid}\n{"event":"ticker"}\n`);
    expect(result.code).toBe(7);
  });

  it('refuses a document that names no channel for the URL before connecting: one line, exit 2', async () => {
    const s = await pushingServer([valid]);
    let connections = 0;
    s.wss.on('connection', () => connections++);
    const doc = writeDoc('t.json', tickerJson);
    const result = await runWsx([`${s.url}/other`, '--asyncapi', doc, '--contract', 'strict', '--no-input']);
    expect(result.stderr).toBe(
      `wsx: ${doc}: no channel matches /other: the document has feed (/v2/feed) (choose one with --channel NAME) (at #/channels)\n`,
    );
    expect(result.code).toBe(2);
    expect(connections).toBe(0);
  });

  it('refuses a file that is not AsyncAPI with one line naming it, exit 2', async () => {
    const doc = writeDoc('openapi.yaml', 'openapi: 3.1.0\ninfo: {}\n');
    const result = await runWsx(['ws://127.0.0.1:9/', '--asyncapi', doc, '--contract', 'strict']);
    expect(result.stderr).toBe(
      `wsx: ${doc}: not an AsyncAPI document: no "asyncapi" version field (at #/asyncapi)\n`,
    );
    expect(result.code).toBe(2);
  });
});

describe('--asyncapi in script mode', () => {
  it('checks -x messages and replies: an expectation met with a conforming exchange exits 0', async () => {
    const s = await pushingServer([]);
    const result = await runWsx([
      `${s.url}/feed`,
      '--asyncapi',
      writeDoc('t.yaml', tickerYaml),
      '--contract',
      'strict',
      '-x',
      '{"event":"subscribe","pair":"BTC"}',
      '--expect',
      'ticker',
    ]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`${valid}\n`);
    expect(result.code).toBe(0);
  });

  it('fails a met expectation with exit 7 when a sent message broke the contract', async () => {
    const s = await pushingServer([]);
    const result = await runWsx([
      `${s.url}/feed`,
      '--asyncapi',
      writeDoc('t.yaml', tickerYaml),
      '--contract',
      'strict',
      '-x',
      '{"event":"subscribe"}',
      '--expect',
      'ticker',
    ]);
    expect(result.stderr).toMatch(
      /^wsx: contract: sent subscribe invalid: \$: must have required property 'pair'\nwsx: 1 message broke the contract/,
    );
    expect(result.stdout).toBe(`${valid}\n`);
    expect(result.code).toBe(7);
  });
});

describe('--asyncapi with --proto', () => {
  it('checks the decoded JSON-RPC messages, the ones wsx sends included', async () => {
    const s = await serverUntilCleanup(defer);
    s.wss.on('connection', (ws) =>
      ws.on('message', (d) => {
        const request = JSON.parse(String(d)) as { id: number; params: { bad?: boolean } };
        const price = request.params.bad ? 'n/a' : 1.5;
        ws.send(JSON.stringify({ jsonrpc: '2.0', id: request.id, result: { price } }));
      }),
    );
    const doc = writeDoc(
      'rpc.json',
      JSON.stringify({
        asyncapi: '3.0.0',
        info: { title: 'Quotes', version: '1.0.0' },
        channels: {
          rpc: {
            address: '/',
            messages: {
              quote: {
                payload: {
                  type: 'object',
                  required: ['method', 'params'],
                  properties: { method: { const: 'quote' }, params: { type: 'object', maxProperties: 0 } },
                },
              },
              quoted: {
                payload: {
                  type: 'object',
                  required: ['result'],
                  properties: { result: { type: 'object', properties: { price: { type: 'number' } } } },
                },
              },
            },
          },
        },
        operations: {
          ask: {
            action: 'receive',
            channel: { $ref: '#/channels/rpc' },
            messages: [{ $ref: '#/channels/rpc/messages/quote' }],
          },
          answer: {
            action: 'send',
            channel: { $ref: '#/channels/rpc' },
            messages: [{ $ref: '#/channels/rpc/messages/quoted' }],
          },
        },
      }),
    );
    const result = await runWsx([s.url, '--proto', 'jsonrpc', '--asyncapi', doc, '--contract', 'strict'], {
      input: '{"method":"quote","params":{}}\n{"method":"quote","params":{"bad":true}}\n',
    });
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
    expect(result.stderr).toBe(
      [
        'wsx: contract: sent quote invalid: $.params: must NOT have more than 0 properties (got {"bad":true})',
        'wsx: contract: received quoted invalid: $.result.price: must be number (got "n/a")',
        `wsx: 2 messages broke the contract (${doc}, channel rpc)`,
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(7);
  });

  it('refuses --channel without --asyncapi (exit 2)', async () => {
    const result = await runWsx(['ws://127.0.0.1:9/', '--channel', 'feed']);
    expect(result.stderr).toBe('wsx: --channel goes with --asyncapi FILE\n');
    expect(result.code).toBe(2);
  });
});

describe('loading the contract code', () => {
  it('loads dist/contract/index.js only when --asyncapi is given', async () => {
    const s = await pushingServer([valid]);
    const dir = mkdtempSync(join(tmpdir(), 'wsx-imports-'));
    const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;
    const without = join(dir, 'without.log');
    await runWsx([`${s.url}/feed`, '--no-input'], {
      env: { WSX_IMPORT_LOG: without, NODE_OPTIONS: `--import ${hook}` },
    });
    const withIt = join(dir, 'with.log');
    await runWsx(
      [`${s.url}/feed`, '--no-input', '--asyncapi', writeDoc('t.yaml', tickerYaml), '--contract', 'strict'],
      {
        env: { WSX_IMPORT_LOG: withIt, NODE_OPTIONS: `--import ${hook}` },
      },
    );
    expect(readFileSync(without, 'utf8')).toMatch(/dist\/cli\/main\.js/);
    expect(readFileSync(without, 'utf8')).not.toMatch(/dist\/contract\/|node_modules\/(ajv|yaml)\//);
    expect(readFileSync(withIt, 'utf8')).toMatch(
      /node_modules\/ajv\/\S+ \(bundled in \S+\/dist\/contract\/index\.js\)/,
    );
  });
});

describe('--asyncapi in wsx run', () => {
  it('checks every message of a scenario: a run whose steps pass fails with 7 naming the first violation', async () => {
    const s = await pushingServer([]);
    const dir = mkdtempSync(join(tmpdir(), 'wsx-run-contract-'));
    const scenario = join(dir, 'feed.wsx');
    writeFileSync(
      scenario,
      `connect ${s.url}/feed\nsend {"event":"subscribe","pair":"BTC"}\nexpect /ticker/\n`,
    );
    const doc = writeDoc('t.yaml', tickerYaml);
    const ok = await runWsx(['run', scenario, '--asyncapi', doc, '--contract', 'strict']);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    writeFileSync(scenario, `connect ${s.url}/feed\nsend {"event":"subscribe"}\nexpect /ticker/\n`);
    const broken = await runWsx(['run', scenario, '--asyncapi', doc, '--contract', 'strict']);
    expect(broken.stderr).toBe(
      `wsx: ${scenario}:3: expect /ticker/: 1 message broke the contract (${doc}); the first: sent subscribe invalid: $: must have required property 'pair'\n`,
    );
    expect(broken.code).toBe(7);
    // Without --contract strict the steps decide: they passed, so the file passes.
    const lenient = await runWsx(['run', scenario, '--asyncapi', doc]);
    expect(lenient.code).toBe(0);
  });
});
