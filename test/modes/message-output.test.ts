import { describe, expect, it } from 'vitest';
import { formatMessage, type MessageOutputFormat } from '../../src/modes/message-output.js';

const NL = Buffer.from('\n');
const toFormat = (over: Partial<MessageOutputFormat>): MessageOutputFormat => ({
  binaryOut: 'base64',
  delimiter: NL,
  isTerminal: false,
  ...over,
});
const written = (chunks: (string | Buffer)[]) =>
  Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c) : c)));

describe('formatMessage', () => {
  const hostile = Buffer.from('\x1b]0;pwned\x07\x1b[2Jhi\u009b\tok\nline2');

  it('passes text through byte for byte to a pipe or file', () => {
    expect(written(formatMessage(hostile, false, toFormat({})))).toEqual(Buffer.concat([hostile, NL]));
  });

  it('escapes control characters for a terminal, keeping newlines and tabs', () => {
    expect(written(formatMessage(hostile, false, toFormat({ isTerminal: true }))).toString()).toBe(
      '\\e]0;pwned\\x07\\e[2Jhi\\x9b\tok\nline2\n',
    );
  });

  it('writes raw binary unchanged to a pipe, escaped to a terminal', () => {
    const bytes = Buffer.from([0x1b, 0x5b, 0x32, 0x4a, 0x41]);
    const raw = toFormat({ binaryOut: 'raw' });
    expect(written(formatMessage(bytes, true, raw))).toEqual(bytes);
    expect(written(formatMessage(bytes, true, { ...raw, isTerminal: true })).toString()).toBe('\\e[2JA');
  });

  it('encodes binary as base64 or hex with the delimiter, the same on a terminal', () => {
    const bytes = Buffer.from([0, 1, 255]);
    expect(written(formatMessage(bytes, true, toFormat({ isTerminal: true }))).toString()).toBe('AAH/\n');
    expect(written(formatMessage(bytes, true, toFormat({ binaryOut: 'hex' }))).toString()).toBe('0001ff\n');
  });
});
