// The interactive session, composed: status, log (full-screen lens or printed inline), queue, input line.
// Keys go through decodeKeys and uiKey (pure), their effects through runKeyEffect, commands through
// runCommand. The one component that exits.

import { Box, Text, useApp, useStdout } from 'ink';
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Contract } from '../contract/index.js';
import type { Connection } from '../core/connection.js';
import type { ProtocolSession } from '../protocols/session.js';
import type { SavedMessages } from './commands/run-command.js';
import { InputLine, inputRows } from './components/InputLine.js';
import { LensScreen } from './components/LensScreen.js';
import { QueuePanel } from './components/QueuePanel.js';
import { StatusLine } from './components/StatusLine.js';
import { useKeyEffects } from './hooks/use-key-effects.js';
import { useKeys } from './hooks/use-keys.js';
import { useLensIndexes } from './hooks/use-lens-indexes.js';
import { useSessionView } from './hooks/use-session-view.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import type { Key } from './keys/decode-keys.js';
import { chosenEditor } from './keys/edit-draft.js';
import { hintFor } from './keys/key-help.js';
import { createEditor, editorReducer } from './keys/line-editor.js';
import { collectLines, createUi, uiKey, type LogContext, type UiState } from './keys/session-keys.js';
import { inspectLines } from './log/entry-rows.js';
import { entryText, formatEntry, isReadableText, type FormatOptions } from './log/log-entry.js';
import type { LogBuffer } from './log/log-buffer.js';
import type { SessionStore } from './session/session-store.js';

export { typedBytes } from './commands/session-commands.js';
export { intersectSorted } from './log/lens-indexes.js';

export interface AppProps {
  conn: Connection;
  store: SessionStore;
  /** The --proto codec over `conn` (the store must have it too): typed lines go through its input. */
  proto?: ProtocolSession;
  /** Deadline for typed messages, ms: a message still queued after this is dropped and shown as such. */
  dropAfterMs: number;
  format: FormatOptions;
  history: string[];
  /** Colour is on (NO_COLOR and --no-color turn it off); without it the cursor and selection use marks. */
  hasColour?: boolean;
  /** Called with each submitted line, to persist it. */
  onHistory?: (line: string) => void;
  /** Called when the user forces an exit (Ctrl+C twice within a second). */
  onForceExit?: () => void;
  /** The editor Ctrl+X opens, a shell command; default $VISUAL, $EDITOR, vi. */
  editor?: string;
  /** Copies text to the user's clipboard; default: OSC 52 on stdout (works over SSH). */
  onCopy?: (text: string) => void;
  /** Saved messages for /send, /save and /saved. */
  messages?: SavedMessages;
  /**
   * --binary: typed lines go out as binary frames, their bytes as typed (raw) or decoded from hex or
   * base64 (--input-format). Servers that accept only binary frames close on a text one with 1003.
   */
  binaryInput?: 'raw' | 'hex' | 'base64';
  /** --asyncapi: a typed message that breaks the document is held back with a warning the first time. */
  contract?: Contract;
}

type Action =
  | { type: 'keys'; keys: Key[]; ctx: LogContext }
  | { type: 'taken'; count: number }
  | { type: 'draft'; text: string };

function reduce(state: UiState, action: Action): UiState {
  if (action.type === 'taken') return { ...state, effects: state.effects.slice(action.count) };
  if (action.type === 'draft') {
    const editor = editorReducer(createEditor(state.input.editor.history), {
      type: 'insert',
      text: action.text,
    });
    return { ...state, input: { ...state.input, editor } };
  }
  return collectLines(action.keys.reduce((s, key) => uiKey(s, key, action.ctx), state));
}

/** Most screen rows the input line takes in the lens. */
const maxInputRows = 6;

/** Rows left for the log: status (2) + bar (1) + hint (1) + one spare row, the queue and the input line. */
function logRowsFor(size: { rows: number; columns: number }, queueRows: number, draft: string): number {
  // The spare row: a frame as tall as the screen makes Ink clear it each time.
  const input = Math.min(maxInputRows, inputRows(draft, Math.max(8, size.columns - 4)).length);
  return Math.max(3, size.rows - 5 - queueRows - input);
}

