// What Chrome DevTools makes of a page's WebSocket, from the DevTools protocol's events (cdp.ts collects
// them from real headless Chromium): a HAR as "Save all as HAR with content" writes it, and a curl command
// as "Copy as cURL (bash)" writes it, each built the way the DevTools frontend builds it.

import type { CdpEvent } from './cdp.js';

type Headers = Record<string, string>;
interface HarHeader {
  name: string;
  value: string;
}

function harHeaders(headers: Headers | undefined): HarHeader[] {
  // The protocol joins repeated headers with "\n"; DevTools lists each value as its own header.
  return Object.entries(headers ?? {}).flatMap(([name, value]) =>
    String(value)
      .split('\n')
      .map((v) => ({ name, value: v })),
  );
}

function harCookies(header: string | undefined): { name: string; value: string }[] {
  if (!header) return [];
  return header.split(/;\s*/).map((pair) => {
    const eq = pair.indexOf('=');
    return { name: pair.slice(0, eq), value: pair.slice(eq + 1) };
  });
}

interface SocketRecord {
  url: string;
  /** Monotonic seconds and wall-clock seconds at the handshake: DevTools' pseudo wall time comes from them. */
  issueTime: number;
  wallIssueTime: number;
  requestHeaders: Headers;
  status: number;
  statusText: string;
  responseHeaders: Headers;
  messages: { type: 'send' | 'receive'; time: number; opcode: number; data: string }[];
}

/** The page's WebSockets as DevTools' NetworkManager keeps them, from the protocol's events. */
function webSockets(events: CdpEvent[]): SocketRecord[] {
  const byId = new Map<string, SocketRecord>();
  for (const { method, params } of events) {
    const id = params.requestId as string;
    const socket = byId.get(id);
    switch (method) {
      case 'Network.webSocketCreated':
        byId.set(id, {
          url: params.url as string,
          issueTime: 0,
          wallIssueTime: 0,
          requestHeaders: {},
          status: 0,
          statusText: '',
          responseHeaders: {},
          messages: [],
        });
        break;
      case 'Network.webSocketWillSendHandshakeRequest': {
        if (!socket) break;
        socket.issueTime = params.timestamp as number;
        socket.wallIssueTime = params.wallTime as number;
        socket.requestHeaders = (params.request as { headers: Headers }).headers;
        break;
      }
      case 'Network.webSocketHandshakeResponseReceived': {
        if (!socket) break;
        const response = params.response as {
          status: number;
          statusText: string;
          headers: Headers;
          requestHeaders?: Headers;
        };
        socket.status = response.status;
        socket.statusText = response.statusText;
        socket.responseHeaders = response.headers;
        // As DevTools does: the headers the network stack really sent (the cookie included) replace the
        // ones the page asked for.
        if (response.requestHeaders) socket.requestHeaders = response.requestHeaders;
        break;
      }
      case 'Network.webSocketFrameSent':
      case 'Network.webSocketFrameReceived': {
        if (!socket) break;
        const frame = params.response as { opcode: number; payloadData: string };
        socket.messages.push({
          type: method === 'Network.webSocketFrameSent' ? 'send' : 'receive',
          // NetworkRequest.pseudoWallTime: the wall time of the handshake plus the monotonic time since.
          time: socket.wallIssueTime + ((params.timestamp as number) - socket.issueTime),
          opcode: frame.opcode,
          data: frame.payloadData,
        });
        break;
      }
    }
  }
  return [...byId.values()];
}

