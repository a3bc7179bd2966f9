// The messages a scenario's connection received and no expect has read yet: a reply that arrives before its
// `expect` runs waits here. Also the `ignore` list, decided once per message.
//
// Memory stays bounded by what is unread, not by the length of the run: a message is dropped once the
// expects have read past it (a soak scenario against a 1,000 msg/s heartbeat kept every message and grew
// ~600 MB an hour). Kept besides: the message the last expect matched (what `capture` reads), the last three
// that arrived (failure reports) and, per waiting expect, the closest miss. A message an `ignore` already
// drops when it arrives is not kept at all, only counted, so a stream nobody expects can run for hours.

import {
  closeness,
  explainMismatch,
  matches,
  Subject,
  type Matcher,
  type VerdictView,
} from '../match/matcher.js';
import type { SeenLog } from './results.js';

export interface InboxEntry {
  /** The text; base64 for a binary message. */
  text: string;
  isBinary: boolean;
  subject: Subject;
  isIgnored?: boolean;
  /** Messages dropped on arrival by an `ignore` just before this one. */
  ignoredBefore: number;
}

/** What failure reports need of the message that came closest to matching. */
export interface ClosestMiss {
  text: string;
  /** Why it did not match: `json id == 2: id is 3 (number)`. */
  why: string;
}

/** Drop read messages once this many have piled up at the front (amortised: one splice per batch). */
const compactAfter = 256;
/** The last messages that arrived, kept for failure reports. */
const recentCount = 3;

export class Inbox {
  /** entries[i] is message number base + i; numbers count every stored message from 0. */
  private entries: InboxEntry[] = [];
  private base = 0;
  private readonly ignores: Matcher[] = [];
  /** Number of the next message no expect has read. */
  private cursor = 0;
  /** The message the last expect matched (capture reads it). */
  private lastMatch: InboxEntry | undefined;
  /**
   * Its number, while the next expect may still start there (--expect's mayReuseLast); cleared once a
   * scan has read on, so a long wait does not pin every message after an old match.
   */
  private reuseFrom: number | undefined;
  private readonly recent: string[] = [];
  /** Messages dropped on arrival since the last stored one. */
  private ignoredAtEnd = 0;

  constructor(
    /** Hears of each message an `expect invalid` counted: a break of the contract the scenario asked for. */
    private readonly onInvalidExpected?: (subject: Subject) => void,
  ) {}

  /** A message that arrived; `verdict` is its --asyncapi verdict when a contract checked it. */
  push(data: Buffer, isBinary: boolean, verdict?: VerdictView): void {
    const text = isBinary ? data.toString('base64') : data.toString('utf8');
    this.recent.push(text);
    if (this.recent.length > recentCount) this.recent.shift();
    const entry: InboxEntry = { text, isBinary, subject: new Subject(text, verdict), ignoredBefore: 0 };
    // Only a match is final here: an `ignore` step that runs later still applies to a message not yet read.
    if (this.ignores.length > 0 && this.isIgnored(entry)) {
      this.ignoredAtEnd++;
      return;
    }
    entry.ignoredBefore = this.ignoredAtEnd;
    this.ignoredAtEnd = 0;
    this.entries.push(entry);
  }

  /** How many messages are held (unread, plus the last match): what the memory bound is about. */
  get retainedCount(): number {
    return this.entries.length;
  }

  /** From now on, messages matching `matcher` are skipped by every expect. */
  ignore(matcher: Matcher): void {
    this.ignores.push(matcher);
  }

  /** The message the last expect matched (what `capture` reads). */
  lastMatched(): InboxEntry | undefined {
    return this.lastMatch;
  }

  /** The texts of the last messages that arrived (at most 3), newest last. */
  lastTexts(n: number): string[] {
    return this.recent.slice(-n);
  }

