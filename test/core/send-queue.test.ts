import { describe, expect, it } from 'vitest';
import { SendQueue, type Outgoing } from '../../src/core/send-queue.js';

let seq = 0;
function msg(data: string, deadlineAt?: number): Outgoing {
  return { seq: ++seq, data, isBinary: false, bytes: Buffer.byteLength(data), queuedAt: 0, deadlineAt };
}

describe('SendQueue', () => {
  it('keeps messages in order', () => {
    const q = new SendQueue();
    ['a', 'b', 'c'].forEach((d) => q.push(msg(d)));
    expect([q.shift()?.data, q.shift()?.data, q.shift()?.data, q.shift()]).toEqual([
      'a',
      'b',
      'c',
      undefined,
    ]);
  });

  it('says full at the message limit but still keeps the message, and has room again at half', () => {
    const q = new SendQueue({ maxMessages: 4, maxBytes: 1e9 });
    expect([q.push(msg('1')), q.push(msg('2')), q.push(msg('3'))]).toEqual([true, true, true]);
    expect(q.push(msg('4'))).toBe(false);
    expect(q.push(msg('5'))).toBe(false);
    expect(q.length).toBe(5);
    q.shift();
    q.shift();
    q.shift();
    expect(q.hasRoom()).toBe(false);
    q.shift();
    expect(q.hasRoom()).toBe(true);
  });

  it('counts bytes, not characters, against the byte limit', () => {
    const q = new SendQueue({ maxMessages: 100, maxBytes: 10 });
    expect(q.push(msg('ééé'))).toBe(true); // 6 bytes
    expect(q.bytes).toBe(6);
    expect(q.push(msg('éé'))).toBe(false); // 10 bytes
  });

  it('drops a queued message once its deadline passes and keeps the others in order', () => {
    const q = new SendQueue();
    q.push(msg('keep-1'));
    q.push(msg('late', 100));
    q.push(msg('keep-2', 500));
    q.push(msg('later', 200));
    expect(q.nextDeadline()).toBe(100);
    expect(q.expire(99)).toEqual([]);
    expect(q.expire(200).map((m) => m.data)).toEqual(['late', 'later']);
    expect(q.nextDeadline()).toBe(500);
    expect(q.takeAll().map((m) => m.data)).toEqual(['keep-1', 'keep-2']);
    expect(q.bytes).toBe(0);
  });

  it('stays correct across compaction after many shifts', () => {
    const q = new SendQueue({ maxMessages: 1e6, maxBytes: 1e9 });
    for (let i = 0; i < 5000; i++) q.push(msg(String(i)));
    for (let i = 0; i < 3000; i++) expect(q.shift()?.data).toBe(String(i));
    q.push(msg('tail'));
    expect(q.length).toBe(2001);
    expect(q.peek()?.data).toBe('3000');
    const rest = q.takeAll().map((m) => m.data);
    expect(rest[0]).toBe('3000');
    expect(rest.at(-1)).toBe('tail');
  });
});
