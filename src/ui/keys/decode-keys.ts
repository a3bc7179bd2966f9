// Terminal input bytes -> keys, as a pure function: every byte of a chunk becomes a key, so a control key
// that arrives in the same read as text (`abc` + Ctrl+C over SSH) is never lost.

export type KeyName =
  | 'enter'
  | 'tab'
  | 'backtab'
  | 'escape'
  | 'backspace'
  | 'delete'
  | 'up'
  | 'down'
  | 'left'
  | 'right'
  | 'home'
  | 'end'
  | 'pageUp'
  | 'pageDown'
  /** A printable character typed with Ctrl or Alt: `char` says which. */
  | 'char';

export type Key =
  /** A run of printable text typed (or delivered) in one read. */
  | { kind: 'text'; text: string }
  /** A bracketed paste, newlines normalised to \n. */
  | { kind: 'paste'; text: string }
  | { kind: 'key'; name: KeyName; ctrl: boolean; meta: boolean; shift: boolean; char?: string };

/** What the decoder keeps between chunks: a paste may span many reads. */
export interface DecoderState {
  /** Text of a bracketed paste not yet ended, or undefined outside a paste. */
  paste: string | undefined;
  /** An escape sequence cut off at the end of a chunk, completed by the next one. */
  pending: string;
}

export const initialDecoderState: DecoderState = { paste: undefined, pending: '' };

const pasteEnd = '\x1b[201~';

function key(
  name: KeyName,
  mods: { ctrl?: boolean; meta?: boolean; shift?: boolean } = {},
  char?: string,
): Key {
  return {
    kind: 'key',
    name,
    ctrl: mods.ctrl ?? false,
    meta: mods.meta ?? false,
    shift: mods.shift ?? false,
    ...(char === undefined ? {} : { char }),
  };
}

// xterm modifier parameter: 1 + (shift 1, alt 2, ctrl 4).
function modifiers(param: string | undefined): { ctrl: boolean; meta: boolean; shift: boolean } {
  const bits = Math.max(0, Number(param ?? '1') - 1);
  return { shift: (bits & 1) !== 0, meta: (bits & 2) !== 0, ctrl: (bits & 4) !== 0 };
}

const csiLetters: Record<string, KeyName> = {
  A: 'up',
  B: 'down',
  C: 'right',
  D: 'left',
  H: 'home',
  F: 'end',
  Z: 'backtab',
};
const csiTilde: Record<string, KeyName> = {
  '1': 'home',
  '7': 'home',
  '4': 'end',
  '8': 'end',
  '3': 'delete',
  '5': 'pageUp',
  '6': 'pageDown',
};

/** One control character (0x00-0x1f, 0x7f) as a key. */
function controlKey(ch: string, meta: boolean): Key {
  const code = ch.charCodeAt(0);
  if (ch === '\r' || ch === '\n') return key('enter', { meta });
  if (ch === '\t') return key('tab', { meta });
  if (ch === '\x7f' || ch === '\b') return key('backspace', { meta });
  if (ch === '\x1b') return key('escape', { meta });
  if (code === 0) return key('char', { ctrl: true, meta }, ' ');
  // 0x01-0x1a are Ctrl+A..Ctrl+Z; 0x1c-0x1f are Ctrl+\ ] ^ _.
  return key('char', { ctrl: true, meta }, String.fromCharCode(code + 0x60).replace('`', '@'));
}

/**
 * Parses the escape sequence starting at `i` (input[i] is ESC). Returns the key and the index after it,
 * or 'incomplete' when the chunk ends inside the sequence.
 */
