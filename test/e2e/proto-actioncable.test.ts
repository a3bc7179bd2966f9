// --proto actioncable through the built bin/wsx.js against the ActionCable test server (proved against the
// official client in test/protocols/actioncable.test.ts): pipe, --jsonl, script, a scenario, refusals.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, tempFileUntilCleanup } from '../helpers/cleanup.js';
import { lines, runWsx } from '../helpers/run-wsx.js';
import { startActionCable } from '../protocols/actioncable-server.js';

const defer = cleanupAfterEach();

describe('--proto actioncable', () => {
  it('pipe: subscribe with plain JSON, perform, the broadcast; a rejected subscription is named and exits 4', async () => {
    const server = await startActionCable(defer);
    const result = await runWsx(['--proto', 'actioncable', server.url], {
      input:
        'subscribe {"channel":"ChatChannel","room":"1"}\nperform ChatChannel speak {"text":"hi"}\nsubscribe SecretChannel\n',
    });
    expect(lines(result.stdout)).toEqual([
      '{"type":"confirm_subscription","identifier":{"channel":"ChatChannel","room":"1"}}',
      '{"identifier":{"channel":"ChatChannel","room":"1"},"message":{"text":"hi","action":"speak"}}',
      '{"type":"reject_subscription","identifier":{"channel":"SecretChannel"}}',
    ]);
    expect(result.stderr).toContain('failed: {"type":"reject_subscription"');
    expect(result.code).toBe(4);
    expect(server.received[1]).toEqual({
      command: 'message',
      identifier: '{"channel":"ChatChannel","room":"1"}',
      data: '{"text":"hi","action":"speak"}',
    });
  });

  it('--jsonl: commands sent and messages received decoded, the welcome and pings no events', async () => {
    const server = await startActionCable(defer);
    const result = await runWsx(['--proto', 'actioncable', '--jsonl', '-q', server.url], {
      input: 'subscribe ChatChannel\nperform ChatChannel echo {"n":1}\n',
    });
    expect(result.code).toBe(0);
    const events = lines(result.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const io = events.filter((e) => e.event === 'send' || e.event === 'recv');
    expect(io.map((e) => [e.event, e.kind, e.data])).toEqual([
      // Both lines go out after the welcome, before the confirmation comes.
      ['send', 'subscribe', '{"identifier":{"channel":"ChatChannel"}}'],
      ['send', 'perform', '{"identifier":{"channel":"ChatChannel"},"data":{"n":1,"action":"echo"}}'],
      ['recv', 'response', '{"type":"confirm_subscription","identifier":{"channel":"ChatChannel"}}'],
      ['recv', 'event', '{"identifier":{"channel":"ChatChannel"},"message":{"n":1,"action":"echo"}}'],
    ]);
    expect(typeof io[2]!.rtt_ms).toBe('number');
  });

  it('an unauthorized connection exits 3 with the reason; a line it cannot send stops the pipe, exit 1', async () => {
    const server = await startActionCable(defer);
    const refused = await runWsx(['--proto', 'actioncable', `${server.url}?token=bad`], {
      input: 'subscribe ChatChannel\n',
    });
    expect(refused.stderr).toMatch(/wsx: the ActionCable server disconnected us: unauthorized/);
    expect(refused.code).toBe(3);
    const bad = await runWsx(['--proto', 'actioncable', server.url], {
      input: 'subscribe ChatChannel\nsay hi\n',
    });
    expect(bad.stderr).toMatch(/unknown ActionCable line "say"/);
    expect(bad.code).toBe(1);
  });

  it('script: -x lines and --expect-json on the broadcast', async () => {
    const server = await startActionCable(defer);
    const result = await runWsx([
      '--proto',
      'actioncable',
      '-x',
      'subscribe {"channel":"ChatChannel","room":"9"}',
      '-x',
      'perform ChatChannel speak {"text":"yo"}',
      '--expect-json',
      'message.text=yo',
      server.url,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lines(result.stdout).at(-1)).toBe(
      '{"identifier":{"channel":"ChatChannel","room":"9"},"message":{"text":"yo","action":"speak"}}',
    );
  });

  it('a scenario: proto actioncable, subscribe, perform, expect the broadcast', async () => {
    const server = await startActionCable(defer);
    const file = tempFileUntilCleanup(
      defer,
      'cable.wsx',
      [
        'proto actioncable',
        `connect ${server.url}`,
        'send subscribe {"channel":"ChatChannel","room":"1"}',
        'expect json type == "confirm_subscription" within 2s',
        'send perform ChatChannel speak {"text":"hi"}',
        'expect json message.text == "hi" and json identifier.room == "1"',
        '',
      ].join('\n'),
    );
    const result = await runWsx(['run', file]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/✓ expect json message.text == "hi" and json identifier.room == "1"/);
    expect(result.code).toBe(0);
  });
});
