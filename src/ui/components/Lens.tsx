// The full-screen lens: a viewport over the log buffer, the bar under it, the inspector and the key help
// (read from the key table).

import { Box, Text } from 'ink';
import { useState } from 'react';
import type { LogBuffer } from '../log/log-buffer.js';
import { entryRows } from '../log/entry-rows.js';
import type { FormatOptions } from '../log/log-entry.js';
import { helpPanel } from '../keys/key-help.js';
import type { Focus } from '../keys/session-keys.js';

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

/**
 * An entry's rows, remembered per entry object and format: drawn every frame, formatted once. Emptied past
 * maxCachedEntries, so it holds about a screenful, not every entry the buffer holds.
 */
type RowCache = Map<object, { key: string; rows: string[] }>;
const maxCachedEntries = 512;

/**
 * Which entries fill the view, as indexes into `visible` from `first` to `last`. Entries take one row or
 * several (multi-line output, pretty JSON). Following: the newest at the bottom. Paused: the selected
 * entry `index` in view, moving as little as possible from the last frame's `top`. O(rows) either way.
 */
export function viewportEntries(
  top: number,
  index: number,
  isFollowing: boolean,
  rows: number,
  total: number,
  heightOf: (i: number) => number,
): { first: number; last: number } {
  if (total === 0) return { first: 0, last: -1 };
  if (isFollowing) {
    let first = total - 1;
    let used = heightOf(first);
    while (first > 0 && used < rows) used += heightOf(--first);
    return { first, last: total - 1 };
  }
  let first = Math.max(0, Math.min(top, index));
  // Move down until the selected entry fits below `first`.
  let used = 0;
  let back = index;
  while (back >= first) {
    const h = heightOf(back);
    if (used + h > rows && back < index) break;
    used += h;
    back--;
  }
  first = Math.max(first, back + 1);
  // Fill the view: forward to the bottom, then back up if the newest entries leave rows empty.
  used = 0;
  let last = first - 1;
  while (last + 1 < total && used < rows) used += heightOf(++last);
  while (first > 0 && used + heightOf(first - 1) <= rows) used += heightOf(--first);
  return { first, last };
}

export function LogView({ log, visible, selected, rows, format, isFocused, hasColour }: LogViewProps) {
  // Where the viewport was last frame, so a moving selection scrolls it as little as possible.
  const [memory] = useState(() => ({ top: 0, cache: new Map() as RowCache }));
  const total = visible.length;
  let index = total - 1;
  if (selected !== undefined) {
    // The selected entry may have left the buffer: the nearest one after it takes its place.
    const at = visible.findIndex((seq) => seq >= selected);
    index = at === -1 ? total - 1 : at;
  }
  // An entry taller than the view shows its first rows and how many more there are.
  const key = `${format.isPretty}${format.showTimestamps}${rows}`;
  const rowsOf = (i: number): string[] => {
    const entry = log.get(visible[i]!);
    if (!entry) return [];
    const cached = memory.cache.get(entry);
    if (cached?.key === key) return cached.rows;
    const made = entryRows(entry, format, rows);
    if (memory.cache.size >= maxCachedEntries) memory.cache.clear();
    memory.cache.set(entry, { key, rows: made });
    return made;
  };
  const { first, last } = viewportEntries(memory.top, index, selected === undefined, rows, total, (i) =>
    Math.max(1, rowsOf(i).length),
  );
  // eslint-disable-next-line react-hooks/immutability -- scroll memory: no render depends on it, only the next one
  memory.top = first;
  const lines: { key: string; text: string; isSelected: boolean }[] = [];
  for (let i = first; i <= last; i++) {
    const isSelected = selected !== undefined && i === index;
    const gutter = isSelected ? (isFocused ? '▶' : '›') : ' ';
    rowsOf(i).forEach((text, n) =>
      lines.push({ key: `${visible[i]}:${n}`, text: `${n === 0 ? gutter : ' '} ${text}`, isSelected }),
    );
  }
  // Following, the newest entry's last row is at the bottom: a tall oldest entry loses its first rows.
  const shown = selected === undefined ? lines.slice(-rows) : lines.slice(0, rows);
  return (
    <Box flexDirection="column" height={rows} overflow="hidden">
      {shown.map((line) => (
        <Text key={line.key} wrap="truncate-end" inverse={line.isSelected && isFocused && hasColour}>
          {line.text}
        </Text>
      ))}
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

/** The `?` panel: the key table's lines for the focus, then the keys valid anywhere. */
export function HelpPanel({ focus, rows }: { focus: Focus; rows: number }) {
  const topic =
    focus === 'input' ? 'input' : focus === 'inspector' ? 'inspector' : focus === 'log' ? 'log' : 'prompt';
  const { title, lines, anywhere } = helpPanel(topic);
  return (
    <Box flexDirection="column" height={rows} overflow="hidden">
      {/* flexShrink 0: in a box too short for the list, cut the bottom, never squeeze the title away */}
      <Box flexDirection="column" flexShrink={0}>
        <Text bold>{`Keys in the ${title} (any key closes this):`}</Text>
        {lines.map(({ keys, help }) => (
          <Text key={keys.join(' ')} wrap="truncate-end">{`  ${keys.join(' ').padEnd(24)} ${help}`}</Text>
        ))}
        <Text dimColor wrap="truncate-end">{`  Anywhere: ${anywhere}`}</Text>
      </Box>
    </Box>
  );
}
