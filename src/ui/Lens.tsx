// The full-screen lens: a viewport over the log buffer, the bar under it, the inspector and the key help.

import { Box, Text } from 'ink';
import { useState } from 'react';
import type { LogBuffer } from './log-buffer.js';
import { entryRow, type FormatOptions } from './log-entry.js';
import type { Focus } from './session-keys.js';
import { keysHelp } from './session-keys.js';

/** First row to show so that `index` is in view, moving as little as possible from `top`. */
export function viewportTop(top: number, index: number, rows: number, total: number): number {
  let next = Math.min(top, index);
  if (index >= next + rows) next = index - rows + 1;
  return Math.max(0, Math.min(next, Math.max(0, total - rows)));
}

export interface LogViewProps {
  log: LogBuffer;
  visible: readonly number[];
  /** Selected seq while paused; undefined: following the newest. */
  selected: number | undefined;
  rows: number;
  format: FormatOptions;
  isFocused: boolean;
  hasColour: boolean;
  /** Only here so the view re-renders when entries arrive. */
  version: number;
}

export function LogView({ log, visible, selected, rows, format, isFocused, hasColour }: LogViewProps) {
  // Where the viewport was last frame, so a moving selection scrolls it as little as possible.
  const [memory] = useState(() => ({ top: 0 }));
  const total = visible.length;
  let index = total - 1;
  if (selected !== undefined) {
    // The selected entry may have left the buffer: the nearest one after it takes its place.
    const at = visible.findIndex((seq) => seq >= selected);
    index = at === -1 ? total - 1 : at;
  }
  const top =
    selected === undefined ? Math.max(0, total - rows) : viewportTop(memory.top, index, rows, total);
  // eslint-disable-next-line react-hooks/immutability -- scroll memory: no render depends on it, only the next one
  memory.top = top;
  const shown = visible.slice(top, top + rows);
  return (
    <Box flexDirection="column" height={rows} overflow="hidden">
      {shown.map((seq, i) => {
        const entry = log.get(seq);
        if (!entry) return null;
        const isSelected = selected !== undefined && top + i === index;
        const gutter = isSelected ? (isFocused ? '▶' : '›') : ' ';
        return (
          <Text key={seq} wrap="truncate-end" inverse={isSelected && isFocused && hasColour}>
            {`${gutter} ${entryRow(entry, format)}`}
          </Text>
        );
      })}
    </Box>
  );
}

export interface LensBarProps {
  log: LogBuffer;
  focus: Focus;
  filter: string;
  filterNote: string | undefined;
  matching: number;
  search: string;
  hits: number;
  newSincePause: number | undefined;
  hasColour: boolean;
}

/** One line: buffer fill and losses, filter and its count, search hits, and the follow state. */
export function LensBar(props: LensBarProps) {
  const { log, focus, filter, search } = props;
  const parts: string[] = [`${log.length} in buffer`];
  if (log.dropped > 0) parts.push(`${log.dropped} dropped from buffer`);
  if (filter !== '' || focus === 'filter')
    parts.push(
      `filter /${filter}${focus === 'filter' ? '▏' : ''}/ ${props.matching} matching${props.filterNote ? ` (${props.filterNote})` : ''}`,
    );
  if (search !== '' || focus === 'search')
    parts.push(`search ${search}${focus === 'search' ? '▏' : ''} ${props.hits} hits`);
  const follow =
    props.newSincePause === undefined ? 'following' : `paused, ${props.newSincePause} new (End follows)`;
  return (
    <Text wrap="truncate-end">
      <Text
        color={props.newSincePause === undefined ? undefined : 'yellow'}
        bold={props.newSincePause !== undefined}
      >
        {`── ${follow} `}
      </Text>
      <Text dimColor>{`── ${parts.join(' · ')} ──`}</Text>
    </Text>
  );
}

export function Inspector(props: { lines: readonly string[]; top: number; rows: number; note?: string }) {
  const { lines, top, rows, note } = props;
  const shown = lines.slice(top, top + rows - 1);
  const end = Math.min(lines.length, top + rows - 1);
  return (
    <Box flexDirection="column" height={rows} overflow="hidden">
      <Text
        dimColor
        wrap="truncate-end"
      >{`── message, lines ${top + 1}-${end} of ${lines.length} · Esc closes · y copies · e edits ──${note ? ` ${note}` : ''}`}</Text>
      {shown.map((line, i) => (
        <Text key={top + i} wrap="truncate-end">
          {line === '' ? ' ' : line}
        </Text>
      ))}
    </Box>
  );
}

export function HelpPanel({ focus, rows }: { focus: Focus; rows: number }) {
  const which =
    focus === 'input' ? 'input' : focus === 'inspector' ? 'inspector' : focus === 'log' ? 'log' : 'prompt';
  const title = { input: 'input line', log: 'log', inspector: 'message', prompt: 'filter' }[which];
  return (
    <Box flexDirection="column" height={rows} overflow="hidden">
      {/* flexShrink 0: in a box too short for the list, cut the bottom, never squeeze the title away */}
      <Box flexDirection="column" flexShrink={0}>
        <Text bold>{`Keys in the ${title} (any key closes this):`}</Text>
        {keysHelp[which].map(([keys, what]) => (
          <Text key={keys} wrap="truncate-end">{`  ${keys.padEnd(24)} ${what}`}</Text>
        ))}
        <Text dimColor>
          {'  Anywhere: Ctrl+C quit · Ctrl+T timestamps · Ctrl+O pretty JSON · Tab switch focus'}
        </Text>
      </Box>
    </Box>
  );
}

/** The last line: the few keys that matter in this focus. */
export function hintFor(focus: Focus, isLens: boolean): string {
  if (!isLens) return 'Enter send · Alt+Enter new line · ↑↓ history · /help · Ctrl+X $EDITOR · Ctrl+C quit';
  switch (focus) {
    case 'input':
      return 'Enter send · Tab log · ↑↓ history · Ctrl+X $EDITOR · /help · ? in log: keys · Ctrl+C quit';
    case 'log':
      return '↑↓ PgUp PgDn select · End follow · / filter · s search n N · Enter open · y copy · e edit · ? keys · Tab input';
    case 'filter':
    case 'search':
      return 'a regex or json PATH == VALUE (! in front: inverse) · Enter keep · Esc clear';
    case 'inspector':
      return '↑↓ PgUp PgDn scroll · y copy · e edit and re-send · Esc close';
    case 'help':
      return 'any key closes';
  }
}
