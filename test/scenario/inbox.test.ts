import { describe, expect, it } from 'vitest';
import { parseMatcher } from '../../src/match/matcher.js';
import { Inbox } from '../../src/scenario/inbox.js';
import { maxListedMessages, SeenLog } from '../../src/scenario/results.js';

const push = (inbox: Inbox, text: string) => inbox.push(Buffer.from(text), false);

describe('Inbox: memory bounded by what is unread', () => {
  it('holds a bounded number of messages through 100,000 heartbeats while an expect waits, and counts them', () => {
    const inbox = new Inbox();
    const seen = new SeenLog();
    const reading = inbox.expecting(
      [{ matcher: parseMatcher('json type == "done"'), count: 1 }],
      false,
      seen,
    );
    let maxRetained = 0;
    for (let i = 0; i < 100_000; i++) {
      push(inbox, `{"type":"heartbeat","n":${i}}`);
      if (i % 100 === 0) expect(reading.scan()).toBe(false);
      maxRetained = Math.max(maxRetained, inbox.retainedCount);
    }
    push(inbox, '{"type":"done"}');
    expect(reading.scan()).toBe(true);
    expect(maxRetained).toBeLessThan(1000);
    expect(seen.listed).toHaveLength(maxListedMessages);
    expect(seen.listed.length + seen.unlisted).toBe(100_001);
    // capture still reads the match; failure reports still have the last messages.
    expect(inbox.lastMatched()?.text).toBe('{"type":"done"}');
    expect(inbox.lastTexts(3)).toEqual([
      '{"type":"heartbeat","n":99998}',
      '{"type":"heartbeat","n":99999}',
      '{"type":"done"}',
    ]);
  });

  it('stays bounded while an expect waits after an earlier expect matched (the old match pins nothing)', () => {
    const inbox = new Inbox();
    push(inbox, '{"type":"hello"}');
    expect(
      inbox.expecting([{ matcher: parseMatcher('/hello/'), count: 1 }], false, new SeenLog()).scan(),
    ).toBe(true);
    const reading = inbox.expecting([{ matcher: parseMatcher('/done/'), count: 1 }], true, new SeenLog());
    for (let i = 0; i < 20_000; i++) {
      push(inbox, `{"type":"heartbeat","n":${i}}`);
      if (i % 100 === 0) expect(reading.scan()).toBe(false);
    }
    expect(reading.scan()).toBe(false);
    expect(inbox.retainedCount).toBeLessThan(1000);
    expect(inbox.lastMatched()?.text).toBe('{"type":"hello"}');
  });

  it('keeps nothing of a stream an ignore drops while no step reads (a long sleep), only its count', () => {
    const inbox = new Inbox();
    inbox.ignore(parseMatcher('json type == "heartbeat"'));
    for (let i = 0; i < 50_000; i++) push(inbox, `{"type":"heartbeat","n":${i}}`);
    push(inbox, '{"type":"reply"}');
    expect(inbox.retainedCount).toBe(1);
    const seen = new SeenLog();
    const reading = inbox.expecting(
      [{ matcher: parseMatcher('json type == "reply"'), count: 1 }],
      false,
      seen,
    );
    expect(reading.scan()).toBe(true);
    expect(seen.ignored).toBe(50_000);
    expect(seen.listed.map((m) => m.role)).toEqual(['matched']);
  });

  it('still keeps a reply that arrived before its expect, and an ignore added later still applies to it', () => {
    const inbox = new Inbox();
    push(inbox, '{"type":"heartbeat"}');
    push(inbox, '{"type":"reply"}');
    inbox.ignore(parseMatcher('json type == "heartbeat"'));
    const seen = new SeenLog();
    expect(inbox.expecting([{ matcher: parseMatcher('/reply/'), count: 1 }], false, seen).scan()).toBe(true);
    expect(seen.ignored).toBe(1);
    expect(seen.listed).toEqual([{ text: '{"type":"reply"}', isBinary: false, role: 'matched' }]);
  });
});

describe('Inbox: expectations in any order', () => {
  it('meets a group whatever order its messages arrive in; capture reads what the last matcher matched', () => {
    const inbox = new Inbox();
    push(inbox, '{"method":"Target.targetCreated","params":{"targetId":"T1"}}');
    push(inbox, '{"id":2,"result":{"targetId":"T1"}}');
    const seen = new SeenLog();
    const reading = inbox.expecting(
      [
        { matcher: parseMatcher('json id == 2'), count: 1 },
        { matcher: parseMatcher('json method == "Target.targetCreated"'), count: 1 },
      ],
      false,
      seen,
    );
    expect(reading.scan()).toBe(true);
    expect(inbox.lastMatched()?.text).toContain('targetCreated');
    expect(seen.listed.map((m) => m.role)).toEqual(['matched', 'matched']);
  });

  it('names the closest message each missing matcher saw, and why it did not match', () => {
    const inbox = new Inbox();
    push(inbox, 'not json');
    push(inbox, '{"id":3,"result":{}}');
    push(inbox, '{"other":1}');
    const reading = inbox.expecting(
      [{ matcher: parseMatcher('json id == 2 and json result exists'), count: 1 }],
      false,
      new SeenLog(),
    );
    expect(reading.scan()).toBe(false);
    expect(reading.closest(0)).toEqual({
      text: '{"id":3,"result":{}}',
      why: 'json id == 2: id is 3 (number)',
    });
  });
});
