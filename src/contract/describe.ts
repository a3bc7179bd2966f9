// A contract verdict in words, one line. Imports nothing at run time, so the main bundle may hold it while
// the validator (yaml, ajv) stays in its own.

import type { MessageVerdict } from './validate.js';

/**
 * "received tickerUpdate invalid: $.price: must be number (got "high")", or, when several candidates were
 * tried and none matched, "received no message matched (closest tickerUpdate): …".
 */
export function describeViolation(direction: 'received' | 'sent', verdict: MessageVerdict): string {
  const first = verdict.errors[0];
  const error = first ? `${first.path}: ${first.message}` : 'invalid';
  const more = verdict.errors.length > 1 ? ` (+${verdict.errors.length - 1} more)` : '';
  const what = verdict.isUnknown
    ? 'unknown'
    : verdict.message === undefined
      ? 'no message matched'
      : verdict.isClosest
        ? `no message matched (closest ${verdict.message})`
        : `${verdict.message} invalid`;
  return `${direction} ${what}: ${error}${more}`;
}
