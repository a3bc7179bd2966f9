// Carries out the effects of keys (sent lines, quit, copy, $EDITOR …) after the reducer has settled, in the
// order typed, with this render's values: the wiring between runKeyEffect and the session's parts.

import { useStdin, useStdout } from 'ink';
import { useEffect, useEffectEvent, useRef, type Dispatch } from 'react';
import type { Contract } from '../../contract/index.js';
import type { Connection } from '../../core/connection.js';
import type { ProtocolSession } from '../../protocols/session.js';
import { runCommand, type SavedMessages } from '../commands/run-command.js';
import { sessionCommands } from '../commands/session-commands.js';
import { parseCommand } from '../commands/slash-commands.js';
import { editDraft } from '../keys/edit-draft.js';
import { osc52, runKeyEffect } from '../keys/key-effects.js';
import type { UiState } from '../keys/session-keys.js';
import { entryText, type FormatOptions } from '../log/log-entry.js';
import type { SessionStore } from '../session/session-store.js';

export interface KeyEffectsSession {
  conn: Connection;
  store: SessionStore;
  proto?: ProtocolSession;
  dropAfterMs: number;
  binaryInput?: 'raw' | 'hex' | 'base64';
  messages?: SavedMessages;
  contract?: Contract;
  onHistory?: (line: string) => void;
  onForceExit?: () => void;
  onCopy?: (text: string) => void;
  /** The editor Ctrl+X opens, a shell command. */
  editor: string;
  format: FormatOptions;
  setFormat: (change: (f: FormatOptions) => FormatOptions) => void;
  ui: UiState;
  dispatch: Dispatch<{ type: 'taken'; count: number } | { type: 'draft'; text: string }>;
  setCopyNote: (note: { seq: number; text: string }) => void;
}

export function useKeyEffects(session: KeyEffectsSession): void {
  const { conn, store, ui, dispatch } = session;
  const { stdout, write } = useStdout();
  const { setRawMode } = useStdin();
  const lastSent = useRef<string | undefined>(undefined);
  /** --asyncapi: the invalid line last held back, which goes out if sent again. */
  const warnedText = useRef<string | undefined>(undefined);
  const lastQuit = useRef({ at: 0 });
  const log = store.log;

  const run = useEffectEvent((effects: UiState['effects']) => {
    const commands = sessionCommands({
      ...session,
      proto: session.proto,
      binaryInput: session.binaryInput,
      messages: session.messages,
      lastSent,
      ...(session.contract ? { contract: session.contract, warnedText } : {}),
      clearScreen: () => write('\x1b[2J\x1b[3J\x1b[H'),
    });
    for (const effect of effects)
      runKeyEffect(effect, {
        ...commands,
        submit: (line) => {
          session.onHistory?.(line);
          runCommand(commands, parseCommand(line));
        },
        close: () => void conn.close(1000),
        ...(session.onForceExit ? { forceExit: session.onForceExit } : {}),
        textOf: (seq) => {
          const entry = log?.get(seq);
          return entry && entryText(entry);
        },
        copy: (text) => (session.onCopy ? session.onCopy(text) : stdout.write(osc52(text))),
        noteCopied: (seq, text) => session.setCopyNote({ seq, text }),
        editDraft: () =>
          editDraft(ui.input.editor.text, session.editor, {
            setRawMode,
            // Back to the lens's screen modes; Ink redraws the whole frame on the next change.
            restore: () => stdout.write(log ? '\x1b[?1049h\x1b[?2004h\x1b[2J\x1b[H' : '\x1b[?2004h'),
          }),
        setDraft: (text) => dispatch({ type: 'draft', text }),
        now: Date.now,
        lastQuit: lastQuit.current,
      });
  });
  useEffect(() => {
    if (ui.effects.length === 0) return;
    dispatch({ type: 'taken', count: ui.effects.length });
    run(ui.effects);
  }, [ui.effects, dispatch]);
}
