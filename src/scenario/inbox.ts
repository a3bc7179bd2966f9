// Every message a scenario's connection received, in order, and how far the expects have read: a reply that
// arrives before its `expect` runs waits here. Also the `ignore` list, decided once per message.

import { matches, Subject, type Matcher } from '../match/matcher.js';
import type { SeenMessage } from './results.js';

export interface InboxEntry {
  /** The text; base64 for a binary message. */
  text: string;
  isBinary: boolean;
  subject: Subject;
  isIgnored?: boolean;
}

export class Inbox {
  private readonly entries: InboxEntry[] = [];
  private readonly ignores: Matcher[] = [];
  /** Index of the next message no expect has looked at. */
  private cursor = 0;
  /** Index of the message the last expect matched. */
  private lastMatch: number | undefined;

  push(data: Buffer, isBinary: boolean): void {
    const text = isBinary ? data.toString('base64') : data.toString('utf8');
    this.entries.push({ text, isBinary, subject: new Subject(text) });
  }

  /** From now on, messages matching `matcher` are skipped by every expect. */
  ignore(matcher: Matcher): void {
    this.ignores.push(matcher);
  }

  /** The message the last expect matched (what `capture` reads). */
  lastMatched(): InboxEntry | undefined {
    return this.lastMatch === undefined ? undefined : this.entries[this.lastMatch];
  }

  /** The texts of the last `n` messages, newest last. */
  lastTexts(n: number): string[] {
    return this.entries.slice(-n).map((e) => e.text);
  }

  /**
   * For `expect [N] MATCHER`: each scan() reads the messages that arrived since the last one, recording
   * them in `seen`, and returns true once `count` have matched; then those messages are consumed.
   * With `mayReuseLast`, reading starts at the message the previous expect matched.
   */
  expecting(
    matcher: Matcher,
    count: number,
    mayReuseLast: boolean,
    seen: SeenMessage[],
  ): { scan(): boolean; found(): number; lastMiss(): InboxEntry | undefined } {
    let index = mayReuseLast && this.lastMatch !== undefined ? this.lastMatch : this.cursor;
    let found = 0;
    let lastMiss: InboxEntry | undefined;
    return {
      scan: () => {
        for (; index < this.entries.length; index++) {
          const entry = this.entries[index]!;
          if (this.isIgnored(entry)) {
            seen.push({ text: entry.text, isBinary: entry.isBinary, role: 'ignored' });
            continue;
          }
          const isMatch = !entry.isBinary && matches(matcher, entry.subject);
          seen.push({ text: entry.text, isBinary: entry.isBinary, role: isMatch ? 'matched' : 'skipped' });
          if (!isMatch) {
            lastMiss = entry;
            continue;
          }
          if (++found === count) {
            this.lastMatch = index;
            this.cursor = index + 1;
            return true;
          }
        }
        this.cursor = Math.max(this.cursor, index);
        return false;
      },
      found: () => found,
      lastMiss: () => lastMiss,
    };
  }

  /** For `expect no`: each scan() returns the first new message that matches, consuming nothing. */
  watching(matcher: Matcher, seen: SeenMessage[]): { scan(): InboxEntry | undefined } {
    let index = this.cursor;
    return {
      scan: () => {
        for (; index < this.entries.length; index++) {
          const entry = this.entries[index]!;
          if (this.isIgnored(entry)) continue;
          const isMatch = !entry.isBinary && matches(matcher, entry.subject);
          seen.push({ text: entry.text, isBinary: entry.isBinary, role: isMatch ? 'matched' : 'skipped' });
          if (isMatch) return entry;
        }
        return undefined;
      },
    };
  }

  /** Consumes every unread message into `seen` as skipped or ignored (while waiting for a close). */
  drain(seen: SeenMessage[]): void {
    for (; this.cursor < this.entries.length; this.cursor++) {
      const entry = this.entries[this.cursor]!;
      seen.push({
        text: entry.text,
        isBinary: entry.isBinary,
        role: this.isIgnored(entry) ? 'ignored' : 'skipped',
      });
    }
  }

  /** Whether an `ignore` drops this message; decided once, when a step first looks at it. */
  private isIgnored(entry: InboxEntry): boolean {
    entry.isIgnored ??= !entry.isBinary && this.ignores.some((m) => matches(m, entry.subject));
    return entry.isIgnored;
  }
}
