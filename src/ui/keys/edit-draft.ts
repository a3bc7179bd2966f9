// Ctrl+X: the draft goes to $VISUAL/$EDITOR in a private temporary file, and the edited text comes back.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface EditorTerminal {
  /** Hands the terminal to the editor (raw mode off) and takes it back. */
  setRawMode: (on: boolean) => void;
  /** Written after the editor exits: an editor leaves the alternate screen and bracketed paste on its way out. */
  restore?: () => void;
}

/**
 * Runs `editor` (a shell command: "code --wait" works) on `draft` and returns the edited text without
 * its final newline, or undefined when the editor exits non-zero (the draft is kept).
 * Blocks the event loop while the editor runs, so nothing draws over it.
 */
export function editDraft(draft: string, editor: string, terminal: EditorTerminal): string | undefined {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-draft-'));
  const file = join(dir, 'message.txt');
  try {
    writeFileSync(file, draft, { mode: 0o600 });
    terminal.setRawMode(false);
    const result = spawnSync(`${editor} "${file}"`, { stdio: 'inherit', shell: true });
    if (result.status !== 0) return undefined;
    return readFileSync(file, 'utf8').replace(/\n$/, '');
  } finally {
    terminal.setRawMode(true);
    terminal.restore?.();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The editor the user chose: $VISUAL, then $EDITOR, then vi. */
export function chosenEditor(env: NodeJS.ProcessEnv): string {
  return env.VISUAL || env.EDITOR || 'vi';
}
