// The lens's filter and search: a pattern typed after `/` (or `s`) -> which buffer entries it lets through.
// A regex, or the scenario matcher's language (`json PATH == VALUE and /re/`, as `expect` speaks it);
// `!` in front for the inverse.

import { MatchSyntaxError, matches, parseMatcher } from '../../match/matcher.js';
import { isRegexTooSlow, testRegex } from '../../match/regex-guard.js';
import type { LogBuffer } from './log-buffer.js';
import { entryText, type LogEntry } from './log-entry.js';

export interface Pattern {
  test: (entry: LogEntry) => boolean;
  /** Set when the text is not a valid regex and is matched literally instead. */
  note?: string;
}

/** Characters of one entry a pattern looks at: a 60 MiB message must not stall the screen. */
const maxTestedChars = 64 * 1024;

/**
 * Compiles a filter text. `json …` is the matcher language of `expect` (messages only: a state line is not
 * JSON). Anything else is a regex, smart case: case-insensitive unless the pattern has a capital letter.
 * An invalid regex is matched as literal text, with a note saying so; an invalid matcher matches nothing.
 */
export function compilePattern(source: string): Pattern | undefined {
  const isInverse = source.startsWith('!');
  const body = isInverse ? source.slice(1) : source;
  if (body === '') return undefined;
  if (/^json\s/.test(body)) return compileMatcher(body, isInverse);
  // Smart case without the i flag: a pattern with no capital letter is matched against the lower-cased
  // text. V8's linear engine, which bounds a backtracking pattern such as (l+)+$, cannot run the i flag.
  const isSmartCase = !/[A-Z]/.test(body);
  let regex: RegExp;
  let note: string | undefined;
  try {
    regex = new RegExp(body);
  } catch {
    regex = new RegExp(body.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    note = 'not a valid regex: matched as text';
  }
  return guarded(isInverse, note, (entry) => {
    const text = entryText(entry).slice(0, maxTestedChars);
    return testRegex(regex, isSmartCase ? text.toLowerCase() : text);
  });
}

/**
 * A pattern whose test gives up on a regex that runs away (the guarded worker's time limit): it then says
 * why in its note and matches nothing, without trying again on the next entry (the buffer holds 10,000).
 */
function guarded(
  isInverse: boolean,
  note: string | undefined,
  isMatch: (entry: LogEntry) => boolean,
): Pattern {
  let isStopped = false;
  const pattern: Pattern = {
    test: (entry) => {
      if (isStopped) return false;
      try {
        return isMatch(entry) !== isInverse;
      } catch (err) {
        if (!isRegexTooSlow(err)) throw err;
        isStopped = true;
        pattern.note = `${err.message}; the filter matches nothing`;
        return false;
      }
    },
  };
  if (note) pattern.note = note;
  return pattern;
}

function compileMatcher(body: string, isInverse: boolean): Pattern {
  try {
    const matcher = parseMatcher(body);
    // A --proto session's messages are decoded entries, whose text is the message's JSON line.
    const isMessage = (entry: LogEntry) =>
      entry.kind === 'decoded' ||
      ((entry.kind === 'sent' || entry.kind === 'received' || entry.kind === 'dropped') && !entry.isBinary);
    return guarded(isInverse, undefined, (entry) => isMessage(entry) && matches(matcher, entryText(entry)));
  } catch (err) {
    if (!(err instanceof MatchSyntaxError)) throw err;
    return { test: () => isInverse, note: `not a valid matcher: ${err.message}` };
  }
}

/**
 * Seqs of the entries a pattern lets through, oldest first. Results are cached per seq: while a flood arrives
 * only the new entries are tested, not the whole buffer each frame.
 */
export class FilterIndex {
  private source = '';
  private pattern: Pattern | undefined;
  private cache = new Map<number, boolean>();

  /** Changes the pattern; returns it (undefined for none). */
  use(source: string): Pattern | undefined {
    if (source !== this.source) {
      this.source = source;
      this.pattern = compilePattern(source);
      this.cache.clear();
    }
    return this.pattern;
  }

  /** Every seq in the buffer that matches (all of them when there is no pattern). */
  visible(log: LogBuffer): number[] {
    const seqs: number[] = [];
    const pattern = this.pattern;
    if (!pattern) {
      for (let seq = log.firstSeq; seq <= log.lastSeq; seq++) seqs.push(seq);
      return seqs;
    }
    // Forget entries that have left the buffer so the cache stays as bounded as the buffer.
    if (this.cache.size > log.limits.maxEntries * 2) {
      for (const seq of this.cache.keys()) if (seq < log.firstSeq) this.cache.delete(seq);
    }
    for (const entry of log.from(log.firstSeq)) {
      let isMatch = this.cache.get(entry.seq);
      if (isMatch === undefined) {
        isMatch = pattern.test(entry);
        this.cache.set(entry.seq, isMatch);
      }
      if (isMatch) seqs.push(entry.seq);
    }
    return seqs;
  }
}
