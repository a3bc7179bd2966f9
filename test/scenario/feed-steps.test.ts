import { describe, expect, it } from 'vitest';
import { Connection } from '../../src/core/connection.js';
import { parseExpectation } from '../../src/match/expectations.js';
import { feedSteps } from '../../src/scenario/runner.js';
import type { Step } from '../../src/scenario/steps.js';

const expectStep = (kind: 'regex' | 'json', text: string): Step => {
  const { matcher } = parseExpectation(kind, text);
  return { verb: 'expect', matcher, count: 1, withinMs: undefined, mayReuseLast: true, line: 0, text };
};

describe('feedSteps (script mode on the scenario runner)', () => {
  it('advances synchronously on each pushed message; one message may satisfy consecutive expects', async () => {
    // Never started: the caller feeds the messages, nothing goes on the network.
    const conn = new Connection({ url: 'ws://127.0.0.1:9/', heartbeat: false });
    const done: string[] = [];
    const run = feedSteps(
      conn,
      [expectStep('regex', 'pong'), expectStep('json', 'type=pong'), expectStep('regex', 'second')],
      { vars: new Map(), env: {}, stepTimeoutMs: Infinity },
      { stepDone: (_file, r) => done.push(`${r.step.text}:${String(r.isOk)}`) },
    );
    run.push('hello');
    expect(done).toEqual([]);
    run.push('{"type":"pong"}');
    expect(done).toEqual(['pong:true', 'type=pong:true']);
    run.push('the second one');
    expect(done).toEqual(['pong:true', 'type=pong:true', 'second:true']);
    const outcome = await run.done;
    expect([outcome.isOk, outcome.code]).toEqual([true, 0]);
  });
});
