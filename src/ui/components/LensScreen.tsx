// The full-screen lens, laid out: status, the log (or the open message, or the key help), the bar, the
// queue, the input line and the hint. A new kind of row or bar part goes into LogView or LensBar.

import { Box, Text } from 'ink';
import type { ReactNode } from 'react';
import { hintFor } from '../keys/key-help.js';
import { indexAtOrBefore, type UiState } from '../keys/session-keys.js';
import type { LogBuffer } from '../log/log-buffer.js';
import type { FormatOptions } from '../log/log-entry.js';
import type { LensView } from '../log/lens-indexes.js';
import type { SessionView } from '../session/session-store.js';
import { HelpPanel, Inspector, LensBar, LogView } from './Lens.js';
import { QueuePanel } from './QueuePanel.js';
import { StatusLine } from './StatusLine.js';

export interface LensScreenProps extends LensView {
  view: SessionView;
  log: LogBuffer;
  ui: UiState;
  logRows: number;
  columns: number;
  format: FormatOptions;
  hasColour: boolean;
  /** The input line, drawn by the App. */
  input: ReactNode;
  /** Lines of the message open in the inspector, undefined when none is (it may have left the buffer). */
  inspector: readonly string[] | undefined;
  /** "copied …", repeated in the inspector for the message it shows. */
  copyNote: string | undefined;
}

export function LensScreen(props: LensScreenProps) {
  const { view, log, ui, visible, logRows, hasColour } = props;
  // "N new": entries the filter lets through that arrived since following paused.
  let newSincePause: number | undefined;
  if (ui.selected !== undefined)
    newSincePause =
      ui.pausedAt === undefined || visible.length === 0
        ? 0
        : visible.length - 1 - indexAtOrBefore(visible, ui.pausedAt);
  let body;
  if (ui.focus === 'help')
    body = <HelpPanel focus={ui.inspecting !== undefined ? 'inspector' : ui.focusBefore} rows={logRows} />;
  else if (ui.focus === 'inspector' && props.inspector)
    body = <Inspector lines={props.inspector} top={ui.inspectorTop} rows={logRows} note={props.copyNote} />;
  else
    body = (
      <LogView
        log={log}
        visible={visible}
        selected={ui.selected}
        rows={logRows}
        format={props.format}
        isFocused={ui.focus === 'log'}
        hasColour={hasColour}
        version={view.entriesVersion}
      />
    );
  return (
    <Box flexDirection="column" width={props.columns}>
      <StatusLine view={view} />
      {body}
      <LensBar
        log={log}
        focus={ui.focus}
        filter={ui.filter}
        filterNote={props.filterPattern?.note}
        matching={props.filterPattern ? visible.length : log.length}
        search={ui.search}
        hits={props.hits.length}
        newSincePause={newSincePause}
        hasColour={hasColour}
      />
      <QueuePanel view={view} />
      {props.input}
      <Text dimColor wrap="truncate-end">
        {hintFor(ui.focus, true)}
      </Text>
    </Box>
  );
}
