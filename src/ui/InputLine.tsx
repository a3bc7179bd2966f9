// The input line: the text being typed with its cursor, over as many lines as it has.

import { Box, Text } from 'ink';
import type { EditorState } from './line-editor.js';

export function InputLine({ editor, isOpen }: { editor: EditorState; isOpen: boolean }) {
  const { text, cursor } = editor;
  const before = text.slice(0, cursor);
  const at = text[cursor];
  const after = text.slice(cursor + 1);
  // The cursor sits on a character (shown inverse) or past the end (an inverse space).
  const cursorChar = at === undefined || at === '\n' ? ' ' : at;
  return (
    <Box>
      <Text color={isOpen ? 'cyan' : 'yellow'}>{isOpen ? '› ' : '… '}</Text>
      <Text>
        {before}
        <Text inverse>{cursorChar}</Text>
        {at === '\n' ? `\n${after}` : after}
      </Text>
    </Box>
  );
}
