// The interactive session: log printed above, status, queue and input line below. The one component that exits.

import { readFile } from 'node:fs/promises';
import { Box, Text, useApp, useInput, useStdout, type Key } from 'ink';
import { useEffect, useReducer, useRef, useState } from 'react';
import type { Connection } from '../core/connection.js';
import { createInput, inputReducer, type EditorAction, type InputAction } from './line-editor.js';
import { formatEntry, type FormatOptions } from './log-entry.js';
import { InputLine } from './InputLine.js';
import { QueuePanel } from './QueuePanel.js';
import type { SessionStore } from './session-store.js';
import { commandHelp, parseCommand, type Command } from './slash-commands.js';
import { StatusLine } from './StatusLine.js';
import { useSessionView } from './use-session-view.js';

export interface AppProps {
  conn: Connection;
  store: SessionStore;
  /** Deadline for typed messages, ms: a message still queued after this is dropped and shown as such. */
  dropAfterMs: number;
  format: FormatOptions;
  history: string[];
  /** Called with each submitted line, to persist it. */
  onHistory?: (line: string) => void;
  /** Called when the user forces an exit (Ctrl+C twice within a second). */
  onForceExit?: () => void;
}

/**
 * Maps one key event to input actions. A CR inside typed input is Enter: a terminal may deliver "hello\r"
 * as one chunk. Multi-line messages use a trailing backslash instead.
 */
export function keyToActions(input: string, key: Key): InputAction[] {
  if (key.return) return [{ type: 'submit' }];
  if (key.leftArrow) return [{ type: key.ctrl || key.meta ? 'wordLeft' : 'left' }];
  if (key.rightArrow) return [{ type: key.ctrl || key.meta ? 'wordRight' : 'right' }];
  if (key.upArrow) return [{ type: 'historyPrev' }];
  if (key.downArrow) return [{ type: 'historyNext' }];
  if (key.home) return [{ type: 'home' }];
  if (key.end) return [{ type: 'end' }];
  // Most terminals send DEL (0x7f) for Backspace, which Ink reports as `delete`: both erase backwards.
  if (key.backspace || key.delete) return [{ type: key.meta ? 'deleteWordBack' : 'backspace' }];
  if (key.ctrl) {
    const byKey: Record<string, EditorAction['type']> = {
      a: 'home',
      e: 'end',
      b: 'left',
      f: 'right',
      w: 'deleteWordBack',
      u: 'deleteToStart',
      k: 'deleteToEnd',
      d: 'deleteForward',
    };
    const type = byKey[input];
    return type ? [{ type } as EditorAction] : [];
  }
  if (key.meta && input === 'b') return [{ type: 'wordLeft' }];
  if (key.meta && input === 'f') return [{ type: 'wordRight' }];
  if (key.escape || key.tab || key.meta || input === '') return [];
  const actions: InputAction[] = [];
  input.split(/\r\n?/).forEach((part, i) => {
    if (i > 0) actions.push({ type: 'submit' });
    // Keep only printable text and newlines: a stray escape sequence must not land in a message.
    const text = part.replace(/[\u0000-\u0009\u000b-\u001f\u007f]/g, '');
    if (text) actions.push({ type: 'insert', text });
  });
  return actions;
}

export function App({
  conn,
  store,
  dropAfterMs,
  format: initialFormat,
  history,
  onHistory,
  onForceExit,
}: AppProps) {
  const view = useSessionView(store);
  const { write } = useStdout();
  const { exit } = useApp();
  const [format, setFormat] = useState(initialFormat);
  const [input, dispatch] = useReducer(inputReducer, history, createInput);
  const formatRef = useRef(format);
  // eslint-disable-next-line react-hooks/refs -- the stdout writer reads the latest format without re-subscribing
  formatRef.current = format;
  const lastCtrlC = useRef(0);

  // Print new log entries above the live area, once; they then live in the terminal's scrollback only.
  useEffect(() => {
    const entries = store.takeEntries();
    if (entries.length > 0) write(`${entries.map((e) => formatEntry(e, formatRef.current)).join('\n')}\n`);
  }, [view.entriesVersion, store, write]);

  // The connection's final state ends the UI; runInteractive turns that state into the exit code.
  useEffect(() => {
    if (view.snap.state === 'closed') exit();
  }, [view.snap.state, exit]);

  const info = (text: string) => store.add({ kind: 'info', at: Date.now(), text });
  const send = (data: string | Buffer, isBinary: boolean) => {
    conn.send(data, { deadlineMs: dropAfterMs, binary: isBinary });
    store.refresh();
  };

  const run = (command: Command) => {
    switch (command.type) {
      case 'send':
        return send(command.text, false);
      case 'binary':
        return send(command.data, true);
      case 'ping':
        try {
          conn.ping(command.data);
          info('ping sent');
        } catch (err) {
          info((err as Error).message);
        }
        return;
      case 'close':
        void conn.close(command.code, command.reason);
        return;
      case 'reconnect':
        info('reconnecting now');
        conn.reconnect();
        return;
      case 'file':
        readFile(command.path).then(
          (data) => {
            let text: string | undefined;
            try {
              text = new TextDecoder('utf-8', { fatal: true }).decode(data);
            } catch {
              text = undefined;
            }
            send(text ?? data, text === undefined);
          },
          (err: NodeJS.ErrnoException) =>
            info(`/file: cannot read ${command.path}: ${err.code ?? err.message}`),
        );
        return;
      case 'pretty':
        setFormat((f) => ({ ...f, isPretty: !f.isPretty }));
        info(`pretty JSON ${format.isPretty ? 'off' : 'on'}`);
        return;
      case 'timestamps':
        setFormat((f) => ({ ...f, showTimestamps: !f.showTimestamps }));
        info(`timestamps ${format.showTimestamps ? 'off' : 'on'}`);
        return;
      case 'clear':
        write('\x1b[2J\x1b[3J\x1b[H');
        return;
      case 'help':
        info(commandHelp.map(([name, what]) => `${name.padEnd(24)} ${what}`).join('\n'));
        return;
      case 'quit':
        void conn.close(1000);
        return;
      case 'invalid':
        info(command.message);
        return;
    }
  };

  // Submitted lines are acted on after the reducer has settled, in the order they were typed.
  useEffect(() => {
    if (input.outbox.length === 0) return;
    const lines = input.outbox;
    dispatch({ type: 'taken', count: lines.length });
    for (const line of lines) {
      onHistory?.(line);
      // eslint-disable-next-line react-hooks/set-state-in-effect -- commands run once per submitted line, after the reducer settled
      run(parseCommand(line));
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs per submitted batch; run/onHistory are read fresh each time
  }, [input.outbox]);

  useInput((typed, key) => {
    if (key.ctrl && typed === 'c') {
      const now = Date.now();
      if (now - lastCtrlC.current < 1000) onForceExit?.();
      lastCtrlC.current = now;
      info('closing… (Ctrl+C again to force)');
      void conn.close(1000);
      return;
    }
    if (key.ctrl && typed === 't') return run({ type: 'timestamps' });
    if (key.ctrl && typed === 'o') return run({ type: 'pretty' });
    if (key.ctrl && typed === 'l') return run({ type: 'clear' });
    for (const action of keyToActions(typed, key)) dispatch(action);
  });

  return (
    <Box flexDirection="column">
      <StatusLine view={view} />
      <QueuePanel view={view} />
      <InputLine editor={input.editor} isOpen={view.snap.state === 'open'} />
      <Text dimColor>Enter send · \ then Enter for a new line · ↑↓ history · /help · Ctrl+C quit</Text>
    </Box>
  );
}
