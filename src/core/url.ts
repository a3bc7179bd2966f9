// What counts as a WebSocket URL, and how a user's shorthand becomes one.

import { WsxError } from './errors.js';

const schemes: Record<string, string> = {
  'ws:': 'ws:',
  'wss:': 'wss:',
  'http:': 'ws:',
  'https:': 'wss:',
  'ws+unix:': 'ws+unix:',
};

/**
 * Turns what a user typed into a ws:// or wss:// URL: `localhost:8080/x` gets ws://, http(s):// maps to
 * ws(s)://, ws+unix:// passes through. Throws WsxError 'invalid-url' naming the problem.
 */
export function normalizeUrl(input: string): string {
  const raw = input.trim();
  if (raw === '')
    throw new WsxError('invalid-url', 'no URL given', { hint: 'e.g. wsx ws://localhost:8080/path' });
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw);
  const withScheme = hasScheme ? raw : `ws://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new WsxError('invalid-url', `invalid URL "${input}"`, { hint: 'expected ws://host[:port]/path' });
  }
  const scheme = schemes[url.protocol];
  if (!scheme) {
    throw new WsxError(
      'invalid-url',
      `unsupported scheme "${url.protocol.replace(/:$/, '')}" in "${input}"`,
      {
        hint: 'use ws://, wss://, http://, https:// or ws+unix://',
      },
    );
  }
  if (scheme !== url.protocol) url = new URL(scheme + withScheme.slice(url.protocol.length));
  if (scheme === 'ws+unix:') return url.toString();
  if (!url.hostname)
    throw new WsxError('invalid-url', `no host in "${input}"`, { hint: 'expected ws://host[:port]/path' });
  return url.toString();
}

/** Checks a URL the core is asked to open; returns it unchanged or throws WsxError 'invalid-url'. */
export function validateUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new WsxError('invalid-url', `invalid URL "${input}"`, { hint: 'expected ws://host[:port]/path' });
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:' && url.protocol !== 'ws+unix:') {
    throw new WsxError('invalid-url', `unsupported scheme "${url.protocol}" in "${input}"`, {
      hint: 'use ws:// or wss://',
    });
  }
  if (url.protocol !== 'ws+unix:' && !url.hostname)
    throw new WsxError('invalid-url', `no host in "${input}"`);
  if (url.hash) throw new WsxError('invalid-url', `a WebSocket URL cannot have a fragment ("${url.hash}")`);
  return input;
}
