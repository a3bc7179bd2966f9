// A text message whose later fragment breaks UTF-8 fails on that fragment (close 1007), as the Autobahn
// conformance cases 6.4.1 and 6.4.2 expect ("fail fast"), not when (or if ever) the message completes.
// The check lives in the bundle's copy of ws (scripts/dependency-edits.mjs), so only the built wsx has it.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { frame, startScriptedServer, startServerSendingThenDeaf } from '../helpers/hostile-servers.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();

/** A text message in fragments, the last one never sent: the message cannot complete. */
function unfinished(...parts: Buffer[]): Buffer[] {
  return parts.map((part, i) => frame(i === 0 ? 0x1 : 0x0, part, { fin: false }));
}

describe('invalid UTF-8 in a fragment fails the connection at that fragment', () => {
  it.each([
    // 6.4.1: the second fragment is a whole 4-byte sequence for U+110000, past the last code point.
    ['a whole invalid sequence in fragment 2', [Buffer.from('κόσμε'), Buffer.from([0xf4, 0x90, 0x80, 0x80])]],
    // 6.4.2: fragment 1 ends with the lead byte 0xF4; fragment 2 starts with 0x90, which cannot follow it.
    [
      'a sequence split across fragments 1 and 2',
      [
        Buffer.from([0xce, 0xba, 0xe1, 0xbd, 0xb9, 0xcf, 0x83, 0xce, 0xbc, 0xce, 0xb5, 0xf4]),
        Buffer.from([0x90]),
      ],
    ],
  ] as [string, Buffer[]][])(
    '%s: exits 5 naming 1007 without waiting for the message to end',
    async (_name, parts) => {
      const s = await startServerSendingThenDeaf(unfinished(...parts));
      defer(() => s.close());
      const r = await runWsx([s.url, '--no-input', '--timeout', '4s']);
      expect(r.stderr).toMatch(/invalid UTF-8.*1007/);
      expect(r.code).toBe(5);
    },
  );

  it('checks compressed fragments too, once inflated (--compress)', async () => {
    const s = await startScriptedServer(
      (ws) => {
        const options = { binary: false, fin: false, compress: true };
        ws.send(Buffer.from([0xce, 0xba, 0xf4]), options);
        ws.send(Buffer.from([0x90]), options);
      },
      { perMessageDeflate: { threshold: 0 } },
    );
    defer(() => s.close());
    const r = await runWsx([s.url, '--compress', '--no-input', '--timeout', '4s']);
    expect(r.stderr).toMatch(/invalid UTF-8.*1007/);
    expect(r.code).toBe(5);
  });

  it('still accepts a valid text message whose characters are split across fragments', async () => {
    const text = Buffer.from('κόσμε €𝄞');
    const parts = [text.subarray(0, 3), text.subarray(3, 9), text.subarray(9, 13), text.subarray(13)];
    const s = await startServerSendingThenDeaf(
      parts.map((part, i) => frame(i === 0 ? 0x1 : 0x0, part, { fin: i === parts.length - 1 })),
    );
    defer(() => s.close());
    const r = await runWsx([s.url, '--no-input', '--count', '1']);
    expect(r.stdout).toBe('κόσμε €𝄞\n');
    expect(r.code).toBe(0);
  });
});
