// --asyncapi in the whole interactive program: tmux runs it, send-keys types, capture-pane reads.

import { describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { cleanupAfterEach, serverUntilCleanup, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { hasTmux, screenShows, startTmux, tmux, typeLine } from '../helpers/tmux.js';
import { wsxBin } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const quotesDoc = fileURLToPath(new URL('../fixtures/asyncapi/quotes-3.0.yaml', import.meta.url));

describe.skipIf(!hasTmux)('--asyncapi in the interactive session (tmux)', () => {
  it('marks rows valid and invalid, holds back an invalid typed message once, and the inspector names the error', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const dir = tempDirUntilCleanup(defer, 'wsx-tui-contract-');
    const session = startTmux(defer, 'wsx-contract', [120, 30]);
    // The document describes the server: an echo of the client's ping is no message it sends.
    const command = `CI=false NO_COLOR=1 XDG_STATE_HOME=${dir} ${process.execPath} ${wsxBin} ${server.url}/quotes --asyncapi ${quotesDoc} --ping-interval 0`;
    tmux('send-keys', '-t', session, command, 'Enter');
    await screenShows(session, '● open');
    typeLine(session, '{"event":"ping","reqid":1}');
    await screenShows(session, '→ ✓ {"event":"ping","reqid":1}');
    // The echo is no message the server sends by the document: the closest candidate's error.
    await screenShows(session, '← ✗ {"event":"ping","reqid":1}');
    typeLine(session, '{"event":"ping","reqid":"x"}');
    const screen = await screenShows(session, 'not sent: ping invalid: $.reqid: must be integer (got "x")');
    expect(server.received).toEqual(['{"event":"ping","reqid":1}']);
    expect(screen).not.toContain('→ ✗');
    tmux('send-keys', '-t', session, 'Tab', 'Up', 'Enter');
    await screenShows(session, ['received text message', 'contract: invalid (closest ']);
    tmux('send-keys', '-t', session, 'C-c');
    tmux('send-keys', '-t', session, 'C-c');
  }, 20_000);
});
