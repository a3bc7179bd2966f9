// The input line: the text being typed with its cursor. Inline it grows with the text; in the lens it shows
// at most maxRows screen rows (long lines wrapped by hand), the ones around the cursor, so a paste of 6,000
// characters cannot push the log off the screen.

import { Box, Text } from 'ink';
import type { EditorState } from './line-editor.js';

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

/** Screen rows of `text` as [start, end) offsets: split at newlines, then every `width` code points. */
export function inputRows(text: string, width: number): [number, number][] {
  const rows: [number, number][] = [];
  let offset = 0;
  for (const line of text.split('\n')) {
    const points = [...line];
    if (points.length === 0) rows.push([offset, offset]);
    let at = offset;
    for (let i = 0; i < points.length; i += width) {
      const piece = points.slice(i, i + width).join('');
      rows.push([at, at + piece.length]);
      at += piece.length;
    }
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