/** An entry's text for `e` (edit and re-send). */
function resendText(log: LogBuffer | undefined, seq: number, binaryInput: AppProps['binaryInput']) {
  const entry = log?.get(seq);
  if (!entry) return undefined;
  if ('isBinary' in entry && entry.isBinary) {
    // In a --binary session a readable message goes back as its text, to be sent as binary again.
    const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
    if (binaryInput === 'raw' && isReadableText(data)) return data.toString('utf8');
    return `/binary ${entryText(entry)}`;
  }
  return entryText(entry);
}

export function App(props: AppProps) {
  const { store, hasColour = true, messages, binaryInput, editor = chosenEditor(process.env) } = props;
  const view = useSessionView(store);
  const { stdout, write } = useStdout();
  const { exit } = useApp();
  const log = store.log;
  const [format, setFormat] = useState(props.format);
  const [ui, dispatch] = useReducer(reduce, undefined, () => createUi(props.history, log !== undefined));
  // The inspector covers the log, where "copied" is written: it repeats the note for the message it shows.
  const [copyNote, setCopyNote] = useState<{ seq: number; text: string } | undefined>(undefined);
  const size = useTerminalSize(stdout);
  const { visible, hits, filterPattern } = useLensIndexes(log, ui.filter, ui.search);

  // Inline: print new log entries above the live area, once; they then live in the terminal's scrollback only.
  useEffect(() => {
    const entries = log ? [] : store.takeEntries();
    if (entries.length > 0) write(`${entries.map((e) => formatEntry(e, format)).join('\n')}\n`);
  }, [view.entriesVersion, store, write, log, format]);

  // The connection's final state ends the UI; runInteractive turns that state into the exit code.
  useEffect(() => {
    if (view.snap.state === 'closed') exit();
  }, [view.snap.state, exit]);

  const queueRows = Math.min(view.queued.length, 5) + (view.moreQueued > 0 ? 1 : 0);
  const logRows = logRowsFor(size, queueRows, ui.input.editor.text);
  const inspected = ui.inspecting === undefined ? undefined : log?.get(ui.inspecting);
  const inspectorText = useMemo(() => (inspected ? inspectLines(inspected) : []), [inspected]);

  const ctx = useRef<LogContext>({
    visible: [],
    hits: [],
    pageRows: 10,
    inspectorLines: 0,
    textOf: () => undefined,
  });
  // A layout effect: it runs in the commit itself, so a key read right after a frame sees that frame's log
  // (a passive effect may still be pending when the next chunk arrives).
  useLayoutEffect(() => {
    ctx.current = {
      visible,
      hits,
      pageRows: logRows,
      inspectorLines: inspectorText.length + 1,
      savedNames: messages?.list().map((m) => m.name) ?? [],
      textOf: (seq) => resendText(log, seq, binaryInput),
    };
  });
  useKeys((keys) => dispatch({ type: 'keys', keys, ctx: ctx.current }));

  useKeyEffects({ ...props, editor, format, setFormat, ui, dispatch, setCopyNote });

  const input = (
    <InputLine
      editor={ui.input.editor}
      isOpen={view.snap.state === 'open'}
      hasColour={hasColour}
      isFocused={ui.focus === 'input'}
      {...(log ? { box: { maxRows: maxInputRows, columns: size.columns } } : {})}
    />
  );
  if (!log)
    return (
      <Box flexDirection="column">
        <StatusLine view={view} />
        <QueuePanel view={view} />
        {input}
        <Text dimColor>{hintFor('input', false)}</Text>
      </Box>
    );

  return (
    <LensScreen
      {...{ view, log, ui, visible, hits, filterPattern, logRows, format, hasColour, input }}
      columns={size.columns}
      inspector={inspected ? inspectorText : undefined}
      copyNote={copyNote?.seq === ui.inspecting ? copyNote?.text : undefined}
    />
  );
}
