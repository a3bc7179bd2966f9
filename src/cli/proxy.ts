// Which HTTP proxy a connection goes through: --proxy, --no-proxy, or HTTPS_PROXY/HTTP_PROXY/NO_PROXY
// (read from process.env, in either case).

import { createRequire } from 'node:module';
import { WsxError } from '../core/errors.js';

/**
 * The proxy URL for `wsUrl`, or undefined for a direct connection. `flag` is --proxy's value, false for
 * --no-proxy. From the environment, wss:// uses HTTPS_PROXY and ws:// uses HTTP_PROXY (either case),
 * and NO_PROXY is honoured. Only http:// and https:// proxies (HTTP CONNECT) are supported.
 */
export function resolveProxy(wsUrl: string, flag: string | false | undefined): string | undefined {
  if (flag === false || wsUrl.startsWith('ws+unix:')) return undefined;
  let proxy = flag;
  if (proxy === undefined) {
    // Most runs have no proxy variable at all; only then is proxy-from-env (~5 ms to load) needed.
    if (!Object.entries(process.env).some(([name, value]) => value && /_proxy$/i.test(name)))
      return undefined;
    const { getProxyForUrl } = createRequire(import.meta.url)(
      'proxy-from-env',
    ) as typeof import('proxy-from-env');
    // It picks the variable by scheme: ask as http(s) so wss:// uses HTTPS_PROXY.
    proxy = getProxyForUrl(wsUrl.replace(/^ws/, 'http')) || undefined;
  }
  if (proxy === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  } catch {
    throw new WsxError('invalid-option', `--proxy: "${proxy}" is not a URL`, {
      hint: 'e.g. http://proxy.example:3128',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WsxError(
      'invalid-option',
      `--proxy: ${url.protocol.replace(/:$/, '')} proxies are not supported`,
      { hint: 'use an HTTP proxy (CONNECT): http://host:port' },
    );
  }
  return url.toString();
}

/** The proxy URL with its password replaced by ***, for messages. */
export function describeProxy(proxy: string): string {
  const url = new URL(proxy);
  if (url.password) url.password = '***';
  return url.toString().replace(/\/$/, '');
}
