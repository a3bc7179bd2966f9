import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseScenario, readScenario, ScenarioSyntaxError } from '../../src/scenario/parser.js';
import type { Step } from '../../src/scenario/steps.js';

const dir = mkdtempSync(join(tmpdir(), 'wsx-parser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function steps(text: string): Step[] {
  return parseScenario('t.wsx', text).steps;
}

function syntaxError(text: string): string {
  try {
    parseScenario('t.wsx', text);
  } catch (err) {
    expect(err).toBeInstanceOf(ScenarioSyntaxError);
    return (err as Error).message;
  }
  throw new Error('parsed without an error');
}

describe('parseScenario: every verb', () => {
  it('reads a whole login-and-subscribe scenario, with comments and blank lines', () => {
    const s = parseScenario(
      'login.wsx',
      [
        '# login, subscribe, expect three prices, follow up',
        'connect wss://api.example.com/ws            # optional when the URL is given on the command line',
        'send {"type":"auth","token":"{{env.API_TOKEN}}"}',
        'expect json type == "auth_ok" within 5s',
        'capture session = json session_id',
        'ignore /"type":"heartbeat"/',
        '',
        'send {"type":"subscribe","channel":"prices","session":"{{session}}"}',
        'expect 3 json type == "price" and json channel == "prices" within 10s',
        'expect no /"error"/ within 1s',
        'send {"type":"unsubscribe"}',
        'close 1000',
      ].join('\n'),
    );
    expect(s.url).toBe('wss://api.example.com/ws');
    expect(s.steps.map((x) => [x.verb, x.line])).toEqual([
      ['send', 3],
      ['expect', 4],
      ['capture', 5],
      ['ignore', 6],
      ['send', 8],
      ['expect', 9],
      ['expect-no', 10],
      ['send', 11],
      ['close', 12],
    ]);
    const expect3 = s.steps[5]!;
    expect(expect3).toMatchObject({ verb: 'expect', count: 3, withinMs: 10_000 });
    if (expect3.verb === 'expect') expect(expect3.matcher.conditions).toHaveLength(2);
    expect(s.steps[0]).toMatchObject({
      template: '{"type":"auth","token":"{{env.API_TOKEN}}"}',
      encoding: 'text',
    });
    expect(s.steps[1]!.text).toBe('expect json type == "auth_ok" within 5s');
  });

  it('send keeps the rest of the line verbatim, # included', () => {
    expect(steps('send {"a":"x # y"}   ')[0]).toMatchObject({ verb: 'send', template: '{"a":"x # y"}' });
  });

  it('send <<END takes the lines up to END, for a multi-line payload', () => {
    const s = steps('send <<END\n{\n  "a": 1\n}\nEND\nping');
    expect(s[0]).toMatchObject({
      verb: 'send',
      template: '{\n  "a": 1\n}',
      line: 1,
      text: 'send <<END (3 lines)',
    });
    expect(s[1]).toMatchObject({ verb: 'ping', line: 6 });
  });

  it('send-hex and send-base64 send binary payloads', () => {
    expect(steps('send-hex 00 ff 10')[0]).toMatchObject({ encoding: 'hex', template: '00 ff 10' });
    expect(steps('send-base64 AAEC')[0]).toMatchObject({ encoding: 'base64', template: 'AAEC' });
  });

  it('expect without within leaves the limit to --step-timeout; expect no; expect N', () => {
    expect(steps('expect /ok/')[0]).toMatchObject({ verb: 'expect', count: 1, withinMs: undefined });
    expect(steps('expect no /err/ within 1s # quiet')[0]).toMatchObject({
      verb: 'expect-no',
      withinMs: 1000,
    });
    expect(steps('expect 12 /tick/')[0]).toMatchObject({ verb: 'expect', count: 12 });
  });

  it('capture from json PATH or from a regex group', () => {
    const s = steps('expect /x/\ncapture sid = json data.session[0]\ncapture n = /n=(\\d+)/');
    expect(s[1]).toMatchObject({
      verb: 'capture',
      name: 'sid',
      from: { kind: 'json', path: ['data', 'session', 0] },
    });
    expect(s[2]).toMatchObject({ verb: 'capture', name: 'n', from: { kind: 'regex' } });
  });

  it('sleep, ping, close, expect-close', () => {
    expect(steps('sleep 250ms')[0]).toMatchObject({ verb: 'sleep', ms: 250 });
    expect(steps('ping')[0]).toMatchObject({ verb: 'ping' });
    expect(steps('close')[0]).toMatchObject({ verb: 'close', code: 1000, reason: '' });
    expect(steps('close 4000 done for today')[0]).toMatchObject({ code: 4000, reason: 'done for today' });
    expect(steps('expect-close')[0]).toMatchObject({
      verb: 'expect-close',
      code: undefined,
      withinMs: undefined,
    });
    expect(steps('expect-close 4001 within 2s')[0]).toMatchObject({ code: 4001, withinMs: 2000 });
    expect(steps('expect-close within 2s')[0]).toMatchObject({ code: undefined, withinMs: 2000 });
  });

  it('accepts CRLF line ends and a BOM', () => {
    expect(steps('\uFEFFping\r\nsleep 1s\r\n').map((s) => s.verb)).toEqual(['ping', 'sleep']);
  });
});

describe('parseScenario: every error names FILE:LINE', () => {
  it.each([
    ['ping\nfrobnicate 3', 't.wsx:2: unknown step "frobnicate"'],
    ['expect /abc', 't.wsx:1: expect: unclosed regex: no closing /'],
    ['\n\nexpect json a == pong', 't.wsx:3: expect: invalid JSON value pong'],
    ['expect json a == 1 within soon', 't.wsx:1: within: "soon" is not a duration'],
    ['expect /a/ whenever', 't.wsx:1: unexpected "whenever"'],
    ['expect', 't.wsx:1: expect: missing matcher'],
    ['expect 0 /a/', 't.wsx:1: expect: the count must be 1 or more'],
    ['expect no', 't.wsx:1: expect no: missing matcher'],
    ['expect /(/', 't.wsx:1: expect: invalid regex'],
    ['ignore json x', 't.wsx:1: ignore: json x: expected ==, !=, <, >, =~ or exists'],
    ['send', 't.wsx:1: send: missing payload'],
    ['send {{ bad name }}', 't.wsx:1: {{ bad name }} is not a variable'],
    ['send-hex 0g', 't.wsx:1: send-hex: not hex'],
    ['send-base64 ***', 't.wsx:1: send-base64: not base64'],
    ['ping\nsend <<END\n{"a":1}\n', 't.wsx:2: send <<END: no line "END" ends the payload'],
    ['send <<', 't.wsx:1: send <<WORD'],
    ['capture x = json a', 't.wsx:1: capture reads the message the last expect matched'],
    ['expect /a/\ncapture x', 't.wsx:2: capture: write capture NAME = json PATH'],
    ['expect /a/\ncapture 1x = json a', 't.wsx:2: capture: "1x" is not a variable name'],
    ['expect /a/\ncapture x = foo', 't.wsx:2: capture: expected json PATH or /re(group)/'],
    ['expect /a/\ncapture x = json a..b', 't.wsx:2: capture: cannot read path'],
    ['expect /a/\ncapture x = /(/', 't.wsx:2: capture: invalid regex'],
    ['sleep forever', 't.wsx:1: sleep: "forever" is not a duration'],
    ['ping now', 't.wsx:1: unexpected "now"'],
    ['close 1006', 't.wsx:1: close: 1006 is not a close code wsx may send'],
    ['close abc', 't.wsx:1: close: abc is not a close code'],
    [`close 1000 ${'r'.repeat(124)}`, 't.wsx:1: close: the reason is over 123 bytes'],
    ['expect-close 99', 't.wsx:1: expect-close: 99 is not a close code'],
    ['expect-close 1000 later', 't.wsx:1: unexpected "later"'],
    ['connect', 't.wsx:1: connect: missing URL'],
    ['ping\nconnect ws://a', 't.wsx:2: connect must come before the other steps'],
    ['connect ws://a\nconnect ws://b', 't.wsx:2: a second connect'],
    ['connect ws://a b', 't.wsx:1: unexpected "b"'],
  ])('%j → %s', (text, message) => {
    expect(syntaxError(text)).toContain(message);
  });
});

describe('readScenario', () => {
  it('names a file that does not exist, and a directory', () => {
    expect(() => readScenario(join(dir, 'missing.wsx'))).toThrow(`${join(dir, 'missing.wsx')}: no such file`);
    const sub = join(dir, 'sub.wsx');
    mkdirSync(sub);
    expect(() => readScenario(sub)).toThrow(`${sub}: is a directory`);
  });

  it('names the first line that is not UTF-8', () => {
    const file = join(dir, 'latin1.wsx');
    writeFileSync(
      file,
      Buffer.concat([Buffer.from('ping\nsend caf'), Buffer.from([0xe9]), Buffer.from('\n')]),
    );
    expect(() => readScenario(file)).toThrow(`${file}:2: not UTF-8 text`);
  });

  it('reads a good file', () => {
    const file = join(dir, 'ok.wsx');
    writeFileSync(file, 'connect ws://127.0.0.1:1\nsend hi\n');
    expect(readScenario(file)).toMatchObject({ file, url: 'ws://127.0.0.1:1', steps: [{ verb: 'send' }] });
  });
});

describe('parseScenario: expect all … end', () => {
  it('reads a group of matchers met in any order within one deadline, each with its line', () => {
    const [group] = steps(
      'expect all within 2s\n  json id == 1\n  # the event may come first\n  2 json method == "Target.targetCreated"\nend\n',
    );
    expect(group).toMatchObject({
      verb: 'expect-all',
      withinMs: 2000,
      line: 1,
      text: 'expect all within 2s (json id == 1; 2 json method == "Target.targetCreated")',
    });
    const items = (group as Extract<Step, { verb: 'expect-all' }>).items;
    expect(items.map((i) => [i.matcher.label, i.count, i.line])).toEqual([
      ['json id == 1', 1, 2],
      ['json method == "Target.targetCreated"', 2, 4],
    ]);
  });

  it.each([
    ['ping\nexpect all\n  /a/\n', 't.wsx:2: expect all: no line "end" closes the group'],
    ['expect all\nend', 't.wsx:1: expect all: no matcher before end'],
    ['expect all\n  /a/\n  json x\nend', 't.wsx:3: expect all: json x: expected =='],
    ['expect all soon\n/a/\nend', 't.wsx:1: unexpected "soon"'],
  ])('%j fails with %j', (text, message) => expect(syntaxError(text)).toContain(message));
});

describe('parseScenario: variables are known before anything runs', () => {
  const known = { vars: ['team'], env: { TOKEN: 't' } };
  const parse = (text: string) => parseScenario('t.wsx', text, known);

  it('accepts {{name}} in expects, ignores and sends once a capture or --var defines it', () => {
    const s = parse(
      'send {"team":"{{team}}","token":"{{env.TOKEN}}"}\nexpect json id == 1\ncapture id = json result.targetId\n' +
        'expect json params.targetId == "{{id}}" and /{{team}}/\nignore json from == "{{id}}"\nexpect no json n == {{id}}\n',
    );
    expect(s.steps.map((x) => x.verb)).toEqual([
      'send',
      'expect',
      'capture',
      'expect',
      'ignore',
      'expect-no',
    ]);
  });

  it.each([
    [
      'expect json a == "{{id}}"',
      't.wsx:1: unknown variable {{id}} (capture it in an earlier step, or pass --var id=VALUE)',
    ],
    ['send x\nexpect /x/\nsend {{id}}\ncapture id = json a', 't.wsx:3: unknown variable {{id}}'],
    ['expect all\n  /{{nope}}/\nend', 't.wsx:1: unknown variable {{nope}}'],
    [
      'ignore /{{env.UNSET_HERE}}/',
      't.wsx:1: {{env.UNSET_HERE}}: environment variable UNSET_HERE is not set',
    ],
    ['expect /{{ bad name }}/', 't.wsx:1: {{bad name}} is not a variable'],
    ['expect json a == {{x}', 't.wsx:1: expect: invalid JSON value'],
  ])('%j fails with %j', (text, message) => {
    try {
      parse(text);
    } catch (err) {
      expect((err as Error).message).toContain(message);
      return;
    }
    throw new Error('parsed without an error');
  });
});
