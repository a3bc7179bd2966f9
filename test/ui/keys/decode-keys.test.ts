import { describe, expect, it } from 'vitest';
import { decodeKeys, initialDecoderState, type Key } from '../../../src/ui/keys/decode-keys.js';

const decode = (...chunks: string[]): Key[] => {
  let state = initialDecoderState;
  const keys: Key[] = [];
  for (const chunk of chunks) {
    const result = decodeKeys(chunk, state);
    state = result.state;
    keys.push(...result.keys);
  }
  return keys;
};
const k = (name: string, mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {}, char?: string) => ({
  kind: 'key',
  name,
  ctrl: mods.ctrl ?? false,
  meta: mods.meta ?? false,
  shift: mods.shift ?? false,
  ...(char === undefined ? {} : { char }),
});

describe('decodeKeys', () => {
  it('keeps a Ctrl+C that arrives in the same read as text', () => {
    expect(decode('abc\x03')).toEqual([{ kind: 'text', text: 'abc' }, k('char', { ctrl: true }, 'c')]);
  });

  it('splits typed text at every control key: "hello\\r" is text then Enter, "a\\x7fb" keeps the backspace', () => {
    expect(decode('hello\rworld\r')).toEqual([
      { kind: 'text', text: 'hello' },
      k('enter'),
      { kind: 'text', text: 'world' },
      k('enter'),
    ]);
    expect(decode('a\x7fb\tc')).toEqual([
      { kind: 'text', text: 'a' },
      k('backspace'),
      { kind: 'text', text: 'b' },
      k('tab'),
      { kind: 'text', text: 'c' },
    ]);
  });

  it('reads arrows, paging, Home/End, Delete and their modifiers, in one chunk', () => {
    expect(decode('\x1b[A\x1b[B\x1b[5~\x1b[6~\x1b[H\x1b[F\x1b[3~\x1b[1;5D\x1bOC\x1b[Z')).toEqual([
      k('up'),
      k('down'),
      k('pageUp'),
      k('pageDown'),
      k('home'),
      k('end'),
      k('delete'),
      k('left', { ctrl: true }),
      k('right'),
      k('backtab', { shift: true }),
    ]);
  });

  it('reads Alt+key, Alt+Enter, a lone Escape, and text after an escape sequence', () => {
    expect(decode('\x1bb\x1b\r')).toEqual([k('char', { meta: true }, 'b'), k('enter', { meta: true })]);
    expect(decode('\x1b')).toEqual([k('escape')]);
    expect(decode('x\x1b[Dyz\x03')).toEqual([
      { kind: 'text', text: 'x' },
      k('left'),
      { kind: 'text', text: 'yz' },
      k('char', { ctrl: true }, 'c'),
    ]);
  });

  it('reads ESC before another control key as Escape then that key (Esc, Tab typed quickly)', () => {
    expect(decode('\r\x1b\t')).toEqual([k('enter'), k('escape'), k('tab')]);
    expect(decode('\x1b\x7f')).toEqual([k('backspace', { meta: true })]);
    expect(decode('\x1b\x1b')).toEqual([k('escape'), k('escape')]);
    expect(decode('\x1b\x1b[A')).toEqual([k('up', { meta: true })]);
  });

  it('joins an escape sequence cut between two reads', () => {
    expect(decode('a\x1b[', '5~b')).toEqual([
      { kind: 'text', text: 'a' },
      k('pageUp'),
      { kind: 'text', text: 'b' },
    ]);
  });

  it('turns a bracketed paste into one piece of text with its newlines, even across reads', () => {
    expect(decode('\x1b[200~{\r  "a": 1,\r\n', '  "b": [2]\r}\x1b[20', '1~\r')).toEqual([
      { kind: 'paste', text: '{\n  "a": 1,\n  "b": [2]\n}' },
      k('enter'),
    ]);
  });

  it('keeps control characters inside a paste out of the key stream', () => {
    expect(decode('\x1b[200~a\x03b\x1b[201~')).toEqual([{ kind: 'paste', text: 'a\x03b' }]);
  });

  it('consumes an unknown sequence whole so its bytes never become text', () => {
    expect(decode('\x1b[?1;2cok')).toEqual([k('escape', { meta: true }), { kind: 'text', text: 'ok' }]);
  });

  it('keeps wide characters and emoji together as text', () => {
    expect(decode('日本🎉\r')).toEqual([{ kind: 'text', text: '日本🎉' }, k('enter')]);
  });
});
