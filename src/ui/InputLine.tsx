// The input line: the text being typed with its cursor, over as many lines as it has (at most maxRows shown).

import { Box, Text } from 'ink';
import type { EditorState } from './line-editor.js';

export interface InputLineProps {
  editor: EditorState;
  isOpen: boolean;
  /** Without colour, inverse video is off too: the cursor is drawn as `|` (inside text) or `_` (at the end). */
  hasColour?: boolean;
  /** The input has the keys (the lens moves focus with Tab); an unfocused line shows no cursor. */
  isFocused?: boolean;
  /** Most lines shown; the ones around the cursor. Default: all. */
  maxRows?: number;
}

export function InputLine({ editor, isOpen, hasColour = true, isFocused = true, maxRows }: InputLineProps) {
  let { text, cursor } = editor;
  let hidden = '';
  if (maxRows !== undefined) {
    const lines = text.split('\n');
    if (lines.length > maxRows) {
      // Keep the window of lines that holds the cursor; say how many are out of sight.
      const cursorLine = text.slice(0, cursor).split('\n').length - 1;
      const first = Math.max(0, Math.min(cursorLine - maxRows + 2, lines.length - maxRows + 1));
      const shown = lines.slice(first, first + maxRows - 1);
      const offset = lines.slice(0, first).reduce((n, l) => n + l.length + 1, 0);
      text = shown.join('\n');
      cursor = Math.max(0, Math.min(text.length, cursor - offset));
      hidden = `(${lines.length} lines, ${first + 1}-${first + shown.length} shown)`;
    }
  }
  const before = text.slice(0, cursor);
  const at = text[cursor];
  const after = text.slice(cursor + 1);
  const isAtLineEnd = at === undefined || at === '\n';
  // The cursor sits on a character (shown inverse) or past the end (an inverse space).
  let cursorView;
  if (!isFocused) cursorView = <Text>{isAtLineEnd ? '' : at}</Text>;
  else if (hasColour) cursorView = <Text inverse>{isAtLineEnd ? ' ' : at}</Text>;
  else cursorView = <Text>{isAtLineEnd ? '_' : `|${at}`}</Text>;
  return (
    <Box flexDirection="column">
      <Box>
        <Text color={isOpen ? 'cyan' : 'yellow'}>{isOpen ? '› ' : '… '}</Text>
        <Text>
          {before}
          {cursorView}
          {at === '\n' ? `\n${after}` : after}
        </Text>
      </Box>
      {hidden !== '' && <Text dimColor>{`  ${hidden}`}</Text>}
    </Box>
  );
}
