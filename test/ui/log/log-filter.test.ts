import { describe, expect, it } from 'vitest';
import { compilePattern } from '../../../src/ui/log/log-filter.js';
import type { LogEntry } from '../../../src/ui/log/log-entry.js';

const received = (text: string): LogEntry => ({
  kind: 'received',
  at: 0,
  data: Buffer.from(text),
  isBinary: false,
});
const state = (text: string): LogEntry => ({ kind: 'state', at: 0, text, tone: 'good' });

describe('the lens filter', () => {
  it('speaks the expect matcher language: json PATH OP VALUE joined with and, on messages only', () => {
    const pattern = compilePattern('json type == "price" and json qty > 2')!;
    expect(pattern.note).toBeUndefined();
    expect(pattern.test(received('{"type":"price","qty":3}'))).toBe(true);
    expect(pattern.test(received('{"type":"price","qty":1}'))).toBe(false);
    // 7 and "7" differ, as they do in a scenario's expect.
    expect(compilePattern('json id == 7')!.test(received('{"id":"7"}'))).toBe(false);
    expect(pattern.test(state('json type == "price"'))).toBe(false);
  });

  it('inverts a matcher with !, and names a matcher mistake instead of matching', () => {
    const inverse = compilePattern('!json type == "heartbeat"')!;
    expect(inverse.test(received('{"type":"heartbeat"}'))).toBe(false);
    expect(inverse.test(received('{"type":"price"}'))).toBe(true);
    const broken = compilePattern('json type ==')!;
    expect(broken.note).toMatch(/^not a valid matcher: /);
    expect(broken.test(received('{"type":"price"}'))).toBe(false);
  });

  it('a backtracking filter never freezes the screen: smart case on a flood of L…L! answers at once', () => {
    // Before: the smart-case i flag kept V8 on its backtracking engine, and (l+)+$ never returned.
    const bait = received(`${'L'.repeat(40)}!`);
    const started = performance.now();
    expect(compilePattern('(l+)+$')!.test(bait)).toBe(false);
    expect(compilePattern('!(l+)+$')!.test(bait)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('stops a runaway filter the linear engine cannot take, says why, and matches nothing with it', () => {
    // A backreference keeps the pattern off the linear engine: it runs in the guarded worker.
    const pattern = compilePattern('^(l+)+\\1x')!;
    const bait = received(`${'l'.repeat(40)}!`);
    expect(pattern.test(bait)).toBe(false);
    expect(pattern.note).toMatch(/ran over 1 s .*rewrite the regex; the filter matches nothing/);
    // Once stopped it is not tried again: the next entry costs nothing.
    const started = performance.now();
    expect(pattern.test(received('lllx'))).toBe(false);
    expect(performance.now() - started).toBeLessThan(100);
  }, 10_000);

  it('keeps plain text a smart-case regex, and an invalid regex literal text', () => {
    expect(compilePattern('PRICE')!.test(received('price'))).toBe(false);
    expect(compilePattern('price')!.test(received('PRICE'))).toBe(true);
    const literal = compilePattern('a(b')!;
    expect(literal.note).toBe('not a valid regex: matched as text');
    expect(literal.test(received('xa(by'))).toBe(true);
  });

  it('matches decoded --proto entries by their JSON line, as a regex already did', () => {
    const decoded: LogEntry = {
      kind: 'decoded',
      at: 0,
      text: '{"event":"chat","args":["hi"]}',
      summary: 'chat "hi"',
      isError: false,
    };
    expect(compilePattern('json event == "chat"')!.test(decoded)).toBe(true);
    expect(compilePattern('json event == "other"')!.test(decoded)).toBe(false);
    expect(compilePattern('!json event == "chat"')!.test(decoded)).toBe(false);
    expect(compilePattern('chat')!.test(decoded)).toBe(true);
  });
});
