// A SOCKS5/SOCKS4a agent for one connection attempt: socks-proxy-agent's URL rules (socks5 resolves the
// name here, socks5h and socks4a at the proxy), with the socket to the proxy opened by wsx so that it dies
// with the attempt's signal. socks-proxy-agent opens its own socket, out of reach of the signal: a proxy
// that accepts and then says nothing kept the process alive for socks' 30 s timeout after wsx had given up.

import type { AgentConnectOpts } from 'agent-base';
import { lookup } from 'node:dns/promises';
import type { Agent, ClientRequest } from 'node:http';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { SocksClient, SocksClientError } from 'socks';
import { SocksProxyAgent } from 'socks-proxy-agent';

/**
 * Makes the error a failed SOCKS handshake reports. This module is a bundle of its own
 * (dist/cli/socks-agent.js, beside the 180 KiB of socks and ip-address that only a SOCKS run needs), so it
 * must not hold a copy of WsxError: the core tells its errors by class, and a second copy's would not be one.
 */
export type ProxyError = (message: string, hint: string) => Error;

class AttemptSocksAgent extends SocksProxyAgent {
  constructor(
    proxy: string,
    private readonly label: string,
    private readonly signal: AbortSignal | undefined,
    private readonly proxyError: ProxyError,
  ) {
    super(proxy);
  }

  override async connect(req: ClientRequest, opts: AgentConnectOpts): Promise<Socket> {
    this.signal?.throwIfAborted();
    const target = opts.host ?? 'localhost';
    const host = this.shouldLookup ? (await lookup(target)).address : target;
    const toProxy = netConnect({
      host: this.proxy.host ?? this.proxy.ipaddress ?? 'localhost',
      port: this.proxy.port,
      ...(this.signal ? { signal: this.signal } : {}),
    });
    await new Promise<void>((resolve, reject) => {
      toProxy.once('connect', () => {
        toProxy.off('error', reject);
        resolve();
      });
      toProxy.once('error', reject);
    });
    let socket: Socket;
    try {
      ({ socket } = await SocksClient.createConnection({
        proxy: this.proxy,
        destination: { host, port: Number(opts.port) },
        command: 'connect',
        existing_socket: toProxy,
      }));
    } catch (err) {
      toProxy.destroy();
      if (!(err instanceof SocksClientError)) throw err;
      // socks' error carries the options it was given, the password among them: only its message is kept.
      throw this.proxyError(
        `proxy ${this.label} failed: ${err.message}`,
        'is it a SOCKS proxy, with the right user:pass? check --proxy or ALL_PROXY',
      );
    }
    if (!opts.secureEndpoint) return socket;
    const {
      servername: given,
      host: _host,
      port: _port,
      path: _path,
      ...tlsOptions
    } = opts as typeof opts & {
      servername?: string;
      path?: string;
    };
    const servername = given ?? (isIP(target) ? undefined : target);
    return tlsConnect({ ...tlsOptions, socket, ...(servername ? { servername } : {}) });
  }
}

/** Makes one SOCKS agent per attempt; `label` is the proxy without its password, for messages. */
export function socksAgentFactory(
  proxy: string,
  label: string,
  proxyError: ProxyError,
): (signal?: AbortSignal) => Agent {
  return (signal) => new AttemptSocksAgent(proxy, label, signal, proxyError);
}
