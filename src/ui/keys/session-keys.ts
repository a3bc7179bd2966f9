// What each key does, as a pure reducer: (state, key, what the log holds now) => state. Which key does what is
// the key table's (key-table.ts); this file gives each action its meaning. Side effects (send, quit, copy,
// open $EDITOR) leave as a list of effects the App carries out, in order.

import type { Key } from './decode-keys.js';
import { completeSavedName } from './complete-name.js';
import { actionFor, type KeyAction, type KeyContext } from './key-table.js';
import {
  createEditor,
  createInput,
  editorReducer,
  inputReducer,
  type EditorAction,
  type EditorState,
  type InputAction,
  type InputState,
} from './line-editor.js';

export type Focus = 'input' | 'log' | 'filter' | 'search' | 'inspector' | 'help';

export type Effect =
  | { type: 'line'; line: string }
  | { type: 'quit' }
  | { type: 'timestamps' }
  | { type: 'pretty' }
  | { type: 'clear' }
  | { type: 'openEditor' }
  | { type: 'copy'; seq: number };

export interface UiState {
  input: InputState;
  /** The full-screen lens is on; false in --inline, where only the input line takes keys. */
  isLens: boolean;
  focus: Focus;
  /** Where Esc or a closed overlay returns to. */
  focusBefore: 'input' | 'log';
  /** The filter or search being typed. */
  prompt: EditorState;
  /** The applied filter: a regex or a `json …` matcher, `!` in front for the inverse, '' for none. */
  filter: string;
  /** The applied search for n/N. */
  search: string;
  /** The selected entry's seq while paused; undefined while following the newest. */
  selected: number | undefined;
  /** The newest seq when following paused, for "paused, N new". */
  pausedAt: number | undefined;
  /** The entry open in the inspector and its scroll offset in lines. */
  inspecting: number | undefined;
  inspectorTop: number;
  effects: readonly Effect[];
}

/** What the log holds at the moment a key arrives: the reducer needs it to move the selection. */
export interface LogContext {
  /** Seqs of the entries the filter lets through, oldest first. */
  visible: readonly number[];
  /** Seqs matching the search, oldest first. */
  hits: readonly number[];
  /** Rows the log viewport (or the inspector) shows. */
  pageRows: number;
  /** Lines of the entry open in the inspector. */
  inspectorLines: number;
  /** Text of an entry, for `e` (edit and re-send). */
  textOf: (seq: number) => string | undefined;
  /** Saved-message names, for Tab after /send and /save. */
  savedNames?: readonly string[];
}

export function createUi(history: readonly string[], isLens: boolean): UiState {
  return {
    input: createInput(history),
    isLens,
    focus: 'input',
    focusBefore: 'input',
    prompt: createEditor(),
    filter: '',
    search: '',
    selected: undefined,
    pausedAt: undefined,
    inspecting: undefined,
    inspectorTop: 0,
    effects: [],
  };
}

const effect = (state: UiState, e: Effect): UiState => ({ ...state, effects: [...state.effects, e] });

type Apply = (state: UiState, ctx: LogContext) => UiState;

/** A line-editing action on whichever line has the focus: the input line or the filter/search prompt. */
function editing(action: EditorAction): Apply {
  return (state) => {
    if (state.focus === 'input') return { ...state, input: inputReducer(state.input, action) };
    const prompt = editorReducer(state.prompt, action);
    // The filter applies as it is typed: the count and the view follow each key.
    return state.focus === 'filter'
      ? { ...state, prompt, filter: prompt.text }
      : { ...state, prompt, search: prompt.text };
  };
}

const onInput =
  (action: InputAction): Apply =>
  (state) => ({
    ...state,
    input: inputReducer(state.input, action),
  });

/** The entry `y` and `e` act on: the one open in the inspector, else the selected or newest one. */
const target = (state: UiState, ctx: LogContext) =>
  state.focus === 'inspector' ? state.inspecting : selectedOrNewest(state, ctx);

function scrollInspector(state: UiState, ctx: LogContext, by: number): UiState {
  const maxTop = Math.max(0, ctx.inspectorLines - ctx.pageRows);
  return { ...state, inspectorTop: Math.max(0, Math.min(maxTop, state.inspectorTop + by)) };
}

const page = (ctx: LogContext) => Math.max(1, ctx.pageRows - 1);

