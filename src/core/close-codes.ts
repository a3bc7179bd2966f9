// Close codes in words (RFC 6455 §7.4.1 and the IANA registry), for state reasons and error lines.

const names: Record<number, string> = {
  1000: 'normal closure',
  1001: 'going away',
  1002: 'protocol error',
  1003: 'unsupported data',
  1005: 'no status code',
  1006: 'connection lost without a close frame',
  1007: 'invalid payload data',
  1008: 'policy violation',
  1009: 'message too big',
  1010: 'missing extension',
  1011: 'internal server error',
  1012: 'service restart',
  1013: 'try again later',
  1014: 'bad gateway',
  1015: 'TLS handshake failure',
};

/** "1000 normal closure", "4001 application code" */
export function closeCodeName(code: number): string {
  const name =
    names[code] ??
    (code >= 4000 && code <= 4999
      ? 'application code'
      : code >= 3000 && code <= 3999
        ? 'registered code'
        : 'unknown code');
  return `${code} ${name}`;
}

/** "closed by server: 1008 policy violation \"banned\"" — `reason` is the peer's text, not yet sanitised. */
export function describeClose(code: number, reason: string): string {
  if (code === 1006) return 'connection lost (1006, no close frame)';
  return `closed by server: ${closeCodeName(code)}${reason ? ` "${reason}"` : ''}`;
}
