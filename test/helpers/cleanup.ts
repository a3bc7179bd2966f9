// One cleanup list per test file, run in reverse after each test, and servers that register themselves on it.

import { afterEach } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders, Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServerOptions, WebSocketServer } from 'ws';
import { startServer, stopWsServer, type TestServer } from './servers.js';

export type Defer = (fn: () => Promise<unknown> | void) => void;

/** Call at the top of a test file; returns `defer`, whose functions run (last first) after each test. */
export function cleanupAfterEach(): Defer {
  const cleanups: (() => Promise<unknown> | void)[] = [];
  afterEach(async () => {
    for (const fn of cleanups.splice(0).reverse()) await fn();
  });
  return (fn) => void cleanups.push(fn);
}

/** startServer() closed after the test. */
export async function serverUntilCleanup(
  defer: Defer,
  opts?: Parameters<typeof startServer>[0],
): Promise<TestServer> {
  const s = await startServer(opts);
  defer(() => s.close());
  return s;
}

/** stopWsServer(wss, http) after the test: clients cut, servers closed. */
export function stopAfterTest(defer: Defer, wss: WebSocketServer, http?: HttpServer): void {
  defer(() => stopWsServer(wss, http));
}

/** A fresh folder under the system's temporary folder, removed with all it holds after the test. */
export function tempDirUntilCleanup(defer: Defer, prefix = 'wsx-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  defer(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `text` to `name` in a fresh temporary folder removed after the test; returns the file's path. */
export function tempFileUntilCleanup(defer: Defer, name: string, text: string): string {
  const file = join(tempDirUntilCleanup(defer), name);
  writeFileSync(file, text);
  return file;
}

/**
 * serverUntilCleanup in echo mode that records each upgrade request's headers in `requests`, and accepts
 * the upgrades `accept` approves (all of them unless told); `ws` adds server options.
 */
export async function headerRecordingServer(
  defer: Defer,
  opts: { accept?: (headers: IncomingHttpHeaders) => boolean; ws?: ServerOptions } = {},
): Promise<TestServer & { requests: IncomingHttpHeaders[] }> {
  const requests: IncomingHttpHeaders[] = [];
  const server = await serverUntilCleanup(defer, {
    mode: 'echo',
    ws: {
      ...opts.ws,
      verifyClient: (info: { req: { headers: IncomingHttpHeaders } }) => {
        requests.push(info.req.headers);
        return opts.accept?.(info.req.headers) ?? true;
      },
    },
  });
  return { ...server, requests };
}
