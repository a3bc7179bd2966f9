import { describe, expect, it } from 'vitest';
import { normalizeUrl } from '../../src/core/url.js';
import { WsxError } from '../../src/core/errors.js';

describe('normalizeUrl', () => {
  it.each([
    ['ws://example.com/x', 'ws://example.com/x'],
    ['wss://example.com:8443/a?b=1', 'wss://example.com:8443/a?b=1'],
    ['localhost:8080/chat', 'ws://localhost:8080/chat'],
    ['127.0.0.1:9', 'ws://127.0.0.1:9/'],
    ['http://example.com/socket', 'ws://example.com/socket'],
    ['https://example.com/socket', 'wss://example.com/socket'],
    ['ws+unix:///tmp/s.sock:/path', 'ws+unix:///tmp/s.sock:/path'],
  ])('turns %s into %s', (input, expected) => {
    expect(normalizeUrl(input)).toBe(expected);
  });

  it.each([
    ['', 'no URL given'],
    ['ftp://example.com', 'unsupported scheme "ftp"'],
    ['ws://', 'invalid URL'],
    ['ws://exa mple.com', 'invalid URL'],
  ])('rejects %j with an invalid-url error naming the problem', (input, text) => {
    try {
      normalizeUrl(input);
      expect.unreachable('should have thrown');
    } catch (err) {
      expect(err).toBeInstanceOf(WsxError);
      expect((err as WsxError).kind).toBe('invalid-url');
      expect((err as WsxError).message).toContain(text);
    }
  });
});
