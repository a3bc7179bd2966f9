import { describe, expect, it } from 'vitest';
import { intersectSorted, LensIndexes } from '../../../src/ui/log/lens-indexes.js';
import { LogBuffer } from '../../../src/ui/log/log-buffer.js';

const add = (log: LogBuffer, text: string) =>
  log.push({ kind: 'received', at: 0, data: Buffer.from(text), isBinary: false });

describe('the lens indexes', () => {
  it('show what the filter lets through and the search hits among it', () => {
    const log = new LogBuffer({ maxEntries: 100, maxBytes: 1 << 20 });
    for (const text of ['alpha 1', 'beta 2', 'alpha 3', 'beta 4']) add(log, text);
    const indexes = new LensIndexes();
    expect(indexes.view(log, '', '').visible).toEqual([1, 2, 3, 4]);
    const view = indexes.view(log, '[34]', 'alpha');
    expect(view.visible).toEqual([3, 4]);
    expect(view.hits).toEqual([3]);
    expect(view.filterPattern).toBeDefined();
  });

  it('reuse the lists while nothing arrives, and follow what arrives, leaves or is cleared', () => {
    const log = new LogBuffer({ maxEntries: 3, maxBytes: 1 << 20 });
    add(log, 'a');
    const indexes = new LensIndexes();
    const first = indexes.view(log, '', '');
    expect(indexes.view(log, '', '')).toBe(first);
    for (const text of ['b', 'c', 'd']) add(log, text);
    expect(indexes.view(log, '', '').visible).toEqual([2, 3, 4]);
    log.clear();
    expect(indexes.view(log, '', '').visible).toEqual([]);
  });

  it('intersect two sorted lists by merging them', () => {
    expect(intersectSorted([1, 3, 5, 7], [2, 3, 4, 7, 9])).toEqual([3, 7]);
    expect(intersectSorted([], [1])).toEqual([]);
  });
});
