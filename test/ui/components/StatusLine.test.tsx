import { describe, expect, it } from 'vitest';
import { render } from 'ink-testing-library';
import { StatusLine } from '../../../src/ui/components/StatusLine.js';
import type { SessionView } from '../../../src/ui/session/session-store.js';
import type { ConnectionSnapshot } from '../../../src/core/events.js';
import { stripAnsi } from '../../helpers/ink.js';

const now = 1_000_000;
function view(snap: Partial<ConnectionSnapshot>): SessionView {
  return {
    snap: {
      state: 'open',
      url: 'ws://127.0.0.1:9000/',
      attempt: 1,
      hasOpened: true,
      isIncomingPaused: false,
      openedAt: undefined,
      retryAt: undefined,
      rttMs: undefined,
      protocol: '',
      extensions: '',
      lastClose: undefined,
      lastError: undefined,
      counters: {
        sent: 3,
        received: 5,
        dropped: 1,
        queued: 2,
        reconnects: 4,
        bytesSent: 0,
        bytesReceived: 0,
        wireBytesReceived: 0,
        dataBytesReceived: 0,
        unconfirmed: 0,
      },
      ...snap,
    },
    queued: [],
    moreQueued: 0,
    now,
    entriesVersion: 0,
  };
}
const shown = (v: SessionView) => stripAnsi(render(<StatusLine view={v} />).lastFrame() ?? '');

describe('StatusLine', () => {
  it('shows an open connection with URL, uptime, RTT, subprotocol and every counter', () => {
    const text = shown(view({ state: 'open', openedAt: now - 125_000, rttMs: 7, protocol: 'graphql-ws' }));
    expect(text).toContain('● open  ws://127.0.0.1:9000/  up 2.1m  rtt 7 ms  [graphql-ws]');
    expect(text).toContain('↑ 3 sent  ↓ 5 received  2 queued  1 dropped  4 reconnects');
  });

  it('shows connecting, with the attempt number after the first', () => {
    expect(shown(view({ state: 'connecting', attempt: 1 }))).toContain('● connecting…  ws://');
    expect(shown(view({ state: 'connecting', attempt: 3 }))).toContain('● connecting… (attempt 3)');
  });

  it('shows waiting with the coming retry number (two attempts made: retry #2) and a countdown', () => {
    expect(shown(view({ state: 'waiting', attempt: 2, retryAt: now + 4000 }))).toContain(
      '● waiting — retry #2 in 4s',
    );
  });

  it('shows closing, idle and closed with the close code and a sanitised reason', () => {
    expect(shown(view({ state: 'closing' }))).toContain('● closing');
    expect(shown(view({ state: 'idle' }))).toContain('● idle');
    const closed = shown(view({ state: 'closed', lastClose: { code: 1008, reason: 'banned\x1b[2J' } }));
    expect(closed).toContain('● closed 1008 "banned\\e[2J"');
  });
});
