// The interactive session, composed: status, log (full-screen lens or printed inline), queue, input line.
// Keys go through decodeKeys and uiKey (pure); commands through runCommand. The one component that exits.

import { Box, Text, useApp, useStdin, useStdout } from 'ink';
import { useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from 'react';
import type { Contract } from '../contract/index.js';
import type { Connection } from '../core/connection.js';
import { describeMark, markOf } from './contract-mark.js';
import { isInputError } from '../protocols/codec.js';
import type { ProtocolSession } from '../protocols/session.js';
import { chosenEditor, editDraft } from './edit-draft.js';
import { createEditor, editorReducer } from './line-editor.js';
import type { Key } from './keys.js';
import { entryText, formatEntry, inspectLines, isReadableText, type FormatOptions } from './log-entry.js';
import { FilterIndex } from './log-filter.js';
import { HelpPanel, hintFor, Inspector, LensBar, LogView } from './Lens.js';
import { InputLine, inputRows } from './InputLine.js';
import { QueuePanel } from './QueuePanel.js';
import { runCommand, type SavedMessages } from './run-command.js';
import {
  collectLines,
  createUi,
  indexAtOrBefore,
  uiKey,
  type LogContext,
  type UiState,
} from './session-keys.js';
import type { SessionStore } from './session-store.js';
import { parseCommand } from './slash-commands.js';
import { StatusLine } from './StatusLine.js';
import { useKeys } from './use-keys.js';
import { useSessionView } from './use-session-view.js';

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

/** A typed line as the bytes --binary sends, or undefined when it is not valid `format`. */
export function typedBytes(line: string, format: 'raw' | 'hex' | 'base64'): Buffer | undefined {
  if (format === 'raw') return Buffer.from(line);
  const text = line.trim();
  const valid = format === 'hex' ? /^(?:[0-9a-f]{2})*$/i : /^[A-Za-z0-9+/]*={0,2}$/;
  return valid.test(text) ? Buffer.from(text, format) : undefined;
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

export function App({
  conn,
  store,
  proto,
  dropAfterMs,
  format: initialFormat,
  history,
  hasColour = true,
  onHistory,
  onForceExit,
  onCopy,
  messages,
  binaryInput,
  contract,
  editor = chosenEditor(process.env),
}: AppProps) {
  const view = useSessionView(store);
  const { stdout, write } = useStdout();
  const { setRawMode } = useStdin();
  const { exit } = useApp();
  const log = store.log;
  const isLens = log !== undefined;
  const [format, setFormat] = useState(initialFormat);
  const [ui, dispatch] = useReducer(reduce, undefined, () => createUi(history, isLens));
  const formatRef = useRef(format);
  // eslint-disable-next-line react-hooks/refs -- the stdout writer reads the latest format without re-subscribing
  formatRef.current = format;
  const lastCtrlC = useRef(0);
  const lastSent = useRef<string | undefined>(undefined);
  /** --asyncapi: the invalid line last held back, which goes out if sent again. */
  const warnedText = useRef<string | undefined>(undefined);
  // The inspector covers the log, where "copied" is written: it repeats the note for the message it shows.
  const [copyNote, setCopyNote] = useState<{ seq: number; text: string } | undefined>(undefined);
  const [size, setSize] = useState({ rows: stdout.rows || 24, columns: stdout.columns || 80 });
  useEffect(() => {
    const onResize = () => setSize({ rows: stdout.rows || 24, columns: stdout.columns || 80 });
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);

  // Inline: print new log entries above the live area, once; they then live in the terminal's scrollback only.
  useEffect(() => {
    if (isLens) return;
    const entries = store.takeEntries();
    if (entries.length > 0) write(`${entries.map((e) => formatEntry(e, formatRef.current)).join('\n')}\n`);
  }, [view.entriesVersion, store, write, isLens]);

  // The connection's final state ends the UI; runInteractive turns that state into the exit code.
  useEffect(() => {
    if (view.snap.state === 'closed') exit();
  }, [view.snap.state, exit]);

  // Caches that live as long as the session: created once, never replaced.
  const [filterIndex] = useState(() => new FilterIndex());
  const [searchIndex] = useState(() => new FilterIndex());
  const filterPattern = filterIndex.use(ui.filter);
  const searchPattern = searchIndex.use(ui.search);
  const visible = useMemo(
    () => (log ? filterIndex.visible(log) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- recomputed when entries arrive or the pattern changes
    [log, view.entriesVersion, filterPattern],
  );
  // Search hits among the entries the filter shows: both lists are cached per entry and sorted, so this is
  // a merge, not a regex run per entry per frame.
  const hits = useMemo(
    () => (log && searchPattern ? intersectSorted(searchIndex.visible(log), visible) : []),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- as above
    [log, visible, searchPattern],
  );

  const queueRows = Math.min(view.queued.length, 5) + (view.moreQueued > 0 ? 1 : 0);
  // Status (2) + bar (1) + hint (1) + one spare row: a frame as tall as the screen makes Ink clear it each time.
  const logRows = Math.max(
    3,
    size.rows -
      5 -
      queueRows -
      Math.min(maxInputRows, inputRows(ui.input.editor.text, Math.max(8, size.columns - 4)).length),
  );
  const inspected = ui.inspecting === undefined ? undefined : log?.get(ui.inspecting);
  const inspectorText = useMemo(() => (inspected ? inspectLines(inspected) : []), [inspected]);

  const ctxRef = useRef<LogContext>({
    visible: [],
    hits: [],
    pageRows: 10,
    inspectorLines: 0,
    textOf: () => undefined,
  });
  // A layout effect: it runs in the commit itself, so a key read right after a frame sees that frame's log
  // (a passive effect may still be pending when the next chunk arrives).
  useLayoutEffect(() => {
    ctxRef.current = {
      visible,
      hits,
      pageRows: logRows,
      inspectorLines: inspectorText.length + 1,
      savedNames: messages?.list().map((m) => m.name) ?? [],
      textOf: (seq) => {
        const entry = log?.get(seq);
        if (!entry) return undefined;
        if ('isBinary' in entry && entry.isBinary) {
          // In a --binary session a readable message goes back as its text, to be sent as binary again.
          const data = typeof entry.data === 'string' ? Buffer.from(entry.data) : entry.data;
          if (binaryInput === 'raw' && isReadableText(data)) return data.toString('utf8');
          return `/binary ${entryText(entry)}`;
        }
        return entryText(entry);
      },
    };
  });

  useKeys((keys) => dispatch({ type: 'keys', keys, ctx: ctxRef.current }));

  const info = (text: string) => store.add({ kind: 'info', at: Date.now(), text });
  const commandContext = {
    conn,
    info,
    ...(messages ? { messages } : {}),
    lastSent: () => lastSent.current,
    send: (data: string | Buffer, isBinary: boolean, savedText?: string) => {
      if (contract && !isBinary && typeof data === 'string' && data !== warnedText.current) {
        const mark = markOf(contract, 'sent', data, false);
        if (mark.verdict === 'invalid') {
          // Held back once: the same line again (↑, Enter) goes out, for testing how the server copes.
          warnedText.current = data;
          info(`not sent: ${describeMark(mark)} (↑ and Enter send it anyway)`);
          return;
        }
      }
      warnedText.current = undefined;
      // --binary: text goes out as a binary frame (a --proto codec speaks text: it keeps its lines).
      if (binaryInput && !proto && !isBinary && typeof data === 'string') {
        const bytes = typedBytes(data, binaryInput);
        if (!bytes) {
          info(`not sent: ${JSON.stringify(data.slice(0, 40))} is not ${binaryInput} (--input-format)`);
          return;
        }
        lastSent.current = savedText ?? data;
        conn.send(bytes, { deadlineMs: dropAfterMs, binary: true });
        store.refresh();
        return;
      }
      if (proto) sendThrough(proto, data, isBinary);
      else conn.send(data, { deadlineMs: dropAfterMs, binary: isBinary });
      if (typeof data === 'string') lastSent.current = savedText ?? data;
      store.refresh();
    },
    togglePretty: () => {
      setFormat((f) => ({ ...f, isPretty: !f.isPretty }));
      info(`pretty JSON ${format.isPretty ? 'off' : 'on'}`);
    },
    toggleTimestamps: () => {
      setFormat((f) => ({ ...f, showTimestamps: !f.showTimestamps }));
      info(`timestamps ${format.showTimestamps ? 'off' : 'on'}`);
    },
    clear: () => (log ? store.clearLog() : write('\x1b[2J\x1b[3J\x1b[H')),
  };

  /** A line through the --proto codec: logged as typed; a line the protocol cannot send is an info line. */
  const sendThrough = (session: ProtocolSession, data: string | Buffer, isBinary: boolean) => {
    if (isBinary) {
      info(`binary messages do not go with --proto ${session.codec.name}: its messages are JSON lines`);
      return;
    }
    const line = data.toString();
    try {
      session.input(line);
    } catch (err) {
      if (!isInputError(err)) throw err;
      info(`not sent: ${err.message}`);
      return;
    }
    store.add({ kind: 'sent', at: Date.now(), data: line, isBinary: false });
  };

  // Effects of keys (submitted lines, quit, copy …) run after the reducer has settled, in the order typed.
  useEffect(() => {
    if (ui.effects.length === 0) return;
    const effects = ui.effects;
    dispatch({ type: 'taken', count: effects.length });
    for (const effect of effects) {
      switch (effect.type) {
        case 'line':
          onHistory?.(effect.line);
          runCommand(commandContext, parseCommand(effect.line));
          break;
        case 'quit': {
          const now = Date.now();
          if (now - lastCtrlC.current < 1000) onForceExit?.();
          lastCtrlC.current = now;
          info('closing… (Ctrl+C again to force)');
          void conn.close(1000);
          break;
        }
        case 'timestamps':
          commandContext.toggleTimestamps();
          break;
        case 'pretty':
          commandContext.togglePretty();
          break;
        case 'clear':
          commandContext.clear();
          break;
        case 'copy': {
          const entry = log?.get(effect.seq);
          if (!entry) break;
          const text = entryText(entry);
          if (onCopy) onCopy(text);
          else stdout.write(`\x1b]52;c;${Buffer.from(text).toString('base64')}\x07`);
          const note = `copied ${Buffer.byteLength(text)} B to the clipboard (OSC 52)`;
          info(note);
          // eslint-disable-next-line react-hooks/set-state-in-effect -- effects of keys run here, once per key
          setCopyNote({ seq: effect.seq, text: note });
          break;
        }
        case 'openEditor': {
          const edited = editDraft(ui.input.editor.text, editor, {
            setRawMode,
            // Back to the lens's screen modes; Ink redraws the whole frame on the next change.
            restore: () => stdout.write(isLens ? '\x1b[?1049h\x1b[?2004h\x1b[2J\x1b[H' : '\x1b[?2004h'),
          });
          if (edited === undefined) info('$EDITOR ended with an error: draft kept');
          else dispatch({ type: 'draft', text: edited });
          break;
        }
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs per batch of effects; the rest is read fresh
  }, [ui.effects]);

  const isOpen = view.snap.state === 'open';
  const input = (
    <InputLine
      editor={ui.input.editor}
      isOpen={isOpen}
      hasColour={hasColour}
      isFocused={ui.focus === 'input'}
      {...(isLens ? { box: { maxRows: maxInputRows, columns: size.columns } } : {})}
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

  // "N new": entries the filter lets through that arrived since following paused.
  let newSincePause: number | undefined;
  if (ui.selected !== undefined)
    newSincePause =
      ui.pausedAt === undefined || visible.length === 0
        ? 0
        : visible.length - 1 - indexAtOrBefore(visible, ui.pausedAt);
  let body;
  if (ui.focus === 'help')
    body = <HelpPanel focus={ui.inspecting !== undefined ? 'inspector' : ui.focusBefore} rows={logRows} />;
  else if (ui.focus === 'inspector' && inspected)
    body = (
      <Inspector
        lines={inspectorText}
        top={ui.inspectorTop}
        rows={logRows}
        note={copyNote?.seq === ui.inspecting ? copyNote?.text : undefined}
      />
    );
  else
    body = (
      <LogView
        log={log}
        visible={visible}
        selected={ui.selected}
        rows={logRows}
        format={format}
        isFocused={ui.focus === 'log'}
        hasColour={hasColour}
        version={view.entriesVersion}
      />
    );
  return (
    <Box flexDirection="column" width={size.columns}>
      <StatusLine view={view} />
      {body}
      <LensBar
        log={log}
        focus={ui.focus}
        filter={ui.filter}
        filterNote={filterPattern?.note}
        matching={filterPattern ? visible.length : log.length}
        search={ui.search}
        hits={hits.length}
        newSincePause={newSincePause}
        hasColour={hasColour}
      />
      <QueuePanel view={view} />
      {input}
      <Text dimColor wrap="truncate-end">
        {hintFor(ui.focus, true)}
      </Text>
    </Box>
  );
}
