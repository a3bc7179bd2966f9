// What each key does, by focus, as a pure reducer: (state, key, what the log holds now) => state. Side effects
// (send, quit, copy, open $EDITOR) leave as a list of effects the App carries out, in order.

import type { Key } from './decode-keys.js';
import { completeSavedName } from './complete-name.js';
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

/** Line-editing keys shared by the input line and the filter prompt. */
export function editingAction(key: Key): EditorAction | undefined {
  if (key.kind === 'text' || key.kind === 'paste') return { type: 'insert', text: key.text };
  const { name, ctrl, meta } = key;
  switch (name) {
    case 'left':
      return { type: ctrl || meta ? 'wordLeft' : 'left' };
    case 'right':
      return { type: ctrl || meta ? 'wordRight' : 'right' };
    case 'home':
      return { type: 'home' };
    case 'end':
      return { type: 'end' };
    case 'backspace':
      return { type: meta || ctrl ? 'deleteWordBack' : 'backspace' };
    case 'delete':
      return { type: 'deleteForward' };
    case 'char': {
      if (meta && key.char === 'b') return { type: 'wordLeft' };
      if (meta && key.char === 'f') return { type: 'wordRight' };
      if (!ctrl) return undefined;
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
      const type = byKey[key.char ?? ''];
      return type ? ({ type } as EditorAction) : undefined;
    }
    default:
      return undefined;
  }
}

function inputKey(state: UiState, key: Key, ctx: LogContext): UiState {
  const edit = (action: InputAction) => ({ ...state, input: inputReducer(state.input, action) });
  if (key.kind === 'text') {
    // A CR inside typed text is Enter (a terminal may deliver "hello\r" as one chunk): decodeKeys splits it.
    return edit({ type: 'insert', text: key.text });
  }
  // A paste keeps its newlines and tabs; other control characters (a stray escape) must not land in a message.
  if (key.kind === 'paste')
    return edit({ type: 'insert', text: key.text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '') });
  if (key.name === 'enter') return key.meta ? edit({ type: 'insert', text: '\n' }) : edit({ type: 'submit' });
  if (key.name === 'up') return edit({ type: 'historyPrev' });
  if (key.name === 'down') return edit({ type: 'historyNext' });
  if (key.name === 'tab') {
    const { text, cursor } = state.input.editor;
    const completion = completeSavedName(text, cursor, ctx.savedNames ?? []);
    if (completion !== undefined)
      return completion === '' ? state : edit({ type: 'insert', text: completion });
  }
  if (key.name === 'tab' && state.isLens) return { ...state, focus: 'log', focusBefore: 'log' };
  if (key.name === 'char' && key.ctrl && key.char === 'x') return effect(state, { type: 'openEditor' });
  const action = editingAction(key);
  return action ? edit(action) : state;
}

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

