// STOMP frames: encoding, header escapes, and cutting a byte stream into frames however it was chunked.

import { describe, expect, it } from 'vitest';
import {
  encodeFrame,
  StompFrameError,
  StompReader,
  type StompFrame,
} from '../../src/protocols/stomp-frame.js';

const bytes = (text: string) => Buffer.from(text, 'utf8');
const plain = (f: StompFrame | 'heartbeat') =>
  f === 'heartbeat' ? f : { command: f.command, headers: f.headers, body: f.body.toString('utf8') };

describe('STOMP frames', () => {
  it('encodes command, headers, blank line, body and NUL, with a content-length for a body', () => {
    expect(encodeFrame('SEND', [['destination', '/queue/a']], 'hi').toString()).toBe(
      'SEND\ndestination:/queue/a\ncontent-length:2\n\nhi\0',
    );
    expect(encodeFrame('SUBSCRIBE', [['id', '1']]).toString()).toBe('SUBSCRIBE\nid:1\n\n\0');
  });

  it('escapes \\, newline, CR and colon in headers, except in CONNECT', () => {
    expect(encodeFrame('SEND', [['a:b', 'x\ny\\z\r']]).toString()).toBe('SEND\na\\cb:x\\ny\\\\z\\r\n\n\0');
    expect(encodeFrame('CONNECT', [['passcode', 'a:b']]).toString()).toBe('CONNECT\npasscode:a:b\n\n\0');
    const [f] = new StompReader().push(encodeFrame('MESSAGE', [['a:b', 'x\ny\\z\r']]));
    expect(plain(f!)).toEqual({ command: 'MESSAGE', headers: [['a:b', 'x\ny\\z\r']], body: '' });
  });

  it('reads several frames and heart-beats from one chunk, CRLF line ends too', () => {
    const got = new StompReader().push(
      bytes('\nRECEIPT\r\nreceipt-id:1\r\n\r\n\0\r\nMESSAGE\ndestination:/q\n\nhey\0\n'),
    );
    expect(got.map(plain)).toEqual([
      'heartbeat',
      { command: 'RECEIPT', headers: [['receipt-id', '1']], body: '' },
      'heartbeat',
      { command: 'MESSAGE', headers: [['destination', '/q']], body: 'hey' },
      'heartbeat',
    ]);
  });

  it('reads a frame cut at every byte, and a body holding NUL by its content-length', () => {
    const wire = encodeFrame('MESSAGE', [['destination', '/q']], Buffer.from([104, 0, 105]));
    const reader = new StompReader();
    const got: (StompFrame | 'heartbeat')[] = [];
    for (let i = 0; i < wire.length; i++) got.push(...reader.push(wire.subarray(i, i + 1)));
    expect(got).toHaveLength(1);
    expect([...(got[0] as StompFrame).body]).toEqual([104, 0, 105]);
  });

  it('throws for bytes that are no frame', () => {
    expect(() => new StompReader().push(bytes('hello there\n\n\0'))).toThrow(StompFrameError);
    expect(() => new StompReader().push(bytes('MESSAGE\nno colon\n\n\0'))).toThrow(/not a header line/);
    expect(() => new StompReader().push(bytes('MESSAGE\ncontent-length:1\n\nab\0'))).toThrow(/no NUL/);
  });
});
