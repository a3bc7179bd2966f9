// `wsx scenario SPEC.yaml`: a starter scenario from an AsyncAPI document's channel. One `send` per example of
// a message wsx may send, then an `expect valid` for each reply the document names; the `asyncapi` line makes
// `wsx run` check every message against the document. Pure: a plan in, the file's text out.

import type { ChannelPlan } from '../contract/index.js';

/** The limit written on each `expect valid`: generous, since the document says nothing about timing. */
const replyWithin = '5s';

/** Scenario text for `plan`; `documentPath` is written on the `asyncapi` line as given. */
export function starterScenario(plan: ChannelPlan, documentPath: string): string {
  const lines = [
    `# A starter scenario for channel ${plan.channel} of ${documentPath}, written by wsx scenario: edit freely.`,
    '# Every message sent and received is checked against the document: each violation is said on stderr, and fails the run (exit 7) with --contract strict.',
    `asyncapi ${documentPath}`,
    plan.url === undefined
      ? '# connect URL (the document names no WebSocket server for this channel: add one, or pass --url)'
      : `connect ${plan.url}`,
  ];
  let sent = 0;
  for (const send of plan.sends) {
    if (send.examples.length === 0) {
      lines.push(`# ${send.name}: the document gives no example; write one as: send {...}`);
      continue;
    }
    for (const example of send.examples) {
      // A scenario step is one line: an example spanning lines goes in a heredoc.
      if (example.includes('\n')) lines.push('send <<END', example, 'END');
      else lines.push(`send ${example}`);
      sent++;
      for (const reply of send.replies) lines.push(`expect valid ${reply} within ${replyWithin}`);
    }
  }
  if (sent === 0) lines.push('# the document gives no message wsx may send with an example');
  if (plan.pushed.length > 0)
    lines.push(
      `# the server may also send: ${plan.pushed.map((m) => m.name).join(', ')}, e.g.`,
      `# expect valid ${plan.pushed[0]!.name} within ${replyWithin}`,
    );
  return lines.join('\n') + '\n';
}
