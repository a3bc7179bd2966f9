// WsxError: every failure the core reports, with a `kind` that code branches on and the original error as `cause`.

export type WsxErrorKind =
  | 'invalid-url'
  | 'invalid-option'
  /** A local file (the config) could not be written: exit 1, no connection involved. */
  | 'local-file'
  | 'refused'
  | 'dns'
  | 'tls'
  | 'http-status'
  | 'timeout'
  | 'network'
  | 'proxy'
  | 'redirect'
  | 'protocol'
  | 'message-too-big'
  | 'heartbeat-timeout'
  | 'closed-by-peer';

export interface WsxErrorDetails {
  /** HTTP status of a refused upgrade. */
  status?: number;
  /** "HTTP/1.1 403 Forbidden" for a refused upgrade. */
  statusLine?: string;
  /** The first bytes of a refused upgrade's response body. */
  body?: string;
  /** The WebSocket close code that ended the connection (sent by the peer, or by us on a protocol error). */
  closeCode?: number;
  /** The close reason the peer gave. */
  closeReason?: string;
  /** Node's error code, e.g. ECONNREFUSED or CERT_HAS_EXPIRED. */
  code?: string;
  /** A refused upgrade's Retry-After, ms. */
  retryAfterMs?: number;
}

export class WsxError extends Error {
  override readonly name = 'WsxError';
  readonly kind: WsxErrorKind;
  /** What to try, shown after the message in parentheses. */
  readonly hint: string | undefined;
  readonly details: WsxErrorDetails;

  constructor(
    kind: WsxErrorKind,
    message: string,
    opts: { hint?: string; cause?: unknown; details?: WsxErrorDetails } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.kind = kind;
    this.hint = opts.hint;
    this.details = opts.details ?? {};
  }