/** What each action of the key table does. */
const actions: Record<KeyAction, Apply> = {
  quit: (s) => effect(s, { type: 'quit' }),
  toggleTimestamps: (s) => effect(s, { type: 'timestamps' }),
  togglePretty: (s) => effect(s, { type: 'pretty' }),
  clearLog: (s) => effect(s, { type: 'clear' }),
  submit: onInput({ type: 'submit' }),
  newLine: onInput({ type: 'insert', text: '\n' }),
  historyPrevious: onInput({ type: 'historyPrev' }),
  historyNext: onInput({ type: 'historyNext' }),
  openEditor: (s) => effect(s, { type: 'openEditor' }),
  completeOrFocusLog: (s, ctx) => {
    const { text, cursor } = s.input.editor;
    const completion = completeSavedName(text, cursor, ctx.savedNames ?? []);
    if (completion !== undefined)
      return completion === '' ? s : onInput({ type: 'insert', text: completion })(s, ctx);
    return s.isLens ? { ...s, focus: 'log', focusBefore: 'log' } : s;
  },
  cursorLeft: editing({ type: 'left' }),
  cursorRight: editing({ type: 'right' }),
  wordLeft: editing({ type: 'wordLeft' }),
  wordRight: editing({ type: 'wordRight' }),
  lineStart: editing({ type: 'home' }),
  lineEnd: editing({ type: 'end' }),
  deleteBack: editing({ type: 'backspace' }),
  deleteWordBack: editing({ type: 'deleteWordBack' }),
  deleteForward: editing({ type: 'deleteForward' }),
  deleteToStart: editing({ type: 'deleteToStart' }),
  deleteToEnd: editing({ type: 'deleteToEnd' }),
  selectPrevious: (s, ctx) => moveSelection(s, ctx, -1),
  selectNext: (s, ctx) => moveSelection(s, ctx, 1),
  selectPageUp: (s, ctx) => moveSelection(s, ctx, -page(ctx)),
  selectPageDown: (s, ctx) => moveSelection(s, ctx, page(ctx)),
  selectOldest: (s, ctx) => (ctx.visible.length === 0 ? s : pause(s, ctx, ctx.visible[0]!)),
  follow: (s) => ({ ...s, selected: undefined, pausedAt: undefined }),
  openFilter: (s) => ({ ...s, focus: 'filter', prompt: lineOf(s.filter) }),
  openSearch: (s) => ({ ...s, focus: 'search', prompt: lineOf(s.search) }),
  nextHit: (s, ctx) => jumpToHit(s, ctx, 1),
  previousHit: (s, ctx) => jumpToHit(s, ctx, -1),
  clearFilterAndSearch: (s) => ({ ...s, filter: '', search: '' }),
  inspect: (s, ctx) => {
    const seq = selectedOrNewest(s, ctx);
    return seq === undefined ? s : { ...s, focus: 'inspector', inspecting: seq, inspectorTop: 0 };
  },
  copy: (s, ctx) => {
    const seq = target(s, ctx);
    return seq === undefined ? s : effect(s, { type: 'copy', seq });
  },
  editEntry: (s, ctx) => editEntry(s, ctx, target(s, ctx)),
  // From the inspector, closing the help returns to it (it is still open), and Esc there to the log.
  showHelp: (s) => ({ ...s, focus: 'help', ...(s.focus === 'inspector' ? { focusBefore: 'log' } : {}) }),
  focusInput: (s) => ({ ...s, focus: 'input', focusBefore: 'input' }),
  keepPattern: (s) => ({ ...s, focus: 'log' }),
  clearPattern: (s) => ({ ...s, focus: 'log', ...(s.focus === 'filter' ? { filter: '' } : { search: '' }) }),
  scrollUp: (s, ctx) => scrollInspector(s, ctx, -1),
  scrollDown: (s, ctx) => scrollInspector(s, ctx, 1),
  scrollPageUp: (s, ctx) => scrollInspector(s, ctx, -page(ctx)),
  scrollPageDown: (s, ctx) => scrollInspector(s, ctx, page(ctx)),
  scrollTop: (s) => ({ ...s, inspectorTop: 0 }),
  scrollBottom: (s, ctx) => ({ ...s, inspectorTop: Math.max(0, ctx.inspectorLines - ctx.pageRows) }),
  closeInspector: (s) => ({ ...s, focus: 'log', inspecting: undefined }),
  closeHelp: (s) => ({ ...s, focus: s.inspecting !== undefined ? 'inspector' : s.focusBefore }),
};

function clampIndex(i: number, length: number): number {
  return Math.max(0, Math.min(length - 1, i));
}

/** Moves the selection by `delta` visible entries; following pauses on the first move. */
function moveSelection(state: UiState, ctx: LogContext, delta: number): UiState {
  const { visible } = ctx;
  if (visible.length === 0) return state;
  const current =
    state.selected === undefined ? visible.length - 1 : indexAtOrBefore(visible, state.selected);
  const seq = visible[clampIndex(current + delta, visible.length)]!;
  return pause(state, ctx, seq);
}

function pause(state: UiState, ctx: LogContext, seq: number): UiState {
  const newest = ctx.visible[ctx.visible.length - 1] ?? 0;
  return { ...state, selected: seq, pausedAt: state.pausedAt ?? newest };
}

