// --proto cdp (the Chrome DevTools Protocol) through the built bin/wsx.js against real headless Chromium,
// started once for the file: commands without "jsonrpc", events, errors with and without an id, sessions.

import { afterAll, describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempDirUntilCleanup, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { shouldSkipChromium, startChromium, type Chromium } from '../helpers/chromium.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { hasTmux, screenShows, startTmux, tmux, typeLine, typeWsx } from '../helpers/tmux.js';

if (shouldSkipChromium)
  console.warn('chromium is not installed: skipping the DevTools tests (.ci/run installs it)');

const defer = cleanupAfterEach();

const jsonLines = (text: string) => lines(text).map((l) => JSON.parse(l) as Record<string, unknown>);
const countOf = (text: string, part: string) => text.split(part).length - 1;

const scenarioFile = (text: string): string => tempFileUntilCleanup(defer, 'cdp.wsx', text);

describe.skipIf(shouldSkipChromium)('--proto cdp against headless Chromium', () => {
  // One browser for the file, started by the first test that needs it: in CI without Chromium each test
  // fails naming the cause, instead of one hook error and a row of skipped tests.
  let started: Promise<Chromium> | undefined;
  const browserUrl = async () => (await (started ??= startChromium())).url;
  afterAll(async () => {
    const chromium = await started?.catch(() => undefined);
    await chromium?.stop();
  });

  it('pipe: sends Target.getTargets without a "jsonrpc" member and prints the answer with its round trip', async () => {
    const url = await browserUrl();
    const result = await runWsx(['--proto', 'cdp', '--wait', '300ms', '--jsonl', '-q', url], {
      input: 'Target.getTargets\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const events = jsonLines(result.stdout);
    const sent = events.filter((e) => e.event === 'send').map((e) => JSON.parse(e.data as string) as unknown);
    expect(sent).toEqual([{ method: 'Target.getTargets', id: 1 }]);
    const answer = events.find((e) => e.event === 'recv' && e.id === 1);
    expect(answer).toMatchObject({ kind: 'response', rtt_ms: expect.any(Number) });
    const { result: targets } = JSON.parse(answer!.data as string) as {
      result: { targetInfos: { type: string; url: string }[] };
    };
    expect(targets.targetInfos).toContainEqual(expect.objectContaining({ type: 'page', url: 'about:blank' }));
  });

  it('pipe: Target.createTarget answers with a targetId, and Target.setDiscoverTargets brings targetCreated events for it', async () => {
    const url = await browserUrl();
    const result = await runWsx(['--proto', 'cdp', '--wait', '300ms', url], {
      input: 'Target.setDiscoverTargets {"discover":true}\nTarget.createTarget {"url":"about:blank"}\n',
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const messages = jsonLines(result.stdout);
    expect(messages).toContainEqual({ id: 1, result: {} });
    const created = messages.find((m) => m.id === 2) as { result: { targetId: string } } | undefined;
    expect(created?.result.targetId).toMatch(/^[0-9A-F]{32}$/);
    const events = messages.filter((m) => m.method === 'Target.targetCreated') as {
      params: { targetInfo: { targetId: string } };
    }[];
    expect(events.map((e) => e.params.targetInfo.targetId)).toContain(created!.result.targetId);
  });

  it("an unknown method's error prints on stdout, is named on stderr and exits 4", async () => {
    const url = await browserUrl();
    const result = await runWsx(['--proto', 'cdp', '--wait', '300ms', url], {
      input: 'Nope.nothing\n',
    });
    const error = `{"id":1,"error":{"code":-32601,"message":"'Nope.nothing' wasn't found"}}`;
    expect(result.stdout).toBe(`${error}\n`);
    expect(result.stderr).toBe(`wsx: 1 failed: ${error}\nwsx: the server answered 1 request with an error\n`);
    expect(result.code).toBe(4);
  });

  it('an error with no id (--proto jsonrpc, whose "jsonrpc" member Chromium refuses) is an error: exit 4, one unanswered line', async () => {
    const url = await browserUrl();
    const result = await runWsx(['--proto', 'jsonrpc', '--wait', '300ms', url], {
      input: 'Target.getTargets\n',
    });
    const error = `{"error":{"code":-32600,"message":"Message has property other than 'id', 'method', 'sessionId', 'params'"}}`;
    expect(result.stdout).toBe(`${error}\n`);
    expect(result.stderr).toContain(`wsx: error: ${error}\n`);
    expect(countOf(result.stderr, 'request(s) still unanswered')).toBe(1);
    expect(result.stderr).toMatch(/wsx: the server answered 1 request with an error\n$/);
    expect(result.code).toBe(4);
  });

  it('script: --expect-json passes on the answer; an error answer fails the expectation at once with exit 4', async () => {
    const url = await browserUrl();
    const ok = await runWsx([
      '--proto',
      'cdp',
      '-x',
      'Browser.getVersion',
      '--expect-json',
      'result.protocolVersion="1.3"',
      url,
    ]);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const started = Date.now();
    const bad = await runWsx([
      '--proto',
      'cdp',
      '-x',
      'Nope.nothing',
      '--expect-json',
      'result.protocolVersion="1.3"',
      '--timeout',
      '5s',
      url,
    ]);
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain(
      `wsx: the server answered with an error while waiting for result.protocolVersion="1.3" (expectation 1 of 1): {"id":1,"error":{"code":-32601`,
    );
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it('scenario: a command with @SESSION after Target.attachToTarget (flatten) is answered by the page', async () => {
    const url = await browserUrl();
    const file = scenarioFile(
      [
        'proto cdp',
        `connect ${url}`,
        'send Target.createTarget {"url":"about:blank"}',
        'expect json result.targetId exists within 5s',
        'capture target = json result.targetId',
        'send Target.attachToTarget {"targetId":"{{target}}","flatten":true}',
        'expect json result.sessionId exists within 5s',
        'capture session = json result.sessionId',
        'send @{{session}} Runtime.evaluate {"expression":"6*7"}',
        'expect json result.result.value == 42 and json sessionId exists within 5s',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/✓ expect json result.result.value == 42 and json sessionId exists/);
    expect(result.code).toBe(0);
  });

  it('scenario: an error answer an expect does not match fails that step at once with exit 4', async () => {
    const url = await browserUrl();
    const file = scenarioFile(
      ['proto cdp', `connect ${url}`, 'send Nope.nothing', 'expect json result exists within 5s', ''].join(
        '\n',
      ),
    );
    const started = Date.now();
    const result = await runWsx(['run', file]);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain(
      `wsx: ${file}:4: expect json result exists within 5s: the server answered with an error: {"id":1,"error":{"code":-32601`,
    );
    expect(Date.now() - started).toBeLessThan(4000);
  });

  it.each([
    ['a batch', '[{"method":"Browser.getVersion"}]', 'cdp has no batches: one command per line'],
    [
      'a session before any attach',
      '@ Browser.getVersion',
      'no session yet: attach first (Target.attachToTarget {"targetId":"…","flatten":true}) or write @SESSION_ID',
    ],
  ])(
    'a line cdp cannot send (%s) stops the pipe with exit 1 and says why, after the replies before it',
    async (_what, line, why) => {
      const url = await browserUrl();
      const result = await runWsx(['--proto', 'cdp', '--wait', '300ms', url], {
        input: `Browser.getVersion\n${line}\n`,
      });
      expect(result.stderr).toContain(`stdin record 2 "${line}" is not a cdp message: ${why}; not sent`);
      // The answer to the line before it still reaches stdout.
      expect(result.stdout).toMatch(/"product":"[^"]*Chrome/);
      expect(result.code).toBe(1);
    },
  );

  it.skipIf(!hasTmux)(
    'interactive: errors in red, each answer with its round trip, @ sends to the latest attach, events by method',
    async () => {
      const url = await browserUrl();
      const dir = tempDirUntilCleanup(defer);
      const session = startTmux(defer, 'wsx-cdp', [120, 30]);
      typeWsx(
        session,
        `CI=false FORCE_COLOR=1 XDG_STATE_HOME=${dir}`,
        `--proto cdp ${url} --ping-interval 0`,
      );
      await screenShows(session, ['● open', 'Chrome DevTools: Domain.method {params}']);
      const type = (line: string) => {
        typeLine(session, line);
      };
      type('Nope.nothing');
      await screenShows(session, ["⇠ #1 error -32601: 'Nope.nothing' wasn't found"]);
      const coloured = tmux('capture-pane', '-p', '-e', '-t', session);
      expect(coloured).toMatch(/\x1b\[31m[^\n]*#1 error -32601/);
      type('Target.attachToBrowserTarget');
      const attached = await screenShows(session, ['⇠ #2 {"sessionId":"']);
      expect(attached).toMatch(/⇠ #2 \{"sessionId":"[0-9A-F]{32}"\} {2}\d+ ms/);
      const sessionId = /⇠ #2 \{"sessionId":"([0-9A-F]{8})/.exec(attached)![1]!;
      type('@ Browser.getVersion');
      await screenShows(session, [`⇠ #3 @${sessionId} {"protocolVersion":"1.3"`]);
      type('Target.setDiscoverTargets {"discover":true}');
      await screenShows(session, ['⇠ Target.targetCreated {"targetInfo":{', '⇠ #4 {}']);
      tmux('send-keys', '-t', session, '/quit', 'Enter');
      await screenShows(session, ['WSX_EXIT=0']);
    },
    20_000,
  );
});
