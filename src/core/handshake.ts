// The opening handshake as wsx reports it: what was sent and received, and why a refusal was a refusal.

import type { ClientRequest, IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { bodyText } from '../text/body-text.js';
import { WsxError } from './errors.js';
import type { HandshakeInfo } from './events.js';

/** Longest wait for a refusal's body, ms: the status line alone is worth reporting promptly. */
const refusalBodyWaitMs = 500;

/** The request ws sent and the 101 response, read at ws's 'upgrade' event (before ws drops the request). */
export function captureHandshake(socket: WebSocket, res: IncomingMessage): HandshakeInfo {
  const req = (socket as unknown as { _req?: ClientRequest })._req;
  const sent = (req?.getHeaders() ?? {}) as Record<string, string | string[]>;
  // getHeaders() lower-cases names; the wire keeps the case they were given in.
  const names = req?.getRawHeaderNames() ?? Object.keys(sent);
  return {
    url: socket.url,
    request: {
      method: req?.method ?? 'GET',
      path: req?.path ?? '/',
      headers: Object.fromEntries(names.map((name) => [name, sent[name.toLowerCase()]!])),
    },
    response: {
      statusCode: res.statusCode ?? 101,
      statusMessage: res.statusMessage ?? '',
      headers: res.headers,
    },
    protocol: '',
    extensions: '',
  };
}

function hintFor(status: number): string | undefined {
  if (status === 401 || status === 403) return 'check credentials: -H, --auth, --bearer-env';
  if (status === 404) return 'check the path in the URL';
  if (status >= 500) return 'the server failed; try again later';
  if (status >= 300 && status < 400) return 'the server redirects; add -L to follow';
  return undefined;
}

/** Retry-After as ms: delay-seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or bad. */
export function parseRetryAfter(value: string | string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/**
 * A non-101 answer to the upgrade as a WsxError: the status line and the body as one short line (an
 * HTML error page printed as one escaped line full of \n was unreadable).
 * 407 is the proxy's answer (https-proxy-agent hands its CONNECT response over as the upgrade's response).
 */
export function readRefusal(res: IncomingMessage): Promise<WsxError> {
  const status = res.statusCode ?? 0;
  const statusLine = `HTTP/${res.httpVersion} ${status} ${res.statusMessage ?? ''}`.trim();
  if (status === 407) {
    return Promise.resolve(
      new WsxError('proxy', `proxy refused: ${statusLine}`, {
        hint: 'check the user:pass in --proxy or HTTPS_PROXY',
        details: { status, statusLine },
      }),
    );
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let isDone = false;
    const finish = () => {
      if (isDone) return;
      isDone = true;
      clearTimeout(timer);
      const body = Buffer.concat(chunks).toString('utf8').trim().slice(0, 1024);
      const summary = bodyText(body, res.headers['content-type']);
      const hint = hintFor(status);
      const retryAfterMs = parseRetryAfter(res.headers['retry-after'], Date.now());
      resolve(
        new WsxError(
          'http-status',
          `server answered ${statusLine} instead of upgrading${summary ? `: ${summary}` : ''}`,
          {
            ...(hint ? { hint } : {}),
            details: { status, statusLine, body, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) },
          },
        ),
      );
    };
    const timer = setTimeout(finish, refusalBodyWaitMs);
    res.on('data', (chunk: Buffer) => {
      if (size < 1024) chunks.push(chunk);
      size += chunk.length;
    });
    res.once('end', finish);
    res.once('error', finish);
    res.once('close', finish);
  });
}