/** Index of `seq` in sorted `seqs`, or of the nearest one before it (the entry may have left the buffer). */
export function indexAtOrBefore(seqs: readonly number[], seq: number): number {
  let lo = 0;
  let hi = seqs.length - 1;
  let found = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (seqs[mid]! <= seq) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

function selectedOrNewest(state: UiState, ctx: LogContext): number | undefined {
  if (state.selected !== undefined) return state.selected;
  return ctx.visible[ctx.visible.length - 1];
}

function lineOf(text: string): EditorState {
  return editorReducer(createEditor(), { type: 'insert', text });
}

function editEntry(state: UiState, ctx: LogContext, seq: number | undefined): UiState {
  const text = seq === undefined ? undefined : ctx.textOf(seq);
  if (text === undefined) return state;
  const editor = editorReducer(editorReducer(state.input.editor, { type: 'clear' }), {
    type: 'insert',
    text,
  });
  return {
    ...state,
    input: { ...state.input, editor },
    focus: 'input',
    focusBefore: 'input',
    inspecting: undefined,
  };
}

/** n/N: the next (or previous) search hit after the selection, wrapping around. */
function jumpToHit(state: UiState, ctx: LogContext, dir: 1 | -1): UiState {
  const { hits } = ctx;
  if (hits.length === 0) return state;
  const from = selectedOrNewest(state, ctx) ?? 0;
  const target =
    dir === 1
      ? (hits.find((seq) => seq > from) ?? hits[0]!)
      : ([...hits].reverse().find((seq) => seq < from) ?? hits[hits.length - 1]!);
  return pause(state, ctx, target);
}

function charKey(char: string): Key & { kind: 'key' } {
  return { kind: 'key', name: 'char', ctrl: false, meta: false, shift: false, char };
}

/** The key table's contexts a focus looks keys up in, in order. */
const contextsOf: Record<Focus, KeyContext[]> = {
  input: ['input', 'editing'],
  log: ['log'],
  filter: ['prompt', 'editing'],
  search: ['prompt', 'editing'],
  inspector: ['inspector'],
  help: ['help'],
};

/** Text and pastes: typed into a line, or, where letters are commands, one key per character. */
function typed(state: UiState, key: Key & { kind: 'text' | 'paste' }, ctx: LogContext): UiState {
  switch (state.focus) {
    case 'input':
      // A CR inside typed text is Enter (a terminal may deliver "hello\r" as one chunk): decodeKeys splits it.
      if (key.kind === 'text') return onInput({ type: 'insert', text: key.text })(state, ctx);
      // A paste keeps its newlines and tabs; other control characters (a stray escape) must not land in a message.
      return onInput({ type: 'insert', text: key.text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '') })(state, ctx);
    case 'filter':
    case 'search':
      // A pattern is one line: a pasted newline becomes a space.
      return editing({
        type: 'insert',
        text: key.kind === 'paste' ? key.text.replace(/\n/g, ' ') : key.text,
      })(state, ctx);
    case 'log':
      // A paste in the log is meant for the input line.
      if (key.kind === 'paste') return typed({ ...state, focus: 'input', focusBefore: 'input' }, key, ctx);
      return uiKey(state, charKey(key.text), ctx);
    case 'inspector':
      return key.kind === 'paste' ? state : uiKey(state, charKey(key.text), ctx);
    case 'help':
      return uiKey(state, charKey(key.text), ctx);
  }
}

/**
 * Applies one key to the session's UI state: the key table's `anywhere` bindings first (Ctrl+C, Ctrl+T,
 * Ctrl+O, Ctrl+L), then those of the focus; text goes into the focused line.
 */
export function uiKey(state: UiState, key: Key, ctx: LogContext): UiState {
  if (key.kind !== 'key') {
    // Where letters are commands, typed text counts key by key: "/err" is `/` then a filter "err".
    if (
      key.kind === 'text' &&
      [...key.text].length > 1 &&
      (state.focus === 'log' || state.focus === 'inspector' || state.focus === 'help')
    )
      return [...key.text].reduce((s, char) => uiKey(s, { kind: 'text', text: char }, ctx), state);
    return typed(state, key, ctx);
  }
  for (const context of ['anywhere' as const, ...contextsOf[state.focus]]) {
    const action = actionFor(context, key);
    if (action) return actions[action](state, ctx);
  }
  return state;
}

/** Moves submitted lines from the input's outbox into the effect list, in order. */
export function collectLines(state: UiState): UiState {
  if (state.input.outbox.length === 0) return state;
  const lines = state.input.outbox.map((line): Effect => ({ type: 'line', line }));
  return {
    ...state,
    input: inputReducer(state.input, { type: 'taken', count: state.input.outbox.length }),
    effects: [...state.effects, ...lines],
  };
}

export type { InputState };
