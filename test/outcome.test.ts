import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../src/cli/program.js';
import { WsxError, type WsxErrorKind } from '../src/core/errors.js';
import { ExitCode, outcomeOfThrown, verdictFor, type Outcome } from '../src/outcome.js';

const url = 'ws://127.0.0.1:9/';
const err = (kind: WsxErrorKind, message = 'boom', hint?: string) =>
  new WsxError(kind, message, hint ? { hint } : {});

describe('verdictFor: one table from how a run ended to its exit code and stderr lines', () => {
  it.each<[string, Outcome, number, string[]]>([
    ['a completed run', { ended: 'completed', hasOpened: true }, 0, []],
    [
      'a refused connect',
      { ended: 'failed', error: err('refused', 'connection refused', 'is the server running?'), url },
      3,
      [`cannot connect to ${url}: connection refused (is the server running?)`],
    ],
    [
      'a network failure after the socket opened',
      { ended: 'failed', error: err('network', 'network error (ECONNRESET)'), url, hasOpened: true },
      5,
      [`connection to ${url} lost: network error (ECONNRESET)`],
    ],
    [
      'a close by the server, worded by the close itself',
      { ended: 'failed', error: err('closed-by-peer', 'closed by server: 1011'), url, hasOpened: true },
      5,
      ['closed by server: 1011'],
    ],
    ['a timeout', { ended: 'timed-out', message: 'timed out after 1s' }, 4, ['timed out after 1s']],
    ['an unmet expectation', { ended: 'unmet', message: 'no match for /x/' }, 4, ['no match for /x/']],
    [
      'a local failure',
      { ended: 'local-error', message: 'cannot write to stdout: ENOSPC' },
      1,
      ['cannot write to stdout: ENOSPC'],
    ],
    ['a usage error commander printed', { ended: 'usage' }, 2, []],
    ['a usage error wsx words', { ended: 'usage', message: '--count: bad' }, 2, ['--count: bad']],
    ['SIGINT', { ended: 'interrupted' }, 130, []],
    ['SIGTERM', { ended: 'terminated' }, 143, []],
  ])('%s', (_name, outcome, code, lines) => {
    expect(verdictFor(outcome)).toMatchObject({ code, lines });
  });

  it('never exits 0 when messages were left undelivered: 5 after an open, 3 if none ever opened', () => {
    const delivery = { dropped: 2, unconfirmed: 1 };
    const opened = verdictFor({ ended: 'completed', hasOpened: true, delivery });
    expect(opened.code).toBe(5);
    expect(opened.lines).toEqual([
      '2 messages dropped (still queued when the connection closed)',
      '1 message was being written when the connection dropped; delivery unconfirmed',
    ]);
    expect(verdictFor({ ended: 'completed', hasOpened: false, delivery }).code).toBe(3);
    expect(verdictFor({ ended: 'completed', delivery: { dropped: 0, unconfirmed: 0 } }).code).toBe(0);
  });

  it('lets a script whose expectations all matched exit 0, still naming what was not confirmed', () => {
    const verdict = verdictFor({
      ended: 'expectations-met',
      hasOpened: true,
      delivery: { dropped: 0, unconfirmed: 1 },
    });
    expect(verdict).toMatchObject({
      code: 0,
      lines: ['1 message was being written when the connection dropped; delivery unconfirmed'],
    });
  });

  it('keeps the code of what ended the run first, and names the undelivered messages after it', () => {
    const verdict = verdictFor({
      ended: 'timed-out',
      message: 'timed out after 2s',
      delivery: { dropped: 1, unconfirmed: 0 },
      dropAfterMs: 500,
    });
    expect(verdict.code).toBe(4);
    expect(verdict.lines).toEqual([
      'timed out after 2s',
      '1 message dropped (not sent within 500ms or still queued at close)',
    ]);
    expect(verdictFor({ ended: 'interrupted', delivery: { dropped: 3, unconfirmed: 0 } }).code).toBe(130);
  });

  it('adds the run counters as a --verbose detail line, after the verdict', () => {
    const delivery = { dropped: 0, unconfirmed: 0, sent: 3, received: 2, reconnects: 1 };
    expect(verdictFor({ ended: 'completed', hasOpened: true, delivery }).detail).toBe(
      'sent 3, received 2, dropped 0, reconnects 1',
    );
    expect(verdictFor({ ended: 'completed' }).detail).toBeUndefined();
  });

  it("gives a failed wsx run the first failing file's code, adding no line (each file printed its own)", () => {
    expect(verdictFor({ ended: 'scenario-failed', code: 4 })).toEqual({ code: 4, lines: [] });
    expect(verdictFor({ ended: 'scenario-failed', code: 2 })).toEqual({ code: 2, lines: [] });
  });

  it('hands the failure over as the cause, for --verbose to print its stack', () => {
    const error = err('protocol', 'bad frame');
    expect(verdictFor({ ended: 'failed', error, url, hasOpened: true }).cause).toBe(error);
  });

  it('words an internal error with a hint, or without it under --verbose', () => {
    const outcome: Outcome = { ended: 'internal', error: new Error('oops') };
    expect(verdictFor(outcome).lines).toEqual([
      'internal error: oops (run with --verbose for the stack trace)',
    ]);
    expect(verdictFor(outcome, { isVerbose: true }).lines).toEqual(['internal error: oops']);
    expect(verdictFor(outcome).code).toBe(1);
  });
});

describe('outcomeOfThrown', () => {
  it('maps a bad option or URL to usage (2), another WsxError to a local error (1), anything else to internal', () => {
    expect(verdictFor(outcomeOfThrown(err('invalid-option', '--x: bad', 'try y')))).toMatchObject({
      code: 2,
      lines: ['--x: bad (try y)'],
    });
    expect(verdictFor(outcomeOfThrown(err('invalid-url', 'invalid URL'))).code).toBe(2);
    expect(verdictFor(outcomeOfThrown(err('tls', 'cannot read key'))).code).toBe(1);
    expect(outcomeOfThrown(new TypeError('x')).ended).toBe('internal');
  });
});

describe('the exit-code table', () => {
  it('in the README lists exactly the codes the program uses, and --help names each', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const table = readme.slice(readme.indexOf('## Exit codes'), readme.indexOf('Errors are one line'));
    const documented = [...table.matchAll(/^\| ([\d, ]+) \|/gm)].flatMap((m) => m[1]!.split(',').map(Number));
    const used = Object.values(ExitCode);
    expect(documented.sort((a, b) => a - b)).toEqual([...used].sort((a, b) => a - b));
    let help = '';
    const program = buildProgram('0.0.0').configureOutput({ writeOut: (text) => (help += text) });
    program.outputHelp();
    const line = help.slice(help.indexOf('Exit codes:'));
    for (const code of used) expect(line).toMatch(new RegExp(`(^|[\\s/])${code}\\b`, 'm'));
  });
});
