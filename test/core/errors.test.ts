import { describe, expect, it } from 'vitest';
import { classifyError, WsxError } from '../../src/core/errors.js';
import { isRetryable, defaultRetry } from '../../src/core/retry-policy.js';
import { exitCodeFor } from '../../src/outcome.js';

function errno(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('classifyError', () => {
  it.each([
    ['ECONNREFUSED', 'refused', 'connection refused (is the server running?)'],
    ['ENOTFOUND', 'dns', 'host name not found (ENOTFOUND) (check the host name)'],
    ['EAI_AGAIN', 'dns', 'host name not found (EAI_AGAIN) (check the host name)'],
    [
      'ETIMEDOUT',
      'timeout',
      'the opening handshake timed out (is the server answering? see --connect-timeout)',
    ],
    [
      'CERT_HAS_EXPIRED',
      'tls',
      'TLS: the server certificate has expired (CERT_HAS_EXPIRED) (pass --ca FILE to trust a private CA, or -k to skip verification)',
    ],
    [
      'DEPTH_ZERO_SELF_SIGNED_CERT',
      'tls',
      'TLS: the server certificate is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT) (pass --ca FILE to trust a private CA, or -k to skip verification)',
    ],
    ['ECONNRESET', 'network', 'network error (ECONNRESET)'],
  ])('%s → %s', (code, kind, text) => {
    const err = classifyError(errno(code));
    expect(err.kind).toBe(kind);
    expect(err.describe()).toBe(text);
    expect(err.details.code).toBe(code);
    expect((err.cause as Error).message).toBe(code);
  });

  it('names the close code ws sent for protocol errors', () => {
    expect(classifyError(errno('WS_ERR_INVALID_UTF8', 'Invalid UTF-8 sequence')).details.closeCode).toBe(
      1007,
    );
    const big = classifyError(errno('WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', 'Max payload size exceeded'));
    expect([big.kind, big.details.closeCode]).toEqual(['message-too-big', 1009]);
    expect(classifyError(errno('WS_ERR_UNEXPECTED_MASK', 'MASK must be clear')).details.closeCode).toBe(1002);
  });

  it('recognises the handshake timeout message ws uses, and passes WsxErrors through', () => {
    expect(classifyError(new Error('Opening handshake has timed out')).kind).toBe('timeout');
    const own = new WsxError('proxy', 'x');
    expect(classifyError(own)).toBe(own);
  });
});

describe('isRetryable', () => {
  const on = { ...defaultRetry, enabled: true };
  const http = (status: number) => new WsxError('http-status', 's', { details: { status } });
  it('retries transient failures and refuses fatal ones', () => {
    expect(
      ['refused', 'dns', 'timeout', 'network', 'heartbeat-timeout', 'proxy'].every((k) =>
        isRetryable(new WsxError(k as never, ''), 1006, on),
      ),
    ).toBe(true);
    expect(
      ['tls', 'protocol', 'message-too-big', 'redirect'].some((k) =>
        isRetryable(new WsxError(k as never, ''), 1006, on),
      ),
    ).toBe(false);
    expect([500, 503, 408, 429].map((s) => isRetryable(http(s), undefined, on))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([400, 401, 403, 404].map((s) => isRetryable(http(s), undefined, on))).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describe('exitCodeFor', () => {
  it('maps kinds to the documented codes, using whether a socket ever opened', () => {
    const e = (kind: string) => new WsxError(kind as never, '');
    expect(exitCodeFor(e('invalid-url'), false)).toBe(2);
    expect(exitCodeFor(e('refused'), false)).toBe(3);
    expect(exitCodeFor(e('tls'), false)).toBe(3);
    expect(exitCodeFor(e('network'), false)).toBe(3);
    expect(exitCodeFor(e('network'), true)).toBe(5);
    expect(exitCodeFor(e('closed-by-peer'), true)).toBe(5);
    expect(exitCodeFor(e('heartbeat-timeout'), true)).toBe(5);
  });
});
