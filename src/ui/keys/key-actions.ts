// What each action of the key table does to the session's UI state, as pure functions of (state, what the
// log holds now). session-keys.ts finds the action for a key; this file is its meaning.

import type { KeyAction } from './key-table.js';
import { completeSavedName } from './complete-name.js';
import {
  createEditor,
  editorReducer,
  inputReducer,
  type EditorAction,
  type EditorState,
  type InputAction,
} from './line-editor.js';
import type { Effect, LogContext, UiState } from './session-keys.js';

const effect = (state: UiState, e: Effect): UiState => ({ ...state, effects: [...state.effects, e] });

export type Apply = (state: UiState, ctx: LogContext) => UiState;

/** A line-editing action on whichever line has the focus: the input line or the filter/search prompt. */
export function editing(action: EditorAction): Apply {
  return (state) => {
    if (state.focus === 'input') return { ...state, input: inputReducer(state.input, action) };
    const prompt = editorReducer(state.prompt, action);
    // The filter applies as it is typed: the count and the view follow each key.
    return state.focus === 'filter'
      ? { ...state, prompt, filter: prompt.text }
      : { ...state, prompt, search: prompt.text };
  };
}

export const onInput =
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
export const actions: Record<KeyAction, Apply> = {
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
