// The build's edit to ws's Receiver (scripts/dependency-edits.mjs): a fragmented text message fails at the
// fragment that breaks UTF-8, and every valid message, however it is cut into fragments, still comes out
// exactly as the original Receiver gives it.

import { build } from 'esbuild';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { editDependencies } from '../../scripts/dependency-edits.mjs';
import { frame } from '../helpers/hostile-servers.js';

interface ReceiverLike {
  write(chunk: Buffer): boolean;
  on(event: 'message', fn: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'error', fn: (err: Error & { code?: string; [key: symbol]: unknown }) => void): void;
}
type ReceiverClass = new (options: { isServer: boolean }) => ReceiverLike;

const require = createRequire(import.meta.url);
const receiverPath = join(dirname(require.resolve('ws')), 'lib', 'receiver.js');
const original = require(receiverPath) as ReceiverClass;
let edited: ReceiverClass;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsx-ws-edit-'));
  const outfile = join(work, 'receiver.mjs');
  await build({
    stdin: {
      contents: `export { default } from ${JSON.stringify(receiverPath)};`,
      resolveDir: dirname(receiverPath),
      loader: 'js',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    plugins: [editDependencies],
    logLevel: 'silent',
  });
  edited = ((await import(pathToFileURL(outfile).href)) as { default: ReceiverClass }).default;
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Feeds `frames` one write each; returns what came out, and after which frame an error did. */
async function feed(Receiver: ReceiverClass, frames: Buffer[]) {
  const receiver = new Receiver({ isServer: false });
  const messages: string[] = [];
  let error: { code?: string; afterFrame: number } | undefined;
  let written = 0;
  receiver.on('message', (data, isBinary) =>
    messages.push(`${isBinary ? 'b' : 't'}:${data.toString('hex')}`),
  );
  receiver.on('error', (err) => (error ??= { code: err.code, afterFrame: written }));
  for (const f of frames) {
    written++;
    receiver.write(f);
    // A Writable reports a write's error on a later tick.
    await new Promise((resolve) => setImmediate(resolve));
    if (error) break;
  }
  return { messages, error };
}

/** `text` cut into fragments at `cuts` (byte offsets), as a text message. */
function fragments(bytes: Buffer, cuts: number[]): Buffer[] {
  const edges = [0, ...cuts, bytes.length];
  return edges
    .slice(1)
    .map((end, i) =>
      frame(i === 0 ? 0x1 : 0x0, bytes.subarray(edges[i], end), { fin: i === edges.length - 2 }),
    );
}

describe("the edited ws Receiver's UTF-8 check", () => {
  it('fails at the fragment that breaks UTF-8 (1007), where the original waits for the last one', async () => {
    const frames = fragments(Buffer.from([0xce, 0xba, 0xf4, 0x90, 0x80, 0x80, 0x61, 0x62]), [3, 4]);
    expect((await feed(edited, frames)).error).toEqual({ code: 'WS_ERR_INVALID_UTF8', afterFrame: 2 });
    expect((await feed(original, frames)).error).toEqual({ code: 'WS_ERR_INVALID_UTF8', afterFrame: 3 });
  });

  it('gives exactly what the original gives for valid text cut anywhere, and for binary', async () => {
    // Every cut of a text with 1- to 4-byte characters, mixed with binary messages and pings.
    const text = Buffer.from('a€κ𝄞z');
    for (let a = 0; a <= text.length; a++)
      for (let b = a; b <= text.length; b++) {
        const frames = [
          ...fragments(text, [a, b]),
          frame(0x9, 'p'),
          frame(0x2, Buffer.from([0xff, 0xfe])),
          ...fragments(text, [b]),
        ];
        const got = await feed(edited, frames);
        expect(got).toEqual(await feed(original, frames));
        expect(got.error).toBeUndefined();
        expect(got.messages).toHaveLength(3);
      }
  });
});
