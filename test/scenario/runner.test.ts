import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { freePort, nextMessage } from '../helpers/servers.js';
import { parseScenario } from '../../src/scenario/parser.js';
import type { FileResult, StepResult } from '../../src/scenario/results.js';
import { runScenario } from '../../src/scenario/runner.js';
import {
  startExchangeServer,
  startExpiringServer,
  startSilentServer,
  startTwiceServer,
} from './conversation-servers.js';

const defer = cleanupAfterEach();

async function run(
  text: string,
  url: string,
  opts: {
    vars?: Record<string, string>;
    env?: NodeJS.ProcessEnv;
    stepTimeoutMs?: number;
    signal?: AbortSignal;
  } = {},
): Promise<FileResult & { log: string[] }> {
  const log: string[] = [];
  const result = await runScenario(
    parseScenario('t.wsx', text),
    {
      connection: { url, heartbeat: false },
      vars: new Map(Object.entries(opts.vars ?? {})),
      env: opts.env ?? {},
      stepTimeoutMs: opts.stepTimeoutMs ?? 2000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    {
      stepDone: (_file, r: StepResult) =>
        log.push(
          `${r.isOk ? 'ok' : 'FAIL'} ${r.step.text}${r.messages.map((m) => ` [${m.role} ${m.text}]`).join('')}`,
        ),
    },
  );
  return Object.assign(result, { log });
}

const login = [
  'send {"type":"auth","token":"{{env.API_TOKEN}}"}',
  'expect json type == "auth_ok" within 2s',
  'capture session = json session_id',
  'ignore /"type":"heartbeat"/',
  'send {"type":"subscribe","channel":"prices","session":"{{session}}"}',
  'expect 3 json type == "price" and json channel == "prices" within 2s',
  'expect no /"error"/ within 100ms',
  'send {"type":"unsubscribe"}',
  'expect json type == "unsubscribed"',
  'close 1000',
].join('\n');

describe('runScenario against servers that hold a conversation', () => {
  it('logs in, captures the session id, sends it back, counts three prices past the heartbeats', async () => {
    const s = await startExchangeServer(defer);
    const r = await run(login, s.url, { env: { API_TOKEN: 's3cret' } });
    expect(r.log.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r).toMatchObject({ isOk: true, code: 0 });
    // The captured session went out in the subscribe message, exactly as the server issued it.
    expect(JSON.parse(s.received[1]!)).toEqual({
      type: 'subscribe',
      channel: 'prices',
      session: s.sessions[0],
    });
    const prices = r.steps.find((x) => x.step.line === 6)!;
    expect(prices.messages.filter((m) => m.role === 'matched')).toHaveLength(3);
    expect(prices.ignored).toBe(3);
  });

  it('fails the first expect with the actual value when the login is refused, exit 4', async () => {
    const s = await startExchangeServer(defer);
    const r = await run(login.replace('"auth_ok" within 2s', '"auth_ok" within 300ms'), s.url, {
      env: { API_TOKEN: 'wrong' },
    });
    expect(r.code).toBe(4);
    expect(r.failure!.step.line).toBe(2);
    expect(r.failure!.message).toBe(
      'timed out after 300ms waiting for json type == "auth_ok"; closest message: {"type":"auth_fail","reason":"bad token"} (type is "auth_fail" (string))',
    );
    expect(r.failure!.lastSeen).toEqual(['{"type":"auth_fail","reason":"bad token"}']);
    expect(s.received).toHaveLength(1);
  });

  it('fails when fewer than N prices arrive, saying how many did', async () => {
    const s = await startExchangeServer(defer, 2);
    const text = login.replace('within 2s\nexpect no', 'within 300ms\nexpect no');
    const r = await run(text, s.url, { env: { API_TOKEN: 's3cret' } });
    expect(r.code).toBe(4);
    expect(r.failure!.step.line).toBe(6);
    expect(r.failure!.message).toContain('(2 of 3 arrived)');
  });

  it('a server that answers twice: the second reply is kept for the next expect, capture reads the right one', async () => {
    const s = await startTwiceServer(defer);
    const r = await run(
      [
        'send hello',
        'expect json type == "ack"',
        'capture first = json n',
        'expect json type == "ack"',
        'capture second = json n',
        'send {"first":{{first}},"second":{{second}}}',
        'expect json n == 2',
      ].join('\n'),
      s.url,
    );
    expect(r.log).toEqual([
      `ok connect ${s.url}`,
      'ok send hello',
      'ok expect json type == "ack" [matched {"type":"ack","n":1}]',
      'ok capture first = json n',
      'ok expect json type == "ack" [matched {"type":"ack","n":2}]',
      'ok capture second = json n',
      'ok send {"first":{{first}},"second":{{second}}}',
      'ok expect json n == 2 [skipped {"type":"ack","n":1}] [matched {"type":"ack","n":2}]',
    ]);
    expect(s.received[1]).toBe('{"first":1,"second":2}');
    expect(r.code).toBe(0);
  });

  it('a server that never answers: the expect times out at its own limit, exit 4, no message arrived', async () => {
    const s = await startSilentServer(defer);
    const started = Date.now();
    const r = await run('send ping\nexpect /pong/ within 300ms\nsend never', s.url);
    const elapsed = Date.now() - started;
    expect(r.code).toBe(4);
    expect(r.failure!.message).toBe('timed out after 300ms waiting for /pong/; no message arrived');
    expect(elapsed).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(2000);
    expect(s.received).toEqual(['ping']);
  });

  it('a server that closes with 4001 mid-scenario: the waiting step fails naming the code, exit 5', async () => {
    const s = await startExpiringServer(defer);
    const r = await run('send a\nexpect json type == "welcome"\nsend b\nexpect /never/ within 5s', s.url);
    expect(r.code).toBe(5);
    expect(r.failure!.step.line).toBe(4);
    expect(r.failure!.message).toBe(
      'closed by server: 4001 application code "session expired" before a match for /never/',
    );
  });

  it('expect-close 4001 turns that close into a pass; a different code fails with both codes', async () => {
    const s = await startExpiringServer(defer);
    const ok = await run('send a\nexpect /welcome/\nsend b\nexpect-close 4001 within 2s', s.url);
    expect(ok.log.at(-1)).toBe('ok expect-close 4001 within 2s');
    expect(ok.code).toBe(0);
    const bad = await run('send a\nexpect /welcome/\nsend b\nexpect-close 1000 within 2s', s.url);
    expect(bad.code).toBe(4);
    expect(bad.failure!.message).toBe(
      'the server closed with 4001 application code, expected 1000 normal closure',
    );
  });

  it('a normal close by the server while an expect waits is exit 4, not 5', async () => {
    const s = await serverUntilCleanup(defer);
    s.wss.on('connection', (ws) => ws.on('message', () => ws.close(1000, 'bye')));
    const r = await run('send x\nexpect /y/', s.url);
    expect(r.code).toBe(4);
    expect(r.failure!.message).toBe('the server closed with 1000 normal closure before a match for /y/');
  });
});

describe('runScenario: steps', () => {
  it('exit 3 when nothing listens, failing the connect step', async () => {
    const port = await freePort();
    const r = await run('send x', `ws://127.0.0.1:${port}`);
    expect(r.code).toBe(3);
    expect(r.failure!.step.verb).toBe('connect');
    expect(r.failure!.message).toContain('connection refused');
  });

  it('an unknown variable fails its send step naming it, exit 2, nothing sent', async () => {
    const s = await startSilentServer(defer);
    const r = await run('send {{nobody}}', s.url);
    expect(r.code).toBe(2);
    expect(r.failure!.step.line).toBe(1);
    expect(r.failure!.message).toBe(
      'unknown variable {{nobody}} (capture it first, or pass --var nobody=VALUE)',
    );
    const env = await run('send {{env.WSX_TEST_UNSET}}', s.url);
    expect(env.failure!.message).toBe('environment variable WSX_TEST_UNSET is not set');
    expect(s.received).toEqual([]);
  });

  it('--var values fill {{name}}; send-hex and send-base64 arrive as binary frames', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await run('send hi {{who}}\nsend-hex 00 ff\nsend-base64 AAEC\nexpect /hi alice/', s.url, {
      vars: { who: 'alice' },
    });
    expect(r.code).toBe(0);
    expect(s.received).toEqual(['hi alice', '<binary 2>', '<binary 3>']);
  });

  it('a multi-line payload goes out as one message', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await run('send <<END\n{\n  "a": 1\n}\nEND\nexpect json a == 1', s.url);
    expect(r.code).toBe(0);
    expect(s.received).toEqual(['{\n  "a": 1\n}']);
  });

  it('expect no fails as soon as a matching message arrives', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await run('send {"error":true}\nexpect no /error/ within 2s', s.url);
    expect(r.code).toBe(4);
    expect(r.failure!.message).toBe('a message matched /error/ within 2s');
    expect(r.steps.at(-1)!.ms).toBeLessThan(1500);
  });

  it('expect no does not consume: the next expect still sees the messages it looked at', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await run('send fine\nexpect no /error/ within 100ms\nexpect /fine/ within 100ms', s.url);
    expect(r.code).toBe(0);
  });

  it('ping passes when the pong arrives', async () => {
    const s = await startSilentServer(defer);
    const r = await run('ping', s.url);
    expect(r.code).toBe(0);
    expect(r.log.at(-1)).toBe('ok ping');
  });

  it('close sends its code and reason to the server', async () => {
    const s = await startSilentServer(defer);
    const closed = new Promise<[number, string]>((resolve) =>
      s.wss.on('connection', (ws) => ws.on('close', (code, reason) => resolve([code, String(reason)]))),
    );
    const r = await run('close 4000 done here', s.url);
    expect(r.code).toBe(0);
    expect(await closed).toEqual([4000, 'done here']);
  });

  it('close fills {{name}} into its reason, as every step that takes text does', async () => {
    const s = await startSilentServer(defer);
    const closed = new Promise<[number, string]>((resolve) =>
      s.wss.on('connection', (ws) => ws.on('close', (code, reason) => resolve([code, String(reason)]))),
    );
    const r = await run('close 4000 bye {{who}} {{env.TEAM}}', s.url, {
      vars: { who: 'bob' },
      env: { TEAM: 'blue' },
    });
    expect(r.code).toBe(0);
    expect(await closed).toEqual([4000, 'bye bob blue']);
  });

  it('expect, expect no and ignore fill {{name}} when they run', async () => {
    const s = await startTwiceServer(defer);
    const r = await run(
      'ignore json n == {{skip}}\nsend go\nexpect json type == "{{kind}}" and json n == {{want}}\nexpect no json n == {{skip}} within 100ms',
      s.url,
      { vars: { kind: 'ack', want: '2', skip: '1' } },
    );
    expect(r.log.filter((l) => l.startsWith('FAIL'))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.steps.find((x) => x.step.verb === 'expect')!.ignored).toBe(1);
  });

  it('a send after close fails naming the close step', async () => {
    const s = await startSilentServer(defer);
    const r = await run('close\nsend late', s.url);
    expect(r.code).toBe(4);
    expect(r.failure!.message).toBe(
      'the connection was closed (by a close step) before the message was sent',
    );
  });

  it('capture with a regex group, and a capture whose path is missing fails', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await run(
      'send id=42;\nexpect /id=/\ncapture id = /id=(\\d+)/\nsend got {{id}}\nexpect /got 42/',
      s.url,
    );
    expect(r.code).toBe(0);
    const bad = await run('send {"a":1}\nexpect json a == 1\ncapture b = json b', s.url);
    expect(bad.code).toBe(4);
    expect(bad.failure!.message).toBe('capture b: b is missing in the matched message');
  });

  it('an abort ends the run at once with the code given as its reason', async () => {
    const s = await startSilentServer(defer);
    const controller = new AbortController();
    s.wss.once('connection', (ws) => void nextMessage(ws).then(() => controller.abort(130)));
    const r = await run('send x\nexpect /never/ within 5s', s.url, { signal: controller.signal });
    expect(r.code).toBe(130);
    expect(r.failure!.message).toBe('interrupted');
  });

  it('leaves nothing running after the run', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const before = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    await run('send a\nexpect /a/\nsleep 20ms\nexpect no /b/ within 50ms', s.url);
    const after = process.getActiveResourcesInfo().filter((x) => x === 'Timeout').length;
    expect(after).toBeLessThanOrEqual(before);
  });
});