  /**
   * For `expect [N] MATCHER` and `expect all`: each scan() reads the messages that arrived since the last
   * one, recording them in `seen`, and returns true once every wanted matcher has matched its count; then
   * the messages up to the last one counted are consumed. A message counts for the first matcher still
   * waiting that it matches, so the matchers are met in any order. With `mayReuseLast`, reading starts at
   * the message the previous expect matched. `capture` afterwards reads what the last matcher matched.
   */
  expecting(
    wanted: { matcher: Matcher; count: number }[],
    mayReuseLast: boolean,
    seen: SeenLog,
  ): { scan(): boolean; found(i: number): number; closest(i: number): ClosestMiss | undefined } {
    let index = mayReuseLast && this.reuseFrom !== undefined ? this.reuseFrom : this.cursor;
    const found = wanted.map(() => 0);
    const best = wanted.map(() => ({ score: -1, entry: undefined as InboxEntry | undefined }));
    let lastCounted = -1;
    let matchOfLast: InboxEntry | undefined;
    return {
      scan: () => {
        for (; index < this.end(); index++) {
          const entry = this.at(index);
          seen.countIgnored(entry.ignoredBefore);
          if (this.isIgnored(entry)) {
            seen.countIgnored(1);
            continue;
          }
          const which = entry.isBinary
            ? -1
            : wanted.findIndex((w, i) => found[i]! < w.count && matches(w.matcher, entry.subject));
          seen.add({
            text: entry.text,
            isBinary: entry.isBinary,
            role: which === -1 ? 'skipped' : 'matched',
          });
          if (which === -1) {
            if (!entry.isBinary) this.rememberIfCloser(wanted, found, best, entry);
            continue;
          }
          found[which]!++;
          if (wanted[which]!.matcher.conditions.some((c) => c.kind === 'contract' && !c.isValid))
            this.onInvalidExpected?.(entry.subject);
          lastCounted = index;
          if (which === wanted.length - 1) matchOfLast = entry;
          if (wanted.every((w, i) => found[i]! >= w.count)) {
            this.lastMatch = matchOfLast ?? entry;
            this.reuseFrom = lastCounted;
            this.cursor = index + 1;
            this.compact();
            return true;
          }
        }
        seen.countIgnored(this.ignoredAtEnd);
        this.ignoredAtEnd = 0;
        // What was read is passed for good: this step either completes past it or fails the run.
        this.cursor = Math.max(this.cursor, index);
        this.reuseFrom = undefined;
        this.compact();
        return false;
      },
      found: (i) => found[i]!,
      closest: (i) => {
        const entry = best[i]!.entry;
        if (!entry) return undefined;
        return { text: entry.text, why: explainMismatch(wanted[i]!.matcher, entry.subject) ?? '' };
      },
    };
  }

  /** For `expect no`: each scan() returns the first new message that matches, consuming nothing. */
  watching(matcher: Matcher, seen: SeenLog): { scan(): InboxEntry | undefined } {
    let index = this.cursor;
    return {
      scan: () => {
        // Ignored messages are counted by the expect that reads past them, not here.
        for (; index < this.end(); index++) {
          const entry = this.at(index);
          if (this.isIgnored(entry)) continue;
          const isMatch = !entry.isBinary && matches(matcher, entry.subject);
          seen.add({ text: entry.text, isBinary: entry.isBinary, role: isMatch ? 'matched' : 'skipped' });
          if (isMatch) return entry;
        }
        return undefined;
      },
    };
  }

  /** Consumes every unread message into `seen` as skipped or ignored (while waiting for a close). */
  drain(seen: SeenLog): void {
    for (; this.cursor < this.end(); this.cursor++) {
      const entry = this.at(this.cursor);
      seen.countIgnored(entry.ignoredBefore);
      if (this.isIgnored(entry)) seen.countIgnored(1);
      else seen.add({ text: entry.text, isBinary: entry.isBinary, role: 'skipped' });
    }
    seen.countIgnored(this.ignoredAtEnd);
    this.ignoredAtEnd = 0;
    this.compact();
  }

  private end(): number {
    return this.base + this.entries.length;
  }

  private at(index: number): InboxEntry {
    return this.entries[index - this.base]!;
  }

  /** Drops the messages every reader is past (the last match stays for a `--expect` that reuses it). */
  private compact(): void {
    const keepFrom = Math.min(this.cursor, this.reuseFrom ?? this.cursor);
    const dead = keepFrom - this.base;
    if (dead < compactAfter && dead < this.entries.length) return;
    // The counts of ignored messages before a dropped one are reported already.
    this.entries.splice(0, dead);
    this.base = keepFrom;
  }

  private rememberIfCloser(
    wanted: { matcher: Matcher; count: number }[],
    found: number[],
    best: { score: number; entry: InboxEntry | undefined }[],
    entry: InboxEntry,
  ): void {
    wanted.forEach((w, i) => {
      if (found[i]! >= w.count) return;
      const score = closeness(w.matcher, entry.subject);
      // Ties go to the later message: the most recent near miss is the one to look at.
      if (score >= best[i]!.score) best[i] = { score, entry };
    });
  }

  /** Whether an `ignore` drops this message; decided once, when it arrives or a step first looks at it. */
  private isIgnored(entry: InboxEntry): boolean {
    if (entry.isIgnored === true) return true;
    // Ignores only grow: a message that matched none when it arrived is checked again against new ones.
    entry.isIgnored = !entry.isBinary && this.ignores.some((m) => matches(m, entry.subject));
    return entry.isIgnored;
  }
}
