import { describe, expect, it } from 'vitest';
import {
  createEditor,
  createInput,
  editorReducer,
  inputReducer,
  submit,
  type EditorAction,
  type EditorState,
} from '../../../src/ui/keys/line-editor.js';

function apply(state: EditorState, ...actions: EditorAction[]): EditorState {
  return actions.reduce(editorReducer, state);
}
const typed = (text: string, history: string[] = []) =>
  apply(createEditor(history), { type: 'insert', text });

describe('line editor', () => {
  it('inserts at the cursor and moves with left, right, home and end', () => {
    const s = apply(
      typed('hllo'),
      { type: 'home' },
      { type: 'right' },
      { type: 'insert', text: 'e' },
      { type: 'end' },
      { type: 'insert', text: '!' },
    );
    expect([s.text, s.cursor]).toEqual(['hello!', 6]);
  });

  it('deletes backwards, forwards, a word, to the start and to the end', () => {
    expect(apply(typed('abc'), { type: 'backspace' }).text).toBe('ab');
    expect(apply(typed('abc'), { type: 'home' }, { type: 'deleteForward' }).text).toBe('bc');
    expect(apply(typed('send hello world'), { type: 'deleteWordBack' }).text).toBe('send hello ');
    expect(
      apply(typed('one two'), { type: 'left' }, { type: 'left' }, { type: 'deleteToStart' }),
    ).toMatchObject({ text: 'wo', cursor: 0 });
    expect(apply(typed('one two'), { type: 'wordLeft' }, { type: 'deleteToEnd' }).text).toBe('one ');
  });

  it('does nothing on backspace at the start', () => {
    const s = apply(typed('x'), { type: 'home' });
    expect(apply(s, { type: 'backspace' })).toEqual(s);
  });

  it('walks history with up and down and restores the draft', () => {
    const s0 = typed('draft', ['first', 'second']);
    const up1 = apply(s0, { type: 'historyPrev' });
    const up2 = apply(up1, { type: 'historyPrev' });
    const up3 = apply(up2, { type: 'historyPrev' });
    expect([up1.text, up2.text, up3.text]).toEqual(['second', 'first', 'first']);
    const down = apply(up3, { type: 'historyNext' }, { type: 'historyNext' });
    expect(down).toMatchObject({ text: 'draft', historyIndex: undefined });
  });

  it('submits a line into history without repeating the last entry', () => {
    const first = submit(typed('ping', ['ping']));
    expect(first.submitted).toBe('ping');
    expect(first.state.history).toEqual(['ping']);
    expect(first.state.text).toBe('');
    const second = submit(typed('pong', ['ping']));
    expect(second.state.history).toEqual(['ping', 'pong']);
  });

  it('continues on a new line when the line ends with a backslash', () => {
    const r = submit(typed('{"a":1,\\'));
    expect(r.submitted).toBeUndefined();
    expect(r.state.text).toBe('{"a":1,\n');
    const done = submit(apply(r.state, { type: 'insert', text: '"b":2}' }));
    expect(done.submitted).toBe('{"a":1,\n"b":2}');
  });

  it('submits nothing for a blank line', () => {
    expect(submit(typed('   ')).submitted).toBeUndefined();
  });

  it('queues submitted lines in order through the input reducer', () => {
    const actions = [
      { type: 'insert', text: 'a' },
      { type: 'submit' },
      { type: 'insert', text: 'b' },
      { type: 'submit' },
    ] as const;
    const s = actions.reduce(inputReducer, createInput());
    expect(s.outbox).toEqual(['a', 'b']);
    expect(inputReducer(s, { type: 'taken', count: 1 }).outbox).toEqual(['b']);
  });
});
