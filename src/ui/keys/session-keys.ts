// What each key does, as a pure reducer: (state, key, what the log holds now) => state. Which key does what is
// the key table's (key-table.ts), what each action means is key-actions.ts's; this file routes keys and text
// by focus. Side effects (send, quit, copy, open $EDITOR) leave as a list of effects the App carries out.

import type { Key } from './decode-keys.js';
import { actions, editing, onInput } from './key-actions.js';
import { actionFor, type KeyContext } from './key-table.js';
import { createEditor, createInput, inputReducer, type EditorState, type InputState } from './line-editor.js';

export { indexAtOrBefore } from './key-actions.js';

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
