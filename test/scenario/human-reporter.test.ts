import { PassThrough } from 'node:stream';
import { Chalk } from 'chalk';
import { describe, expect, it } from 'vitest';
import { HumanReporter } from '../../src/scenario/human-reporter.js';
import { parseScenario } from '../../src/scenario/parser.js';
import type { FileResult } from '../../src/scenario/results.js';

function output(write: (r: HumanReporter) => void, secrets: string[] = []): string {
  const out = new PassThrough();
  let text = '';
  out.on('data', (d: Buffer) => (text += d.toString()));
  write(new HumanReporter(out, new Chalk({ level: 0 }), secrets));
  return text;
}

describe('HumanReporter', () => {
  const [send, expectStep] = parseScenario('t.wsx', 'send {"token":"{{env.T}}"}\nexpect json id == 7').steps;

  it('prints one line per step with its time, messages under it, and escapes server text', () => {
    const text = output((r) => {
      r.fileStarted('t.wsx', 'ws://h/');
      r.stepDone('t.wsx', { step: send!, isOk: true, ms: 3, messages: [] });
      r.stepDone('t.wsx', {
        step: expectStep!,
        isOk: true,
        ms: 12,
        messages: [
          { text: '\u001b]0;pwned\u0007{"id":6}', isBinary: false, role: 'skipped' },
          { text: '{"id":7}', isBinary: false, role: 'matched' },
        ],
        ignored: 1,
      });
    });
    expect(text).toBe(
      [
        't.wsx  ws://h/',
        '  ✓ send {"token":"{{env.T}}"}  3ms',
        '  ✓ expect json id == 7  12ms',
        '      ← \\e]0;pwned\\x07{"id":6}  (skipped)',
        '      ← {"id":7}',
        '      (1 ignored)',
        '',
      ].join('\n'),
    );
  });

  it('on failure names FILE:LINE, the step, the error and the last messages, secrets masked', () => {
    const result: FileResult = {
      file: 't.wsx',
      url: 'ws://h/',
      isOk: false,
      code: 4,
      ms: 40,
      steps: [],
      failure: {
        step: expectStep!,
        message:
          'timed out after 1s waiting for json id == 7; last message: json id == 7: id is "7" (string)',
        lastSeen: ['{"id":"7","token":"hunter2"}'],
      },
    };
    const text = output((r) => r.fileDone(result), ['hunter2']);
    expect(text).toBe(
      [
        'FAILED t.wsx:2: expect json id == 7',
        '  timed out after 1s waiting for json id == 7; last message: json id == 7: id is "7" (string)',
        '  last messages:',
        '    {"id":"7","token":"***"}',
        '',
      ].join('\n'),
    );
  });
});
