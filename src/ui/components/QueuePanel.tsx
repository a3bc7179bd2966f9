// Messages waiting to be sent (typed while offline), each with the time it has left before it is dropped.

import { Box, Text } from 'ink';
import type { SessionView } from '../session/session-store.js';
import { formatDuration } from '../../text/duration.js';
import { preview } from '../../text/sanitize.js';

export function QueuePanel({ view }: { view: SessionView }) {
  if (view.queued.length === 0) return null;
  return (
    <Box flexDirection="column">
      {view.queued.map((msg) => (
        <Text key={msg.seq} wrap="truncate-end">
          <Text color="yellow">… queued </Text>
          <Text>
            {msg.isBinary
              ? `⟨binary ${msg.bytes} B⟩`
              : preview(typeof msg.data === 'string' ? msg.data : msg.data.toString('utf8'), 60)}
          </Text>
          <Text dimColor>
            {msg.deadlineAt === undefined
              ? '  (kept until sent)'
              : `  ${formatDuration(Math.max(0, msg.deadlineAt - view.now))} left`}
          </Text>
        </Text>
      ))}
      {view.moreQueued > 0 && <Text dimColor>… and {view.moreQueued} more queued</Text>}
    </Box>
  );
}
