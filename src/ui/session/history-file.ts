// Input history persisted per URL in the user's state directory ($XDG_STATE_HOME/wsx/history).

import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { historyLimit } from '../keys/line-editor.js';

/**
 * The history file for `displayUrl`, the URL as wsx shows it (query secrets masked, no userinfo): a
 * readable host and path plus a hash of that URL, so different URLs never share a file and no token ever
 * reaches a file name. The query is left out of the readable part.
 */
export function historyPath(displayUrl: string, env: NodeJS.ProcessEnv): string {
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), '.local', 'state');
  const readable = displayUrl
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^/@]*@/, '')
    .replace(/[?#].*$/s, '')
    .replace(/[^a-z0-9.-]+/gi, '_')
    .slice(0, 60);
  const hash = createHash('sha256').update(displayUrl).digest('hex').slice(0, 10);
  return join(base, 'wsx', 'history', `${readable}-${hash}.jsonl`);
}

/** Entries oldest first; a missing or unreadable file is an empty history. Trims a file grown past twice the limit. */
export function loadHistory(path: string): string[] {
  let lines: string[];
  try {
    lines = readFileSync(path, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
  if (lines.length > historyLimit * 2) {
    try {
      writeFileSync(path, `${lines.slice(-historyLimit).join('\n')}\n`, { mode: 0o600 });
    } catch {
      // read-only state directory: keep reading the long file
    }
  }
  const entries: string[] = [];
  for (const line of lines.slice(-historyLimit)) {
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'string') entries.push(value);
    } catch {
      // a torn last line from a crash: skip it
    }
  }
  return entries;
}

/** Appends one entry, as JSON so multi-line entries survive. Throws on I/O errors (the caller reports once). */
export function appendHistory(path: string, entry: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  appendFileSync(path, `${JSON.stringify(entry)}\n`, { mode: 0o600 });
}
