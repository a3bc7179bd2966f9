import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { junitReport, xmlAttr, xmlText } from '../../src/scenario/junit.js';
import type { FileResult } from '../../src/scenario/results.js';
import { parseScenario } from '../../src/scenario/parser.js';
import { find, parseXml } from './xml.js';

const dir = mkdtempSync(join(tmpdir(), 'wsx-junit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Everything a hostile server can put in a message that could break or inject into XML.
const hostile = [
  'nul\u0000 bel\u0007 esc\u001b[31m vt\u000b ff\u000c',
  ']]> <![CDATA[x]]> </failure><injected a="1"/>',
  `"double" 'single' &amp; &#0; <&>`,
  'lone \uD800 surrogate, \uFFFE and \uFFFF non-characters, C1 \u0085\u009b',
  'astral 😀 kept, tab\tcr\rlf\nend',
].join(' | ');

function failedResult(file: string): FileResult {
  const steps = parseScenario(file, 'send x\nexpect /pong/ within 1s').steps;
  return {
    file,
    url: 'ws://127.0.0.1:1/',
    isOk: false,
    code: 4,
    ms: 1234,
    steps: [
      { step: steps[0]!, isOk: true, ms: 1, messages: [] },
      {
        step: steps[1]!,
        isOk: false,
        ms: 1000,
        messages: [{ text: hostile, isBinary: false, role: 'skipped' }],
      },
    ],
    failure: { step: steps[1]!, message: `timed out; last message: ${hostile}`, lastSeen: [hostile] },
  };
}

describe('junitReport', () => {
  it('writes a file a strict XML parser reads back, whatever the server sent', () => {
    const file = join(dir, 'report.xml');
    const passed: FileResult = { file: 'ok "1".wsx', url: 'ws://x/', isOk: true, code: 0, ms: 5, steps: [] };
    writeFileSync(file, junitReport([passed, failedResult('bad <&>.wsx')], new Date('2026-01-02T03:04:05Z')));
    const doc = parseXml(readFileSync(file, 'utf8'));
    expect(doc.name).toBe('testsuites');
    const [suite, ...more] = find(doc, 'testsuite');
    expect(more).toEqual([]);
    expect(suite!.attributes).toMatchObject({
      tests: '2',
      failures: '1',
      errors: '0',
      timestamp: '2026-01-02T03:04:05.000Z',
    });
    const cases = find(doc, 'testcase');
    expect(cases.map((c) => c.attributes.name)).toEqual(['ok "1".wsx', 'bad <&>.wsx']);
    expect(find(cases[0]!, 'failure')).toEqual([]);
    const [failure] = find(cases[1]!, 'failure');
    // Nothing was injected: the fake closing tag and element stayed text.
    expect(find(doc, 'injected')).toEqual([]);
    expect(failure!.attributes.type).toBe('expectation');
    const message = failure!.attributes.message!;
    expect(message.startsWith('bad <&>.wsx:2: expect /pong/ within 1s: timed out; last message: ')).toBe(
      true,
    );
    // Characters XML cannot hold became visible escapes; everything else survived exactly, in both places.
    const expected = hostile
      .replace('\u0000', '\\u{0}')
      .replace('\u0007', '\\u{7}')
      .replace('\u001b', '\\u{1b}')
      .replace('\u000b', '\\u{b}')
      .replace('\u000c', '\\u{c}')
      .replace('\uD800', '\\u{d800}')
      .replace('\uFFFE', '\\u{fffe}')
      .replace('\uFFFF', '\\u{ffff}');
    expect(message.endsWith(expected)).toBe(true);
    expect(failure!.text).toContain(`last messages:\n  ${expected.replace('\r', '\n')}`);
    expect(find(cases[1]!, 'system-out')[0]!.text).toContain('<- skipped: ');
  });

  it('masks secrets everywhere in the report', () => {
    const result = failedResult('t.wsx');
    result.failure!.lastSeen = ['{"token":"hunter2"}'];
    result.failure!.message = 'timed out; last message: hunter2';
    const xml = junitReport([result], new Date(), ['hunter2']);
    expect(xml).not.toContain('hunter2');
    expect(parseXml(xml).name).toBe('testsuites');
    expect(xml).toContain('{"token":"***"}');
  });

  it('escapes attribute and text characters', () => {
    expect(xmlAttr(`a"b'c<d>&\n`)).toBe('a&quot;b&apos;c&lt;d&gt;&amp;&#10;');
    expect(xmlText(']]>&<')).toBe(']]&gt;&amp;&lt;');
  });
});
