// SignalR's /negotiate step, as the official client does it before every connection: POST
// {hub}/negotiate?negotiateVersion=1, follow a redirect ({url, accessToken}: Azure SignalR Service), then
// open the WebSocket with id={connectionToken}. A hub without the endpoint (404) is opened directly.
// (https://github.com/dotnet/aspnetcore/blob/main/src/SignalR/docs/specs/TransportProtocols.md)

import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { PrepareRequestOptions, SocketTarget } from '../core/attempt.js';
import { WsxError } from '../core/errors.js';

/** The official client's limit (HttpConnection MAX_REDIRECTS). */
const maxRedirects = 100;
/** A negotiate answer is a small JSON object; more is no SignalR server. */
const maxAnswerBytes = 64 * 1024;

interface NegotiateAnswer {
  error?: unknown;
  url?: unknown;
  accessToken?: unknown;
  connectionId?: unknown;
  connectionToken?: unknown;
  negotiateVersion?: unknown;
  availableTransports?: unknown;
  ProtocolVersion?: unknown;
}

/** {hub}/negotiate?…&negotiateVersion=1 over http(s), from a ws(s) or http(s) hub URL. */
export function negotiateUrl(hubUrl: string): URL {
  const u = new URL(hubUrl);
  if (u.protocol === 'ws:') u.protocol = 'http:';
  if (u.protocol === 'wss:') u.protocol = 'https:';
  u.pathname += u.pathname.endsWith('/') ? 'negotiate' : '/negotiate';
  if (!u.searchParams.has('negotiateVersion')) u.searchParams.append('negotiateVersion', '1');
  return u;
}

/** The WebSocket URL for a negotiated connection: the hub URL (as ws) with id=TOKEN added. */
function connectUrl(hubUrl: string, token: string | undefined): string {
  const u = new URL(hubUrl);
  if (u.protocol === 'http:') u.protocol = 'ws:';
  if (u.protocol === 'https:') u.protocol = 'wss:';
  if (token !== undefined) u.searchParams.append('id', token);
  return u.toString();
}

function post(
  url: URL,
  options: PrepareRequestOptions,
  headers: Record<string, string>,
  signal: AbortSignal,
): Promise<{ status: number; statusLine: string; body: string }> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      ...options,
      method: 'POST',
      headers: { ...options.headers, ...headers, 'content-length': '0' },
      signal,
    });
    req.on('error', reject);
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= maxAnswerBytes) chunks.push(chunk);
        else
          res.destroy(
            new WsxError('protocol', `the SignalR negotiate answer is over ${maxAnswerBytes} bytes`),
          );
      });
      res.on('error', reject);
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          statusLine: `HTTP/${res.httpVersion} ${res.statusCode ?? 0} ${res.statusMessage ?? ''}`.trim(),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.end();
  });
}

/**
 * Negotiates for one WebSocket: resolves its URL (with id=) and, after a redirect that handed out an
 * access token, the Authorization header that carries it. Rejects with a WsxError: `protocol` for the
 * server's refusal ({error}), `http-status` for a status other than 200 or 404.
 */
export async function negotiate(
  hubUrl: string,
  options: PrepareRequestOptions,
  signal: AbortSignal,
): Promise<SocketTarget> {
  let url = hubUrl;
  const headers: Record<string, string> = {};
  for (let redirects = 0; redirects <= maxRedirects; redirects++) {
    const endpoint = negotiateUrl(url);
    const answer = await post(endpoint, options, headers, signal);
    // No negotiate endpoint (404, 405; 426: a server that only upgrades): a hub that takes the WebSocket
    // directly, as the official client's skipNegotiation does.
    if ([404, 405, 426].includes(answer.status) && redirects === 0)
      return { url: connectUrl(url, undefined) };
    if (answer.status !== 200)
      throw new WsxError(
        'http-status',
        `SignalR negotiate (POST ${endpoint.pathname}) answered ${answer.statusLine}${answer.body ? `: ${answer.body.slice(0, 200)}` : ''}`,
        {
          hint:
            answer.status === 401 || answer.status === 403
              ? 'check --bearer-env or -H Authorization'
              : 'check the hub URL',
          details: { status: answer.status, statusLine: answer.statusLine, body: answer.body.slice(0, 1024) },
        },
      );
    let body: NegotiateAnswer;
    try {
      body = JSON.parse(answer.body) as NegotiateAnswer;
    } catch {
      throw new WsxError(
        'protocol',
        `the SignalR negotiate answer is not JSON: ${answer.body.slice(0, 100)}`,
      );
    }
    if (body.error !== undefined)
      throw new WsxError(
        'protocol',
        `the SignalR server refused the negotiation: ${typeof body.error === 'string' ? body.error : JSON.stringify(body.error)}`,
      );
    if (body.ProtocolVersion !== undefined)
      throw new WsxError(
        'protocol',
        'this is an ASP.NET (not ASP.NET Core) SignalR server, which wsx does not speak',
      );
    if (typeof body.accessToken === 'string') headers.authorization = `Bearer ${body.accessToken}`;
    if (typeof body.url === 'string') {
      url = body.url;
      continue;
    }
    const transports = Array.isArray(body.availableTransports)
      ? (body.availableTransports as { transport?: unknown }[])
      : [];
    if (!transports.some((t) => t.transport === 'WebSockets'))
      throw new WsxError(
        'protocol',
        'the SignalR server does not offer the WebSockets transport for this hub',
      );
    // negotiateVersion 0 servers have no connectionToken: the connectionId is the id then.
    const version = typeof body.negotiateVersion === 'number' ? body.negotiateVersion : 0;
    const token = version >= 1 ? body.connectionToken : body.connectionId;
    return {
      url: connectUrl(url, typeof token === 'string' ? token : undefined),
      ...(headers.authorization ? { headers } : {}),
    };
  }
  throw new WsxError('protocol', `the SignalR negotiate redirected more than ${maxRedirects} times`);
}
