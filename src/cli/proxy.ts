// Which HTTP proxy a connection goes through: --proxy, --no-proxy, or HTTPS_PROXY/HTTP_PROXY/ALL_PROXY
// with NO_PROXY (either case), never for loopback unless --proxy says so.

import type { Agent } from 'node:http';
import { WsxError } from '../core/errors.js';

/** An environment variable in lower or upper case, lower first (curl's order); '' counts as unset. */
function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  return env[name.toLowerCase()] || env[name.toUpperCase()] || undefined;
}

/** localhost, *.localhost, 127.0.0.0/8 and ::1: traffic that never leaves the machine. */
export function isLoopback(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) ||
    host === '::1' ||
    host === '::ffff:127.0.0.1'
  );
}

/**
 * NO_PROXY as curl and proxy-from-env read it: entries split on commas or spaces, `*` for everything,
 * `host`, `.domain` or `*.domain` (suffix), each optionally with `:port`.
 */
function isExcluded(noProxy: string, hostname: string, port: number): boolean {
  const list = noProxy.toLowerCase();
  if (list.trim() === '*') return true;
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return list.split(/[,\s]+/).some((entry) => {
    if (!entry) return false;
    const withPort = /^(.+):(\d+)$/.exec(entry);
    const name = (withPort ? withPort[1]! : entry).replace(/^\[|\]$/g, '');
    if (withPort && Number(withPort[2]) !== port) return false;
    if (!/^[.*]/.test(name)) return host === name;
    return host.endsWith(name.replace(/^\*/, ''));
  });
}

/** The proxy the environment names for `url` (ws:// uses HTTP_PROXY, wss:// HTTPS_PROXY; ALL_PROXY for both). */
function proxyFromEnv(url: URL, env: NodeJS.ProcessEnv): string | undefined {
  const isSecure = url.protocol === 'wss:';
  const proxy = envVar(env, isSecure ? 'https_proxy' : 'http_proxy') ?? envVar(env, 'all_proxy');
  if (!proxy) return undefined;
  // Most tools leave loopback alone: a test server on 127.0.0.1 must not go out through a corporate proxy.
  if (isLoopback(url.hostname)) return undefined;
  const port = Number(url.port) || (isSecure ? 443 : 80);
  const noProxy = envVar(env, 'no_proxy');
  return noProxy && isExcluded(noProxy, url.hostname, port) ? undefined : proxy;
}

/**
 * The proxy URL for `wsUrl`, or undefined for a direct connection. `flag` is --proxy's value, false for
 * --no-proxy; an explicit --proxy applies even to loopback. Only http:// and https:// proxies (HTTP
 * CONNECT) are supported.
 */
export function resolveProxy(
  wsUrl: string,
  flag: string | false | undefined,
  env: NodeJS.ProcessEnv,
): string | undefined {
  if (flag === false || wsUrl.startsWith('ws+unix:')) return undefined;
  const proxy = flag ?? proxyFromEnv(new URL(wsUrl), env);
  if (proxy === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(proxy.includes('://') ? proxy : `http://${proxy}`);
  } catch {
    throw new WsxError('invalid-option', `--proxy: "${describeProxy(proxy)}" is not a URL`, {
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
  try {
    const url = new URL(proxy);
    if (url.password) url.password = '***';
    return url.toString().replace(/\/$/, '');
  } catch {
    return proxy.replace(/:[^:@/]*@/, ':***@');
  }
}

/** The password in a proxy URL, decoded, for the list of secrets. */
export function proxyPassword(proxy: string): string | undefined {
  const password = new URL(proxy).password;
  return password ? decodeURIComponent(password) : undefined;
}

/**
 * Makes agents that tunnel through `proxy` with HTTP CONNECT, one per connection attempt; `signal` ends
 * an attempt's CONNECT socket with it. https-proxy-agent is bundled into dist/cli/main.js (the package has
 * no runtime dependencies); this import runs its lazy initialiser, so only a run through a proxy executes it.
 */
export async function proxyAgentFactory(proxy: string): Promise<(signal?: AbortSignal) => Agent> {
  const { HttpsProxyAgent } = await import('https-proxy-agent');
  return (signal) => new HttpsProxyAgent(proxy, signal ? { signal } : {});
}