  /** One line for a person: "connection refused (is the server running?)". */
  describe(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

// Node and OpenSSL codes for certificate checks, named in the user's words.
const tlsReasons: Record<string, string> = {
  CERT_HAS_EXPIRED: 'the server certificate has expired',
  CERT_NOT_YET_VALID: 'the server certificate is not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the server certificate does not match the host name',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'the server certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'the certificate chain ends in an unknown (self-signed) CA',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the server certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'the server certificate is signed by an unknown CA',
  UNABLE_TO_GET_ISSUER_CERT: 'the server certificate is signed by an unknown CA',
};

// ws error codes for a peer that broke the protocol, and the close code ws sends for each (RFC 6455 §7.4.1).
// ws attaches the code it sent under a private symbol; this table is the fallback if that ever moves.
const protocolCloseCodes: Record<string, number> = {
  WS_ERR_INVALID_UTF8: 1007,
  WS_ERR_UNSUPPORTED_MESSAGE_LENGTH: 1009,
  WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH: 1009,
  WS_ERR_TOO_MANY_BUFFERED_PARTS: 1008,
};

/** The close code ws sent when it failed the connection itself (its `Symbol('status-code')` on the error). */
function wsStatusCode(err: object, code: string): number {
  for (const sym of Object.getOwnPropertySymbols(err)) {
    const value: unknown = (err as Record<symbol, unknown>)[sym];
    if (sym.description === 'status-code' && typeof value === 'number') return value;
  }
  return protocolCloseCodes[code] ?? 1002;
}

/** What a classifier reads from a thrown error: Node's code, the text, and the details every WsxError keeps. */
interface Thrown {
  err: unknown;
  code: string | undefined;
  message: string;
  details: WsxErrorDetails;
}

// Socket-level failures that need no more than their code, in the user's words.
const networkCodes = new Set(['ECONNRESET', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED']);
const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME']);

/** Turns whatever `ws`, `net`, `dns` or `tls` threw during a connection into a WsxError. */
export function classifyError(err: unknown): WsxError {
  if (err instanceof WsxError) return err;
  const e = err as NodeJS.ErrnoException & { code?: string };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  const message = e instanceof Error ? e.message : String(err);
  const thrown: Thrown = { err, code, message, details: code ? { code } : {} };
  return (
    classifySocket(thrown) ??
    classifyTls(thrown) ??
    classifyFrame(thrown, e) ??
    classifyHandshake(thrown) ??
    new WsxError('network', message, { cause: err, details: thrown.details })
  );
}

/** Refused, unknown host, timed out, reset: the failures Node names by a code alone. */
function classifySocket({ err, code, message, details }: Thrown): WsxError | undefined {
  if (code === 'ECONNREFUSED')
    return new WsxError('refused', 'connection refused', {
      hint: 'is the server running?',
      cause: err,
      details,
    });
  if (code !== undefined && dnsCodes.has(code)) {
    return new WsxError('dns', `host name not found (${code})`, {
      hint: 'check the host name',
      cause: err,
      details,
    });
  }
  if (code === 'ETIMEDOUT' || message === 'Opening handshake has timed out') {
    return new WsxError('timeout', 'the opening handshake timed out', {
      hint: 'is the server answering? see --connect-timeout',
      cause: err,
      details,
    });
  }
  if (code !== undefined && networkCodes.has(code)) {
    return new WsxError('network', `network error (${code})`, { cause: err, details });
  }
  return undefined;
}

/** A certificate the check refused, or a TLS handshake that failed (often: the server does not speak TLS). */
function classifyTls({ err, code, message, details }: Thrown): WsxError | undefined {
  if (code === undefined) return undefined;
  if (code in tlsReasons) {
    return new WsxError('tls', `TLS: ${tlsReasons[code]} (${code})`, {
      hint:
        code === 'ERR_TLS_CERT_ALTNAME_INVALID'
          ? 'connect by a name the certificate lists, or name the one to check with --servername'
          : 'pass --ca FILE to trust a private CA, or -k to skip verification',
      cause: err,
      details,
    });
  }
  if (!code.startsWith('ERR_SSL') && !code.startsWith('ERR_TLS') && code !== 'EPROTO') return undefined;
  // OpenSSL's text is "write EPROTO 80DC…:error:0A00010B:SSL routines:ssl3_get_record:wrong version
  // number:../deps/…/ssl3_record.c:350:\n"; its reason is the part a person can use.
  const reason = /error:[0-9A-F]+:[^:]*:[^:]*:([^:\n]+)/i.exec(message)?.[1]?.trim();
  if (reason && /wrong version number|packet length too long|http request/i.test(reason)) {
    return new WsxError('tls', `TLS handshake failed: the server does not speak TLS (${reason})`, {
      hint: 'is it a plain ws:// server? try ws:// instead of wss://',
      cause: err,
      details,
    });
  }
  return new WsxError('tls', `TLS handshake failed: ${reason ?? message.split('\n')[0]!.trim()}`, {
    hint: 'is this a wss:// server? check --cert/--key',
    cause: err,
    details,
  });
}

/** A frame that broke RFC 6455 (ws failed the connection and sent the close code it names). */
function classifyFrame({ err, code, message, details }: Thrown, e: object): WsxError | undefined {
  if (code === undefined || !code.startsWith('WS_ERR_')) return undefined;
  const closeCode = wsStatusCode(e, code);
  const what = message.replace(/^Invalid WebSocket frame: /, '');
  if (closeCode === 1009) {
    return new WsxError('message-too-big', `an incoming message is over the size limit; closed with 1009`, {
      hint: 'raise --max-message-size',
      cause: err,
      details: { ...details, closeCode },
    });
  }
  return new WsxError(
    'protocol',
    `the server broke the WebSocket protocol (${what}); closed with ${closeCode}`,
    {
      cause: err,
      details: { ...details, closeCode },
    },
  );
}

/** An upgrade response ws rejected for its headers (no code, only text). */
function classifyHandshake({ err, message, details }: Thrown): WsxError | undefined {
  if (!/Sec-WebSocket|Upgrade header|subprotocol|extension/i.test(message)) return undefined;
  return new WsxError('protocol', `bad handshake: ${message}`, { cause: err, details });
}
