// What the effects of keys do (a submitted line, quit, copy, $EDITOR …), carried out in the order typed
// once the reducer has settled. Everything it touches comes in as a function, so it runs without Ink.

import type { Effect } from './session-keys.js';

export interface KeyEffectDeps {
  /** Persists a submitted line and carries it out (a message or a slash command). */
  submit: (line: string) => void;
  /** Adds a line from wsx itself to the log. */
  info: (text: string) => void;
  /** Closes the connection with 1000; the session ends when it is closed. */
  close: () => void;
  /** Ends the process at once: Ctrl+C twice within a second. */
  forceExit?: () => void;
  toggleTimestamps: () => void;
  togglePretty: () => void;
  clear: () => void;
  /** The text `y` copies for an entry, undefined when it has left the buffer. */
  textOf: (seq: number) => string | undefined;
  /** Puts text on the user's clipboard. */
  copy: (text: string) => void;
  /** Shows the "copied" note in the inspector, which covers the log where the note is written. */
  noteCopied: (seq: number, note: string) => void;
  /** Runs the editor on the draft: the edited text, or undefined when the editor failed. */
  editDraft: () => string | undefined;
  /** Replaces the draft with the edited text. */
  setDraft: (text: string) => void;
  now: () => number;
  /** When Ctrl+C was last pressed, ms; kept across calls. */
  lastQuit: { at: number };
}

/** A second Ctrl+C within this many ms forces the exit instead of waiting for the close handshake. */
export const forceQuitWindowMs = 1000;

/** OSC 52: the terminal puts the text on the clipboard; works over SSH, in tmux with set-clipboard on. */
export function osc52(text: string): string {
  return `\x1b]52;c;${Buffer.from(text).toString('base64')}\x07`;
}

export function runKeyEffect(effect: Effect, deps: KeyEffectDeps): void {
  switch (effect.type) {
    case 'line':
      deps.submit(effect.line);
      return;
    case 'quit': {
      const now = deps.now();
      if (now - deps.lastQuit.at < forceQuitWindowMs) deps.forceExit?.();
      deps.lastQuit.at = now;
      deps.info('closing… (Ctrl+C again to force)');
      deps.close();
      return;
    }
    case 'timestamps':
      deps.toggleTimestamps();
      return;
    case 'pretty':
      deps.togglePretty();
      return;
    case 'clear':
      deps.clear();
      return;
    case 'copy': {
      const text = deps.textOf(effect.seq);
      if (text === undefined) return;
      deps.copy(text);
      const note = `copied ${Buffer.byteLength(text)} B to the clipboard (OSC 52)`;
      deps.info(note);
      deps.noteCopied(effect.seq, note);
      return;
    }
    case 'openEditor': {
      const edited = deps.editDraft();
      if (edited === undefined) deps.info('$EDITOR ended with an error: draft kept');
      else deps.setDraft(edited);
      return;
    }
  }
}
