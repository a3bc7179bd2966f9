// The top line: state in colour and words, URL, uptime, ping RTT and the counters.

import { Box, Text } from 'ink';
import type { SessionView } from '../session/session-store.js';
import { stateLabel, stateTone } from './state-label.js';
import { formatDuration } from '../../text/duration.js';
import { sanitize } from '../../text/sanitize.js';

const toneColour = { good: 'green', warn: 'yellow', bad: 'red', idle: 'gray' } as const;

export function StatusLine({ view }: { view: SessionView }) {
  const { snap, now } = view;
  const { counters } = snap;
  const label = stateLabel(snap.state, {
    // While waiting, `attempt` counts the attempts made; the one coming is retry #attempt, so the first retry
    // after a refusal reads #1, not #2.
    attempt: snap.attempt,
    retryInMs: snap.retryAt === undefined ? undefined : snap.retryAt - now,
    closeCode: snap.lastClose?.code,
    closeReason: snap.lastClose?.reason === undefined ? undefined : sanitize(snap.lastClose.reason),
    refusedStatus: snap.lastError?.kind === 'http-status' ? snap.lastError.details.statusLine : undefined,
  });
  const colour = toneColour[stateTone(snap.state)];
  return (
    <Box flexDirection="column">
      <Text wrap="truncate-end">
        <Text color={colour} bold>{`● ${label}`}</Text>
        <Text>{`  ${snap.url}`}</Text>
        {snap.openedAt !== undefined && <Text dimColor>{`  up ${formatDuration(now - snap.openedAt)}`}</Text>}
        {snap.rttMs !== undefined && <Text dimColor>{`  rtt ${snap.rttMs} ms`}</Text>}
        {snap.protocol !== '' && <Text dimColor>{`  [${sanitize(snap.protocol)}]`}</Text>}
      </Text>
      <Text wrap="truncate-end" dimColor>
        {`↑ ${counters.sent} sent  ↓ ${counters.received} received  ${counters.queued} queued  `}
        <Text color={counters.dropped > 0 ? 'red' : undefined}>{`${counters.dropped} dropped`}</Text>
        {`  ${counters.reconnects} reconnects`}
      </Text>
    </Box>
  );
}