function logKey(state: UiState, typed: Key, ctx: LogContext): UiState {
  if (typed.kind === 'paste') return inputKey({ ...state, focus: 'input', focusBefore: 'input' }, typed, ctx);
  const key = typed.kind === 'text' ? charKey(typed.text) : typed;
  switch (key.name) {
    case 'tab':
    case 'backtab':
      return { ...state, focus: 'input', focusBefore: 'input' };
    case 'up':
      return moveSelection(state, ctx, -1);
    case 'down':
      return moveSelection(state, ctx, 1);
    case 'pageUp':
      return moveSelection(state, ctx, -Math.max(1, ctx.pageRows - 1));
    case 'pageDown':
      return moveSelection(state, ctx, Math.max(1, ctx.pageRows - 1));
    case 'home':
      return ctx.visible.length === 0 ? state : pause(state, ctx, ctx.visible[0]!);
    case 'end':
      return { ...state, selected: undefined, pausedAt: undefined };
    case 'escape':
      return { ...state, filter: '', search: '' };
    case 'enter': {
      const seq = selectedOrNewest(state, ctx);
      if (seq === undefined) return state;
      return { ...state, focus: 'inspector', inspecting: seq, inspectorTop: 0 };
    }
    case 'char':
      break;
    default:
      return state;
  }
  if (key.ctrl || key.meta) return state;
  switch (key.char) {
    case '/':
      return { ...state, focus: 'filter', prompt: lineOf(state.filter) };
    case 's':
      return { ...state, focus: 'search', prompt: lineOf(state.search) };
    case 'n':
    case 'N':
      return jumpToHit(state, ctx, key.char === 'n' ? 1 : -1);
    case 'k':
      return moveSelection(state, ctx, -1);
    case 'j':
      return moveSelection(state, ctx, 1);
    case 'g':
      return logKey(state, { ...key, name: 'home' }, ctx);
    case 'G':
      return logKey(state, { ...key, name: 'end' }, ctx);
    case 'y': {
      const seq = selectedOrNewest(state, ctx);
      return seq === undefined ? state : effect(state, { type: 'copy', seq });
    }
    case 'e':
      return editEntry(state, ctx, selectedOrNewest(state, ctx));
    case '?':
      return { ...state, focus: 'help' };
    default:
      return state;
  }
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

function promptKey(state: UiState, key: Key): UiState {
  const isFilter = state.focus === 'filter';
  if (key.kind === 'key' && key.name === 'escape')
    return { ...state, focus: 'log', ...(isFilter ? { filter: '' } : { search: '' }) };
  if (key.kind === 'key' && (key.name === 'enter' || key.name === 'tab')) return { ...state, focus: 'log' };
  const action = editingAction(
    key.kind === 'paste' ? { kind: 'text', text: key.text.replace(/\n/g, ' ') } : key,
  );
  if (!action) return state;
  const prompt = editorReducer(state.prompt, action);
  // The filter applies as it is typed: the count and the view follow each key.
  return isFilter ? { ...state, prompt, filter: prompt.text } : { ...state, prompt, search: prompt.text };
}

function inspectorKey(state: UiState, typed: Key, ctx: LogContext): UiState {
  const maxTop = Math.max(0, ctx.inspectorLines - ctx.pageRows);
  const scroll = (by: number) => ({
    ...state,
    inspectorTop: Math.max(0, Math.min(maxTop, state.inspectorTop + by)),
  });
  if (typed.kind === 'paste') return state;
  const key = typed.kind === 'text' ? charKey(typed.text) : typed;
  switch (key.name) {
    case 'up':
      return scroll(-1);
    case 'down':
      return scroll(1);
    case 'pageUp':
      return scroll(-Math.max(1, ctx.pageRows - 1));
    case 'pageDown':
      return scroll(Math.max(1, ctx.pageRows - 1));
    case 'home':
      return { ...state, inspectorTop: 0 };
    case 'end':
      return { ...state, inspectorTop: maxTop };
    case 'escape':
    case 'enter':
      return { ...state, focus: 'log', inspecting: undefined };
    case 'char':
      if (key.ctrl || key.meta) return state;
      if (key.char === 'q') return { ...state, focus: 'log', inspecting: undefined };
      if (key.char === 'k') return scroll(-1);
      if (key.char === 'j' || key.char === ' ') return scroll(key.char === ' ' ? ctx.pageRows - 1 : 1);
      if (key.char === 'y' && state.inspecting !== undefined)
        return effect(state, { type: 'copy', seq: state.inspecting });
      if (key.char === 'e') return editEntry(state, ctx, state.inspecting);
      if (key.char === '?') return { ...state, focus: 'help', focusBefore: 'log' };
      return state;
    default:
      return state;
  }
}

function charKey(char: string): Key & { kind: 'key' } {
  return { kind: 'key', name: 'char', ctrl: false, meta: false, shift: false, char };
}

/** Applies one key to the session's UI state. Keys valid everywhere (Ctrl+C, Ctrl+T, Ctrl+O, Ctrl+L) come first. */
export function uiKey(state: UiState, key: Key, ctx: LogContext): UiState {
  if (key.kind === 'key' && key.name === 'char' && key.ctrl) {
    if (key.char === 'c') return effect(state, { type: 'quit' });
    if (key.char === 't') return effect(state, { type: 'timestamps' });
    if (key.char === 'o') return effect(state, { type: 'pretty' });
    if (key.char === 'l') return effect(state, { type: 'clear' });
  }
  // Where letters are commands, typed text counts key by key: "/err" is `/` then a filter "err".
  if (
    key.kind === 'text' &&
    [...key.text].length > 1 &&
    (state.focus === 'log' || state.focus === 'inspector' || state.focus === 'help')
  )
    return [...key.text].reduce((s, char) => uiKey(s, { kind: 'text', text: char }, ctx), state);
  switch (state.focus) {
    case 'input':
      return inputKey(state, key, ctx);
    case 'log':
      return logKey(state, key, ctx);
    case 'filter':
    case 'search':
      return promptKey(state, key);
    case 'inspector':
      return inspectorKey(state, key, ctx);
    case 'help':
      return { ...state, focus: state.inspecting !== undefined ? 'inspector' : state.focusBefore };
  }
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

/** The keys valid in a focus, for `?` and the hint line. */
export const keysHelp: Record<'input' | 'log' | 'inspector' | 'prompt', [string, string][]> = {
  input: [
    ['Enter', 'send (a paste is one message, newlines included)'],
    ['Alt+Enter, \\ Enter', 'new line in the message'],
    ['↑ ↓', 'history'],
    ['Ctrl+X', 'edit the draft in $EDITOR'],
    ['Tab', 'focus the log (after /send or /save: complete a saved name)'],
    ['/help', 'slash commands'],
    ['Ctrl+C', 'quit (twice: force)'],
  ],
  log: [
    ['↑ ↓ j k PgUp PgDn', 'select (pauses following)'],
    ['Home End g G', 'oldest / newest (End follows again)'],
    ['/', 'filter: a regex or json PATH == VALUE, ! in front for the inverse'],
    ['s, then n N', 'search, next / previous match'],
    ['Esc', 'clear the filter and search'],
    ['Enter', 'open the message in full'],
    ['y', 'copy it (OSC 52)'],
    ['e', 'put it into the input line to edit and re-send'],
    ['Tab', 'focus the input line'],
    ['Ctrl+T Ctrl+O', 'timestamps, pretty JSON'],
  ],
  inspector: [
    ['↑ ↓ PgUp PgDn Home End', 'scroll'],
    ['y', 'copy (OSC 52)'],
    ['e', 'edit and re-send'],
    ['Esc q Enter', 'close'],
  ],
  prompt: [
    ['Enter', 'keep the pattern, back to the log'],
    ['Esc', 'clear it'],
  ],
};

export type { InputState };