/** The HAR 1.2 log DevTools saves with "Save all as HAR with content": the page's document and its WebSockets. */
export function harFrom(events: CdpEvent[]): object {
  const entries: object[] = [];
  const responses = new Map<string, Record<string, unknown>>();
  for (const { method, params } of events)
    if (method === 'Network.responseReceived') responses.set(params.requestId as string, params);
  for (const { method, params } of events) {
    if (method !== 'Network.requestWillBeSent') continue;
    const request = params.request as { url: string; method: string; headers: Headers };
    const response = (responses.get(params.requestId as string)?.response ?? {}) as {
      status?: number;
      statusText?: string;
      headers?: Headers;
      mimeType?: string;
      protocol?: string;
    };
    entries.push({
      _resourceType: String(params.type ?? 'other').toLowerCase(),
      cache: {},
      request: {
        method: request.method,
        url: request.url,
        httpVersion: response.protocol ?? 'http/1.1',
        headers: harHeaders(request.headers),
        queryString: [...new URL(request.url).searchParams].map(([name, value]) => ({ name, value })),
        cookies: harCookies(request.headers.Cookie ?? request.headers.cookie),
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: response.status ?? 0,
        statusText: response.statusText ?? '',
        httpVersion: response.protocol ?? 'http/1.1',
        headers: harHeaders(response.headers),
        cookies: [],
        content: { size: 0, mimeType: response.mimeType ?? 'x-unknown' },
        redirectURL: '',
        headersSize: -1,
        bodySize: -1,
        _transferSize: 0,
        _error: null,
      },
      startedDateTime: new Date((params.wallTime as number) * 1000).toJSON(),
      time: 0,
      timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
    });
  }
  for (const socket of webSockets(events)) {
    const cookie = Object.entries(socket.requestHeaders).find(([n]) => n.toLowerCase() === 'cookie')?.[1];
    entries.push({
      _initiator: { type: 'script' },
      _resourceType: 'websocket',
      // Log.ts: {type, time, opcode, data} for each frame, in the order they came.
      _webSocketMessages: socket.messages,
      cache: {},
      request: {
        method: 'GET',
        url: socket.url,
        httpVersion: 'HTTP/1.1',
        headers: harHeaders(socket.requestHeaders),
        queryString: [...new URL(socket.url).searchParams].map(([name, value]) => ({ name, value })),
        cookies: harCookies(cookie),
        headersSize: -1,
        bodySize: 0,
      },
      response: {
        status: socket.status,
        statusText: socket.statusText,
        httpVersion: 'HTTP/1.1',
        headers: harHeaders(socket.responseHeaders),
        cookies: [],
        content: { size: 0, mimeType: 'x-unknown' },
        redirectURL: '',
        headersSize: -1,
        bodySize: 0,
        _transferSize: 0,
        _error: null,
      },
      startedDateTime: new Date(socket.wallIssueTime * 1000).toJSON(),
      time: 0,
      timings: { blocked: -1, dns: -1, ssl: -1, connect: -1, send: 0, wait: 0, receive: 0 },
    });
  }
  return {
    log: { version: '1.2', creator: { name: 'WebInspector', version: '537.36' }, pages: [], entries },
  };
}

/** DevTools' escapeStringPosix: single quotes, or ANSI-C $'…' quoting when the text needs it. */
function escapePosix(text: string): string {
  if (/[\0-\x1F\x7F-\x9F!]|'/.test(text))
    return `$'${text
      .replace(/\\/g, '\\\\')
      .replace(/'/g, "\\'")
      .replace(/\n/g, '\\n')
      .replace(/\r/g, '\\r')
      .replace(/[\0-\x1F\x7F-\x9F!]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
  return `'${text}'`;
}

/**
 * The command "Copy as cURL (bash)" gives for the page's first WebSocket (NetworkLogView's
 * generateCurlCommand): the URL, every request header but the ones curl derives from the URL (and
 * Accept-Encoding), then --compressed, one option a line.
 */
export function curlFrom(events: CdpEvent[]): string {
  const socket = webSockets(events)[0];
  if (!socket) throw new Error('the page opened no WebSocket');
  const ignored = new Set(['accept-encoding', 'host', 'method', 'path', 'scheme', 'version']);
  const command = [escapePosix(socket.url).replace(/[[{}\]]/g, '\\$&')];
  for (const { name: raw, value } of harHeaders(socket.requestHeaders)) {
    const name = raw.replace(/^:/, '');
    if (ignored.has(name.toLowerCase())) continue;
    command.push(value.trim() ? `-H ${escapePosix(`${name}: ${value}`)}` : `-H ${escapePosix(`${name};`)}`);
  }
  command.push('--compressed');
  return `curl ${command.join(command.length >= 3 ? ' \\\n  ' : ' ')}`;
}
