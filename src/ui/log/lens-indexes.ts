// What the lens shows of the log: the entries the filter lets through and the search hits among them,
// recomputed only when the buffer or a pattern changes (a frame that changes neither reuses both lists).

import type { LogBuffer } from './log-buffer.js';
import { FilterIndex, type Pattern } from './log-filter.js';

export interface LensView {
  /** Seqs the filter lets through, oldest first. */
  visible: readonly number[];
  /** Seqs among `visible` the search matches, oldest first. */
  hits: readonly number[];
  /** The compiled filter, undefined for none (its note says how it was read). */
  filterPattern: Pattern | undefined;
}

/** The numbers in both ascending lists. */
export function intersectSorted(a: readonly number[], b: readonly number[]): number[] {
  const both: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      both.push(a[i]!);
      i++;
      j++;
    }
  }
  return both;
}

/** Caches that live as long as the session: one per pattern, each remembering which entry matched. */
export class LensIndexes {
  private readonly filter = new FilterIndex();
  private readonly search = new FilterIndex();
  private last: { key: string; view: LensView } | undefined;

  /**
   * The view for these patterns. Entries are numbered in order and never change their text, so the buffer's
   * first and last seq say whether anything arrived, left or was cleared since the last call.
   */
  view(log: LogBuffer, filter: string, search: string): LensView {
    const filterPattern = this.filter.use(filter);
    const searchPattern = this.search.use(search);
    const key = JSON.stringify([log.firstSeq, log.lastSeq, filter, search]);
    if (this.last?.key === key) return this.last.view;
    const visible = this.filter.visible(log);
    // Search hits among the entries the filter shows: both lists are cached per entry and sorted, so this is
    // a merge, not a regex run per entry per frame.
    const hits = searchPattern ? intersectSorted(this.search.visible(log), visible) : [];
    const view = { visible, hits, filterPattern };
    this.last = { key, view };
    return view;
  }
}
