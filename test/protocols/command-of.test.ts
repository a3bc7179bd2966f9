import { describe, expect, it } from 'vitest';
import { commandOf } from '../../src/protocols/codec.js';

describe('commandOf', () => {
  it('splits a typed line into its first word and the rest, keeping the rest as typed', () => {
    expect(commandOf('  push room:a  new_msg {"body":"a  b"}\n')).toEqual({
      verb: 'push',
      rest: 'room:a  new_msg {"body":"a  b"}',
    });
    expect(commandOf('send /q\nline two')).toEqual({ verb: 'send', rest: '/q\nline two' });
    expect(commandOf('leave')).toEqual({ verb: 'leave', rest: '' });
  });

  it('is undefined for a blank line', () => {
    expect(commandOf('')).toBeUndefined();
    expect(commandOf(' \t\n')).toBeUndefined();
  });
});
