// The input line as a pure reducer: editing, word deletion and history. useInput only turns keys into actions.

export interface EditorState {
  text: string;
  /** Cursor position in UTF-16 units, 0..text.length. */
  cursor: number;
  /** Oldest first. */
  history: readonly string[];
  /** Index into history while browsing it with up/down; undefined while editing a fresh line. */
  historyIndex: number | undefined;
  /** The fresh line kept aside while browsing history. */
  draft: string;
}

export type EditorAction =
  | { type: 'insert'; text: string }
  | { type: 'left' | 'right' | 'home' | 'end' | 'wordLeft' | 'wordRight' }
  | { type: 'backspace' | 'deleteForward' | 'deleteWordBack' | 'deleteToStart' | 'deleteToEnd' }
  | { type: 'historyPrev' | 'historyNext' }
  | { type: 'clear' };

/** Most history entries kept in memory and on disk. */
export const historyLimit = 500;

export function createEditor(history: readonly string[] = []): EditorState {
  return { text: '', cursor: 0, history: history.slice(-historyLimit), historyIndex: undefined, draft: '' };
}

function wordStartBefore(text: string, cursor: number): number {
  let i = cursor;
  while (i > 0 && /\s/.test(text[i - 1]!)) i--;
  while (i > 0 && !/\s/.test(text[i - 1]!)) i--;
  return i;
}

function wordEndAfter(text: string, cursor: number): number {
  let i = cursor;
  while (i < text.length && /\s/.test(text[i]!)) i++;
  while (i < text.length && !/\s/.test(text[i]!)) i++;
  return i;
}

function showLine(state: EditorState, text: string, historyIndex: number | undefined): EditorState {
  return { ...state, text, cursor: text.length, historyIndex };
}

export function editorReducer(state: EditorState, action: EditorAction): EditorState {
  const { text, cursor } = state;
  switch (action.type) {
    case 'insert':
      return {
        ...state,
        text: text.slice(0, cursor) + action.text + text.slice(cursor),
        cursor: cursor + action.text.length,
      };
    case 'left':
      return { ...state, cursor: Math.max(0, cursor - 1) };
    case 'right':
      return { ...state, cursor: Math.min(text.length, cursor + 1) };
    case 'home':
      return { ...state, cursor: 0 };
    case 'end':
      return { ...state, cursor: text.length };
    case 'wordLeft':
      return { ...state, cursor: wordStartBefore(text, cursor) };
    case 'wordRight':
      return { ...state, cursor: wordEndAfter(text, cursor) };
    case 'backspace':
      if (cursor === 0) return state;
      return { ...state, text: text.slice(0, cursor - 1) + text.slice(cursor), cursor: cursor - 1 };
    case 'deleteForward':
      return { ...state, text: text.slice(0, cursor) + text.slice(cursor + 1) };
    case 'deleteWordBack': {
      const start = wordStartBefore(text, cursor);
      return { ...state, text: text.slice(0, start) + text.slice(cursor), cursor: start };
    }
    case 'deleteToStart':
      return { ...state, text: text.slice(cursor), cursor: 0 };
    case 'deleteToEnd':
      return { ...state, text: text.slice(0, cursor) };
    case 'historyPrev': {
      if (state.history.length === 0) return state;
      if (state.historyIndex === undefined) {
        const index = state.history.length - 1;
        return { ...showLine(state, state.history[index]!, index), draft: text };
      }
      const index = Math.max(0, state.historyIndex - 1);
      return showLine(state, state.history[index]!, index);
    }
    case 'historyNext': {
      if (state.historyIndex === undefined) return state;
      const index = state.historyIndex + 1;
      if (index >= state.history.length) return showLine(state, state.draft, undefined);
      return showLine(state, state.history[index]!, index);
    }
    case 'clear':
      return { ...state, text: '', cursor: 0, historyIndex: undefined, draft: '' };
  }
}

/**
 * Enter pressed. A line ending in a backslash continues: the backslash becomes a newline and nothing is
 * submitted. Otherwise returns the text to submit and a fresh line, with the text added to history
 * (not repeated when it equals the last entry).
 */
export function submit(state: EditorState): { state: EditorState; submitted: string | undefined } {
  if (state.text.endsWith('\\') && state.cursor === state.text.length) {
    const text = `${state.text.slice(0, -1)}\n`;
    return { state: { ...state, text, cursor: text.length }, submitted: undefined };
  }
  const submitted = state.text;
  if (submitted.trim() === '')
    return { state: editorReducer(state, { type: 'clear' }), submitted: undefined };
  const isRepeat = state.history[state.history.length - 1] === submitted;
  const history = isRepeat ? state.history : [...state.history, submitted].slice(-historyLimit);
  return { state: { ...createEditor(history) }, submitted };
}

/** The editor plus the lines submitted and not yet acted on, so key handling stays a pure reducer. */
export interface InputState {
  editor: EditorState;
  outbox: readonly string[];
}

export type InputAction = EditorAction | { type: 'submit' } | { type: 'taken'; count: number };

export function createInput(history: readonly string[] = []): InputState {
  return { editor: createEditor(history), outbox: [] };
}

export function inputReducer(state: InputState, action: InputAction): InputState {
  switch (action.type) {
    case 'submit': {
      const result = submit(state.editor);
      return {
        editor: result.state,
        outbox: result.submitted === undefined ? state.outbox : [...state.outbox, result.submitted],
      };
    }
    case 'taken':
      return { ...state, outbox: state.outbox.slice(action.count) };
    default:
      return { ...state, editor: editorReducer(state.editor, action) };
  }
}
