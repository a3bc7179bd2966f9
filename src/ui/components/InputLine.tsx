// The input line: the text being typed with its cursor. Inline it grows with the text; in the lens it shows
// at most maxRows screen rows (long lines wrapped by hand), the ones around the cursor, so a paste of 6,000
// characters cannot push the log off the screen.

import { Box, Text } from 'ink';
import type { EditorState } from '../keys/line-editor.js';

export interface InputLineProps {
  editor: EditorState;
  isOpen: boolean;
  /** Without colour, inverse video is off too: the cursor is drawn as `|` (inside text) or `_` (at the end). */
  hasColour?: boolean;
  /** The input has the keys (the lens moves focus with Tab); an unfocused line shows no cursor. */
  isFocused?: boolean;
  /** Most screen rows shown, with the terminal's width in columns. Default: all, wrapped by Ink. */
  box?: { maxRows: number; columns: number };
}

// Characters a terminal draws two columns wide: CJK, Hangul, full-width forms and emoji.
const wide =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]|[\u{20000}-\u{3fffd}]|\p{Extended_Pictographic}/u;

/** Columns a code point takes on screen: 2 for wide characters and emoji, else 1. */
export function columnsOf(point: string): number {
  return wide.test(point) ? 2 : 1;
}

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Screen rows of `text` as [start, end) offsets: split at newlines, then every `width` columns, never inside
 * a grapheme (👩‍💻 is three code points and one two-column character).
 */
export function inputRows(text: string, width: number): [number, number][] {
  const rows: [number, number][] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    let start = offset;
    let at = offset;
    let used = 0;
    for (const { segment: point } of graphemes.segment(line)) {
      const cols = columnsOf(point);
      if (used + cols > width) {
        rows.push([start, at]);
        start = at;
        used = 0;
      }
      at += point.length;
      used += cols;
    }
    rows.push([start, at]);
    offset += line.length + 1;
  }
  return rows;
}

export function InputLine({ editor, isOpen, hasColour = true, isFocused = true, box }: InputLineProps) {
  const { text, cursor } = editor;
  const cursorAt = (before: string, at: string | undefined, after: string) => {
    const isAtLineEnd = at === undefined || at === '\n';
    // The cursor sits on a character (shown inverse) or past the end (an inverse space).
    let cursorView;
    if (!isFocused) cursorView = <Text>{isAtLineEnd ? '' : at}</Text>;
    else if (hasColour) cursorView = <Text inverse>{isAtLineEnd ? ' ' : at}</Text>;
    else cursorView = <Text>{isAtLineEnd ? '_' : `|${at}`}</Text>;
    return (
      <Text>
        {before}
        {cursorView}
        {at === '\n' ? `\n${after}` : after}
      </Text>
    );
  };
  const prompt = <Text color={isOpen ? 'cyan' : 'yellow'}>{isOpen ? '› ' : '… '}</Text>;
  if (!box)
    return (
      <Box>
        {prompt}
        {cursorAt(text.slice(0, cursor), text[cursor], text.slice(cursor + 1))}
      </Box>
    );

  const rows = inputRows(text, Math.max(8, box.columns - 4));
  let cursorRow = rows.findIndex(([start, end]) => cursor >= start && cursor < end);
  if (cursorRow === -1) cursorRow = rows.findIndex(([, end]) => cursor === end);
  const shownCount = rows.length > box.maxRows ? box.maxRows - 1 : rows.length;
  const first = Math.max(0, Math.min(cursorRow - shownCount + 1, rows.length - shownCount));
  return (
    <Box flexDirection="column">
      {rows.slice(first, first + shownCount).map(([start, end], i) => (
        <Box key={start}>
          {i === 0 ? prompt : <Text>{'  '}</Text>}
          {first + i === cursorRow ? (
            cursorAt(
              text.slice(start, cursor),
              cursor < end ? text[cursor] : undefined,
              text.slice(cursor + 1, end),
            )
          ) : (
            <Text>{text.slice(start, end)}</Text>
          )}
        </Box>
      ))}
      {rows.length > shownCount && (
        <Text dimColor>{`  (${rows.length} rows, ${first + 1}-${first + shownCount} shown)`}</Text>
      )}
    </Box>
  );
}
