import { describe, expect, it } from 'vitest';
import { parseCommand } from '../../../src/ui/commands/slash-commands.js';

describe('parseCommand', () => {
  it.each([
    ['hello', { type: 'send', text: 'hello' }],
    ['//etc/passwd', { type: 'send', text: '/etc/passwd' }],
    ['/ping', { type: 'ping', data: '' }],
    ['/ping abc', { type: 'ping', data: 'abc' }],
    ['/close', { type: 'close', code: 1000, reason: '' }],
    ['/close 4000 going home now', { type: 'close', code: 4000, reason: 'going home now' }],
    ['/reconnect', { type: 'reconnect' }],
    ['/binary 00 ff 10', { type: 'binary', data: Buffer.from([0, 255, 16]) }],
    ['/base64 AAEC', { type: 'binary', data: Buffer.from([0, 1, 2]) }],
    ['/file ./x.json', { type: 'file', path: './x.json' }],
    ['/pretty', { type: 'pretty' }],
    ['/timestamps', { type: 'timestamps' }],
    ['/clear', { type: 'clear' }],
    ['/help', { type: 'help' }],
    ['/QUIT', { type: 'quit' }],
  ])('%j → %j', (line, expected) => expect(parseCommand(line)).toEqual(expected));

  it.each([
    ['/close 1006', '1006 is not a code a client may send'],
    ['/close abc', 'abc is not a code'],
    ['/close 1000 ' + 'x'.repeat(124), 'longer than 123 bytes'],
    ['/binary 0g', '/binary: give bytes as hex'],
    ['/binary abc', '/binary: give bytes as hex'],
    ['/base64 !!', '/base64: give bytes as base64'],
    ['/file', '/file: give a path'],
    ['/frobnicate', 'unknown command /frobnicate'],
  ])('%j is refused with a hint', (line, text) => {
    const cmd = parseCommand(line);
    expect(cmd.type).toBe('invalid');
    expect(cmd.type === 'invalid' && cmd.message).toContain(text);
  });
});
