import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { collect, runWsx, serveWsx, spawnWsx, wsxBin } from '../helpers/run-wsx.js';
import { freePort, nextMessage } from '../helpers/servers.js';
import { startExpiringServer, startSilentServer } from '../scenario/conversation-servers.js';
import { find, parseXml } from '../scenario/xml.js';

const defer = cleanupAfterEach();
const examplesDir = fileURLToPath(new URL('../../examples/', import.meta.url));

const tempDir = (): string => tempDirUntilCleanup(defer);

function scenarioFile(dir: string, name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** `wsx serve --port 0 -q` as a child process; resolves with its URL. */
async function serve(...args: string[]): Promise<string> {
  return (await serveWsx(defer, ['-q', ...args])).url;
}

describe('wsx run', () => {
  it('runs every example in examples/ against wsx serve, exit 0, one ✓ line per step', async () => {
    const url = await serve();
    const examples = readdirSync(examplesDir)
      .filter((f) => f.endsWith('.wsx'))
      .map((f) => join(examplesDir, f));
    expect(examples.length).toBeGreaterThanOrEqual(2);
    const result = await runWsx(['run', ...examples, '--url', url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('✗');
    expect(result.stdout).toMatch(
      /^ {2}✓ expect json type == "hello" and json id == 7 and json tags\[1\] == "b" within 2s {2}\d+ms$/m,
    );
    expect(result.stdout).toContain(`${examples.length} passed, 0 failed`);
  });

  it('writes a JUnit report with one testcase per file and a failure naming the step; exit is the first failure', async () => {
    const url = await serve();
    const dir = tempDir();
    const good = scenarioFile(dir, 'good.wsx', 'send {"id":7}\nexpect json id == 7\n');
    const bad = scenarioFile(dir, 'bad.wsx', 'send {"id":7}\n\nexpect json id == "7" within 200ms\n');
    const junit = join(dir, 'report.xml');
    const result = await runWsx(['run', good, bad, '--url', url, '--junit', junit]);
    expect(result.code).toBe(4);
    expect(result.stderr).toBe(
      `wsx: ${bad}:3: expect json id == "7" within 200ms: timed out after 200ms waiting for json id == "7"; closest message: {"id":7} (id is 7 (number), not a string)\n`,
    );
    expect(result.stdout).toContain(`FAILED ${bad}:3: expect json id == "7" within 200ms`);
    const doc = parseXml(readFileSync(junit, 'utf8'));
    expect(find(doc, 'testsuite')).toHaveLength(1);
    const cases = find(doc, 'testcase');
    expect(cases.map((c) => [c.attributes.name, find(c, 'failure').length])).toEqual([
      [good, 0],
      [bad, 1],
    ]);
    const failure = find(cases[1]!, 'failure')[0]!;
    expect(failure.attributes.message).toContain(`${bad}:3: expect json id == "7" within 200ms`);
    expect(failure.text).toContain('line: 3');
    expect(failure.text).toContain('last messages:\n  {"id":7}');
  });

  it('exit 2 for a syntax error: FILE:LINE on stderr, nothing sent, even when an earlier file is fine', async () => {
    const s = await startSilentServer(defer);
    const dir = tempDir();
    const good = scenarioFile(dir, 'good.wsx', 'send hi\n');
    const bad = scenarioFile(dir, 'bad.wsx', '# comment\nsend hi\nexpect /unclosed\n');
    const result = await runWsx(['run', good, bad, '--url', s.url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`${bad}:3: expect: unclosed regex: no closing /\n`);
    expect(result.stdout).toBe('');
    expect(s.received).toEqual([]);
  });

  it.each([
    ['an unknown verb', 'frobnicate\n', ':1: unknown step "frobnicate"'],
    ['an invalid JSON value', 'send x\nexpect json a == pong\n', ':2: expect: invalid JSON value pong'],
    ['no URL', 'send x\n', ': no URL: add a "connect URL" line or pass --url'],
  ])('exit 2 with one line for %s', async (_what, text, message) => {
    const file = scenarioFile(tempDir(), 'f.wsx', text);
    const result = await runWsx(['run', file]);
    expect(result.code).toBe(2);
    expect(result.stderr.startsWith(`${file}${message}`)).toBe(true);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exit 2 for a folder, with the command that runs the scenarios in it', async () => {
    const dir = tempDir();
    scenarioFile(dir, 'a.wsx', 'send a\n');
    scenarioFile(dir, 'b.wsx', 'send b\n');
    const result = await runWsx(['run', `${dir}/`, '--url', 'ws://127.0.0.1:1']);
    expect([result.code, result.stderr]).toEqual([
      2,
      `${dir}/: is a directory: wsx run takes .wsx files; to run the 2 scenarios in it: wsx run ${dir}/*.wsx\n`,
    ]);
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    const none = await runWsx(['run', empty, '--url', 'ws://127.0.0.1:1']);
    expect([none.code, none.stderr]).toEqual([
      2,
      `${empty}: is a directory: wsx run takes .wsx files, and it holds none\n`,
    ]);
  });

  it('exit 2 for a file that does not exist or is not UTF-8', async () => {
    const dir = tempDir();
    const missing = join(dir, 'nope.wsx');
    expect((await runWsx(['run', missing, '--url', 'ws://127.0.0.1:1'])).stderr).toBe(
      `wsx: cannot read ${missing}: no such file\n`,
    );
    const latin1 = join(dir, 'latin1.wsx');
    writeFileSync(latin1, Buffer.from([0x73, 0x65, 0x6e, 0x64, 0x20, 0xe9, 0x0a]));
    const result = await runWsx(['run', latin1, '--url', 'ws://127.0.0.1:1']);
    expect([result.code, result.stderr]).toEqual([2, `${latin1}:1: not UTF-8 text\n`]);
  });

  it('exit 2 for bad flags: --var without =, --step-timeout that is not a duration', async () => {
    const file = scenarioFile(tempDir(), 'f.wsx', 'send x\n');
    const badVar = await runWsx(['run', file, '--url', 'ws://127.0.0.1:1', '--var', 'oops']);
    expect([badVar.code, badVar.stderr]).toEqual([
      2,
      'wsx: --var: expected NAME=VALUE, got "oops" (e.g. --var user=alice)\n',
    ]);
    const badTimeout = await runWsx(['run', file, '--url', 'ws://127.0.0.1:1', '--step-timeout', 'soon']);
    expect(badTimeout.code).toBe(2);
    expect(badTimeout.stderr).toContain('--step-timeout: "soon" is not a duration');
  });

  it('exit 3 when it cannot connect', async () => {
    const port = await freePort();
    const file = scenarioFile(tempDir(), 'f.wsx', `connect ws://127.0.0.1:${port}\nsend x\n`);
    const result = await runWsx(['run', file]);
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      `wsx: ${file}:1: connect ws://127.0.0.1:${port}/: cannot connect to ws://127.0.0.1:${port}/: connection refused (is the server running?)\n`,
    );
  });

  it('exit 4 when the server never answers, within the --step-timeout', async () => {
    const s = await startSilentServer(defer);
    const file = scenarioFile(tempDir(), 'f.wsx', 'send ping\nexpect /pong/\n');
    const started = Date.now();
    const result = await runWsx(['run', file, '--url', s.url, '--step-timeout', '300ms']);
    expect(result.code).toBe(4);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(result.stderr).toBe(
      `wsx: ${file}:2: expect /pong/: timed out after 300ms waiting for /pong/; no message arrived\n`,
    );
  });

  it('exit 5 when the server closes with 4001 mid-scenario; exit 0 when the file expects that close', async () => {
    const s = await startExpiringServer(defer);
    const dir = tempDir();
    const unexpected = scenarioFile(dir, 'a.wsx', 'send a\nexpect /welcome/\nsend b\nexpect /more/\n');
    const result = await runWsx(['run', unexpected, '--url', s.url]);
    expect(result.code).toBe(5);
    expect(result.stderr).toBe(
      `wsx: ${unexpected}:4: expect /more/: closed by server: 4001 application code "session expired" before a match for /more/\n`,
    );
    const expected = scenarioFile(dir, 'b.wsx', 'send a\nexpect /welcome/\nsend b\nexpect-close 4001\n');
    expect((await runWsx(['run', expected, '--url', s.url])).code).toBe(0);
  });

  it('--var fills {{name}} and -H reaches the upgrade request', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const headers = new Promise<string | undefined>((resolve) =>
      s.wss.once('connection', (_ws, req) => resolve(String(req.headers['x-team']))),
    );
    const file = scenarioFile(tempDir(), 'f.wsx', 'send hello {{who}}\nexpect /hello bob/\n');
    const result = await runWsx(['run', file, '--url', s.url, '--var', 'who=bob', '-H', 'X-Team: blue']);
    expect(result.code).toBe(0);
    expect(await headers).toBe('blue');
    expect(s.received).toEqual(['hello bob']);
  });

  it('--jsonl writes one event per step and one per file', async () => {
    const url = await serve();
    const file = scenarioFile(tempDir(), 'f.wsx', 'send {"a":1}\nexpect json a == 1\n');
    const result = await runWsx(['run', file, '--url', url, '--jsonl']);
    expect(result.code).toBe(0);
    const events = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(events.map((e) => [e.event, e.line, e.status])).toEqual([
      ['step', 0, 'passed'],
      ['step', 1, 'passed'],
      ['step', 2, 'passed'],
      ['file', undefined, 'passed'],
    ]);
    expect(events[2]!.messages).toEqual([{ type: 'text', data: '{"a":1}', role: 'matched' }]);
    expect(events[3]).toMatchObject({ file, code: 0 });
  });

  it.each([
    ['the human view', [], 0],
    ['--jsonl', ['--jsonl'], 0],
    ['a failing file', [], 4],
  ])(
    'says once that stdout cannot be written (%s > /dev/full), no stack trace',
    async (_name, flags, failingCode) => {
      const s = await serverUntilCleanup(defer, { mode: 'echo' });
      const expectLine = failingCode === 0 ? 'expect /hi/' : 'expect /never/ within 100ms';
      const file = scenarioFile(tempDir(), 'f.wsx', `send hi\n${expectLine}\n`);
      const child = spawn('bash', [
        '-c',
        `NO_COLOR=1 "${process.execPath}" "${wsxBin}" run "${file}" --url ${s.url} ${flags.join(' ')} > /dev/full`,
      ]);
      const result = await collect(child);
      if (failingCode === 0) {
        expect(result.stderr).toBe('wsx: cannot write to stdout: ENOSPC\n');
        expect(result.code).toBe(1);
      } else {
        // The scenario's own verdict still decides the code; the lost report is named too.
        expect(result.stderr).toContain('wsx: cannot write to stdout: ENOSPC\n');
        expect(result.stderr).not.toContain('    at ');
        expect(result.code).toBe(failingCode);
      }
    },
  );

  it('SIGINT ends the run at once with 130 and closes the connection with 1000', async () => {
    const s = await startSilentServer(defer);
    const closed = new Promise<number>((resolve) =>
      s.wss.once('connection', (ws) => {
        void nextMessage(ws).then(() => child.kill('SIGINT'));
        ws.on('close', (code) => resolve(code));
      }),
    );
    const file = scenarioFile(tempDir(), 'f.wsx', 'send x\nexpect /never/ within 20s\n');
    const child = spawnWsx(['run', file, '--url', s.url]);
    const started = Date.now();
    const result = await collect(child);
    expect(result.code).toBe(130);
    expect(Date.now() - started).toBeLessThan(3000);
    expect(await closed).toBe(1000);
    expect(result.stderr).toBe(`wsx: ${file}:2: expect /never/ within 20s: interrupted\n`);
  });

  it('never loads ink or react', async () => {
    const s = await serverUntilCleanup(defer, { mode: 'echo' });
    const dir = tempDir();
    const log = join(dir, 'imports.log');
    const hook = new URL('../helpers/record-imports.mjs', import.meta.url).href;
    const file = scenarioFile(dir, 'f.wsx', 'send a\nexpect /a/\n');
    const result = await runWsx(['run', file, '--url', s.url], {
      env: { WSX_IMPORT_LOG: log, NODE_OPTIONS: `--import ${hook}` },
    });
    expect(result.code).toBe(0);
    const loaded = readFileSync(log, 'utf8');
    // The recorder sees what each bundle holds: ws is inside dist/cli/wsx-full.cjs, so it would see React too.
    expect(loaded).toMatch(/node_modules\/ws\/\S+ \(bundled in \S+\/dist\/cli\/wsx-full\.cjs\)/);
    expect(loaded).not.toContain('/dist/ui/screen');
    expect(loaded).not.toMatch(/node_modules\/(ink|react)\//);
  });
});