function escapeSequence(
  input: string,
  i: number,
): { key: Key | 'pasteStart' | 'pasteEnd'; next: number } | 'incomplete' {
  const next = input[i + 1];
  if (next === undefined) return 'incomplete';
  if (next === '[' || next === 'O') {
    // CSI: parameters 0x30-0x3f, intermediates 0x20-0x2f, final 0x40-0x7e.
    let j = i + 2;
    while (j < input.length && /[\x20-\x3f]/.test(input[j]!)) j++;
    if (j >= input.length) return 'incomplete';
    const body = input.slice(i + 2, j);
    const final = input[j]!;
    const end = j + 1;
    // Bracketed paste markers (ESC [200~ ... ESC [201~).
    if (next === '[' && body === '200' && final === '~') return { key: 'pasteStart', next: end };
    if (next === '[' && body === '201' && final === '~') return { key: 'pasteEnd', next: end };
    const params = body.split(';');
    if (final === '~') {
      const name = csiTilde[params[0] ?? ''];
      return { key: name ? key(name, modifiers(params[1])) : key('escape'), next: end };
    }
    const name = csiLetters[final];
    if (name) {
      const mods = modifiers(params[1]);
      return { key: key(name, name === 'backtab' ? { ...mods, shift: true } : mods), next: end };
    }
    // An unknown sequence (focus report, mouse, kitty key) is consumed whole so its bytes never land as text.
    return { key: key('escape', { meta: true }), next: end };
  }
  if (next === '\x1b') {
    // ESC ESC [A: some terminals send Alt+arrow this way. ESC ESC alone is Escape pressed twice.
    const after = input[i + 2];
    if (after !== '[' && after !== 'O') return { key: key('escape'), next: i + 1 };
    const inner = escapeSequence(input, i + 1);
    if (inner === 'incomplete') return 'incomplete';
    if (typeof inner.key === 'object' && inner.key.kind === 'key')
      return { key: { ...inner.key, meta: true }, next: inner.next };
    return inner;
  }
  const code = next.codePointAt(0)!;
  const width = code > 0xffff ? 2 : 1;
  // Alt+Enter and Alt+Backspace are real keys; ESC before another control key is Escape then that key
  // (Escape and Tab pressed quickly, or sent in one write by tmux, arrive as ESC TAB).
  if (next === '\r' || next === '\x7f') return { key: controlKey(next, true), next: i + 2 };
  if (code < 0x20) return { key: key('escape'), next: i + 1 };
  return { key: key('char', { meta: true }, String.fromCodePoint(code)), next: i + 1 + width };
}

/**
 * Decodes one chunk of terminal input into keys, in order, every byte accounted for. Pure: the returned state
 * carries a paste or an escape sequence that continues in the next chunk. A lone ESC at a chunk's end is
 * the Escape key (terminals send sequences in one write; a person presses Escape alone).
 */
export function decodeKeys(chunk: string, state: DecoderState): { keys: Key[]; state: DecoderState } {
  const input = state.pending + chunk;
  const keys: Key[] = [];
  let paste = state.paste;
  let i = 0;
  let text = '';
  const flushText = () => {
    if (text) keys.push({ kind: 'text', text });
    text = '';
  };
  while (i < input.length) {
    if (paste !== undefined) {
      const end = input.indexOf(pasteEnd, i);
      if (end === -1) {
        // Keep a possible partial end marker for the next chunk.
        let keep = 0;
        for (let k = Math.min(pasteEnd.length - 1, input.length - i); k > 0; k--)
          if (pasteEnd.startsWith(input.slice(input.length - k))) {
            keep = k;
            break;
          }
        paste += input.slice(i, input.length - keep);
        return { keys, state: { paste, pending: input.slice(input.length - keep) } };
      }
      paste += input.slice(i, end);
      keys.push({ kind: 'paste', text: paste.replace(/\r\n?/g, '\n') });
      paste = undefined;
      i = end + pasteEnd.length;
      continue;
    }
    const ch = input[i]!;
    const code = ch.charCodeAt(0);
    if (ch === '\x1b') {
      flushText();
      const parsed = escapeSequence(input, i);
      if (parsed === 'incomplete') {
        // A lone trailing ESC is the Escape key; a cut-off sequence waits for the rest.
        if (i === input.length - 1) {
          keys.push(key('escape'));
          i++;
          continue;
        }
        return { keys, state: { paste, pending: input.slice(i) } };
      }
      if (parsed.key === 'pasteStart') paste = '';
      else if (parsed.key !== 'pasteEnd') keys.push(parsed.key);
      i = parsed.next;
      continue;
    }
    if (code < 0x20 || code === 0x7f) {
      flushText();
      keys.push(controlKey(ch, false));
      i++;
      continue;
    }
    text += ch;
    i++;
  }
  flushText();
  return { keys, state: { paste, pending: '' } };
}
