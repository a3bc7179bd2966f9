// Exit codes: one table, printed the same way in the README's "Exit codes" section.

import type { WsxError } from './core/errors.js';

export const ExitCode = {
  ok: 0,
  runtime: 1,
  usage: 2,
  connect: 3,
  expectation: 4,
  abnormalClose: 5,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * The exit code for a failure. `hasOpened` tells whether any socket ever opened: a network error before
 * that means "could not connect" (3); after it, the connection was lost (5).
 */
export function exitCodeFor(err: WsxError, hasOpened: boolean): ExitCodeValue {
  switch (err.kind) {
    case 'invalid-url':
    case 'invalid-option':
      return ExitCode.usage;
    case 'protocol':
      // A 101 wsx rejects (bad Sec-WebSocket-Accept, a subprotocol or extension not offered) never opened.
      return hasOpened ? ExitCode.abnormalClose : ExitCode.connect;
    case 'closed-by-peer':
    case 'message-too-big':
    case 'heartbeat-timeout':
      return ExitCode.abnormalClose;
    default:
      // refused, dns, tls, http-status, timeout, proxy, network: before any open it was the connect that failed.
      return hasOpened ? ExitCode.abnormalClose : ExitCode.connect;
  }
}
