// wsx load on a terminal: the full-screen live view in a real terminal (tmux), and the user's screen back
// with the final table once the run ends.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { hasTmux, screenOf, screenShows, startTmux, tmux, typeWsx } from '../helpers/tmux.js';

const defer = cleanupAfterEach();

describe.skipIf(!hasTmux)('wsx load live view in tmux', () => {
  it('shows open/target, rates, the last second’s percentiles and errors each second, then restores the screen', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const session = startTmux(defer, 'wsx-load-view', [140, 30]);
    tmux('send-keys', '-t', session, 'echo BEFORE-THE-RUN', 'Enter');
    await screenShows(session, 'BEFORE-THE-RUN\n');
    typeWsx(session, 'NO_COLOR=1', `load ${server.url} -c 12 --rate 200 -d 4s`);
    // The live view: every connection open against its target, the last second's round trips.
    const live = await screenShows(
      session,
      ['open 12 / target 12', 'last second  rtt p50', 'errors       none'],
      8000,
    );
    // A frame with round trips in its second has sends in it too: about 200/s, as asked.
    expect(Number(/sent (\d+)\/s/.exec(live)?.[1])).toBeGreaterThan(100);
    // Full screen: the shell's earlier lines are not on it.
    expect(live).not.toContain('BEFORE-THE-RUN');
    const after = await screenShows(session, ['WSX_EXIT=0', 'BEFORE-THE-RUN'], 10_000);
    // The user's screen is back, with the final table on it and no frame of the view left.
    expect(after).toMatch(/connections\s+12 opened of 12 targeted/);
    expect(after).not.toContain('open 12 / target 12');
    // The cursor is visible again: the view's "hide cursor" was undone (tmux reports cursor_flag 1).
    expect(tmux('display-message', '-p', '-t', session, '#{cursor_flag}').trim()).toBe('1');
    expect(screenOf(session)).toContain('WSX_EXIT=0');
  });
});
