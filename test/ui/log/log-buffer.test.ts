import { describe, expect, it } from 'vitest';
import { LogBuffer, entryBytes } from '../../../src/ui/log/log-buffer.js';
import type { LogEntry } from '../../../src/ui/log/log-entry.js';

const received = (text: string): LogEntry => ({
  kind: 'received',
  at: 0,
  data: Buffer.from(text),
  isBinary: false,
});

describe('LogBuffer', () => {
  it('keeps at most maxEntries: the oldest leave first and are counted as dropped', () => {
    const log = new LogBuffer({ maxEntries: 3, maxBytes: 1e9 });
    for (let i = 1; i <= 5; i++) log.push(received(`m${i}`));
    expect(log.length).toBe(3);
    expect(log.dropped).toBe(2);
    expect([...log.from(0)].map((e) => e.seq)).toEqual([3, 4, 5]);
    expect(log.get(2)).toBeUndefined();
    const fourth = log.get(4);
    expect(fourth?.kind === 'received' ? fourth.data.toString() : undefined).toBe('m4');
  });

  it('keeps at most maxBytes of payload: one large message pushes out as many small ones as needed', () => {
    const small = entryBytes(received('x'.repeat(100)));
    const log = new LogBuffer({ maxEntries: 1000, maxBytes: small * 10 });
    for (let i = 0; i < 10; i++) log.push(received('x'.repeat(100)));
    expect(log.dropped).toBe(0);
    log.push(received('y'.repeat(500)));
    expect(log.bytes).toBeLessThanOrEqual(small * 10);
    expect(log.dropped).toBe(4); // 596 bytes need four 196-byte entries to leave
    expect(log.firstSeq).toBe(5);
  });

  it('stays flat at its bound through a long flood (memory is bounded by the cap, not the session)', () => {
    const log = new LogBuffer({ maxEntries: 10_000, maxBytes: 64 * 1024 * 1024 });
    const payload = 'z'.repeat(200);
    let maxLength = 0;
    let maxBytes = 0;
    for (let i = 0; i < 200_000; i++) {
      log.push(received(payload));
      maxLength = Math.max(maxLength, log.length);
      maxBytes = Math.max(maxBytes, log.bytes);
    }
    expect(maxLength).toBe(10_000);
    expect(log.dropped).toBe(190_000);
    expect(maxBytes).toBe(10_000 * entryBytes(received(payload)));
    expect(log.lastSeq).toBe(200_000);
    expect(log.firstSeq).toBe(190_001);
  });

  it('clear() empties it without counting the entries as dropped and keeps numbering', () => {
    const log = new LogBuffer({ maxEntries: 5, maxBytes: 1e9 });
    log.push(received('a'));
    log.push(received('b'));
    log.clear();
    expect(log.length).toBe(0);
    expect(log.dropped).toBe(0);
    expect(log.push(received('c')).seq).toBe(3);
    expect(log.firstSeq).toBe(3);
  });
});
