// Which failures are worth another attempt. Pure; docs/reliability.md ("Reconnect") describes the same rules.

import type { WsxError } from './errors.js';

export interface RetryPolicy {
  /** Reconnect at all. The interactive session turns this on; one-shot runs leave it off. */
  enabled: boolean;
  /** Attempts after the first before giving up; Infinity means never give up. */
  maxRetries: number;
  /** Reconnect after the server closes with 1000. Default false: a deliberate goodbye. */
  retryOnNormalClose: boolean;
  /**
   * A socket counts as healthy only once it has stayed open this long, ms; only then do the retry count
   * and the backoff start again. Default 5000: a server that accepts and drops at once (a crash loop, a
   * full backend) otherwise gets two reconnects a second forever, and maxRetries never stops it.
   */
  stableAfterMs: number;
  /** Longest Retry-After (on a 503 or 429 upgrade response) honoured, ms. Default 60000. */
  maxRetryAfterMs: number;
}

export const defaultRetry: RetryPolicy = Object.freeze({
  enabled: false,
  maxRetries: Infinity,
  retryOnNormalClose: false,
  stableAfterMs: 5_000,
  maxRetryAfterMs: 60_000,
});

// RFC 6455 §7.4.1 and the IANA registry: codes that say "come back later" rather than "you are wrong".
const transientCloseCodes = new Set([1001, 1005, 1006, 1011, 1012, 1013, 1014]);

/**
 * True when a socket ended by `cause` (a failure) or by a peer close `code` should be retried.
 * Transient: refused, DNS, timeouts, network errors, heartbeat timeouts, HTTP 5xx/408/429, close codes
 * 1001 1005 1006 1011 1012 1013 1014. Fatal: TLS, HTTP 4xx, protocol errors, 1002 1003 1007 1008 1009 1010,
 * and 4000-4999 (application codes usually mean "go away": auth, bans). 1000 follows retryOnNormalClose.
 */
export function isRetryable(
  cause: WsxError | undefined,
  closeCode: number | undefined,
  policy: RetryPolicy,
): boolean {
  if (cause && cause.kind !== 'closed-by-peer') {
    switch (cause.kind) {
      case 'refused':
      case 'dns':
      case 'timeout':
      case 'network':
      case 'heartbeat-timeout':
      case 'proxy':
        return true;
      case 'http-status': {
        const status = cause.details.status ?? 0;
        return status >= 500 || status === 408 || status === 429;
      }
      default:
        return false;
    }
  }
  if (closeCode === undefined) return true;
  if (closeCode === 1000) return policy.retryOnNormalClose;
  return transientCloseCodes.has(closeCode);
}
