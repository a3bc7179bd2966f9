import { describe, expect, it } from 'vitest';
import { decodeKeys, initialDecoderState } from '../../../src/ui/keys/decode-keys.js';
import {
  collectLines,
  createUi,
  uiKey,
  type LogContext,
  type UiState,
} from '../../../src/ui/keys/session-keys.js';

const seqs = Array.from({ length: 100 }, (_, i) => i + 1);
const ctx = (over: Partial<LogContext> = {}): LogContext => ({
  visible: seqs,
  hits: [],
  pageRows: 10,
  inspectorLines: 50,
  textOf: (seq) => `message ${seq}`,
  ...over,
});

/** Feeds raw terminal bytes through decodeKeys and uiKey, as the App does. */
function type(state: UiState, chunk: string, c: LogContext = ctx()): UiState {
  const { keys } = decodeKeys(chunk, initialDecoderState);
  return collectLines(keys.reduce((s, key) => uiKey(s, key, c), state));
}

describe('uiKey: the input line', () => {
  it('"abc" and Ctrl+C in one chunk: the text is typed and the quit is not lost', () => {
    const ui = type(createUi([], true), 'abc\x03');
    expect(ui.input.editor.text).toBe('abc');
    expect(ui.effects).toEqual([{ type: 'quit' }]);
  });

  it('two lines and their Enters in one chunk are two messages, in order', () => {
    const ui = type(createUi([], true), 'one\rtwo\r');
    expect(ui.effects).toEqual([
      { type: 'line', line: 'one' },
      { type: 'line', line: 'two' },
    ]);
  });

  it('a bracketed multi-line paste is inserted whole and Enter sends it as one message', () => {
    const ui = type(createUi([], true), '\x1b[200~{\r  "a": [1,\r  2]\r}\x1b[201~\r');
    expect(ui.effects).toEqual([{ type: 'line', line: '{\n  "a": [1,\n  2]\n}' }]);
  });

  it('Alt+Enter adds a new line instead of sending; Ctrl+X asks for $EDITOR', () => {
    const ui = type(createUi([], true), 'a\x1b\rb\x18');
    expect(ui.input.editor.text).toBe('a\nb');
    expect(ui.effects).toEqual([{ type: 'openEditor' }]);
  });

  it('Tab moves to the log only in the lens; inline keeps the input focused', () => {
    expect(type(createUi([], true), '\t').focus).toBe('log');
    expect(type(createUi([], false), '\t').focus).toBe('input');
  });
});

describe('uiKey: the log', () => {
  const inLog = () => type(createUi([], true), '\t');

  it('↑ pauses following on the entry before the newest, End follows again', () => {
    let ui = type(inLog(), '\x1b[A');
    expect(ui.selected).toBe(99);
    expect(ui.pausedAt).toBe(100);
    ui = type(ui, '\x1b[5~');
    expect(ui.selected).toBe(90);
    ui = type(ui, '\x1b[H');
    expect(ui.selected).toBe(1);
    ui = type(ui, '\x1b[F');
    expect(ui.selected).toBeUndefined();
    expect(ui.pausedAt).toBeUndefined();
  });

  it('/ types a filter live; Enter keeps it; Esc in the log clears it', () => {
    let ui = type(inLog(), '/!ping');
    expect(ui.focus).toBe('filter');
    expect(ui.filter).toBe('!ping');
    ui = type(ui, '\r');
    expect(ui.focus).toBe('log');
    expect(ui.filter).toBe('!ping');
    ui = type(ui, '\x1b');
    expect(ui.filter).toBe('');
  });

  it('n and N jump between search hits, wrapping around', () => {
    const c = ctx({ hits: [10, 50, 90] });
    let ui = type(inLog(), 'serr\r', c);
    expect(ui.search).toBe('err');
    ui = type(ui, 'n', c); // from the newest (100): wraps to the first hit
    expect(ui.selected).toBe(10);
    ui = type(ui, 'n', c);
    expect(ui.selected).toBe(50);
    ui = type(ui, 'N', c);
    expect(ui.selected).toBe(10);
    ui = type(ui, 'N', c);
    expect(ui.selected).toBe(90);
  });

  it('Enter opens the selected entry in the inspector, which scrolls within its lines and closes on Esc', () => {
    let ui = type(inLog(), '\x1b[A\r');
    expect(ui.focus).toBe('inspector');
    expect(ui.inspecting).toBe(99);
    ui = type(ui, '\x1b[6~\x1b[6~\x1b[6~\x1b[6~\x1b[6~\x1b[6~');
    expect(ui.inspectorTop).toBe(40); // 50 lines, 10 rows: never past the end
    ui = type(ui, '\x1b[A');
    expect(ui.inspectorTop).toBe(39);
    ui = type(ui, '\x1b');
    expect(ui.focus).toBe('log');
    expect(ui.inspecting).toBeUndefined();
  });

  it('y copies the selection, e puts its text into the input line to edit and re-send', () => {
    let ui = type(inLog(), '\x1b[Ay');
    expect(ui.effects).toEqual([{ type: 'copy', seq: 99 }]);
    ui = type({ ...ui, effects: [] }, 'e');
    expect(ui.focus).toBe('input');
    expect(ui.input.editor.text).toBe('message 99');
    ui = type(ui, '!\r');
    expect(ui.effects).toEqual([{ type: 'line', line: 'message 99!' }]);
  });

  it('? shows the keys and any key closes them; Ctrl+C quits from any focus', () => {
    let ui = type(inLog(), '?');
    expect(ui.focus).toBe('help');
    ui = type(ui, 'x');
    expect(ui.focus).toBe('log');
    expect(type(ui, 'jk\x03').effects).toEqual([{ type: 'quit' }]);
  });
});
