// `wsx serve --replay` and plain ws servers for the record/replay tests, each ended by the test's cleanup.

import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { stopAfterTest, type Defer } from './cleanup.js';
import { serveWsx } from './run-wsx.js';

/** Starts `wsx serve --replay FILE --speed 0 ...args` on a free port; resolves with its ws:// URL. */
export async function serveReplay(defer: Defer, file: string, ...args: string[]): Promise<string> {
  return (await serveWsx(defer, ['--replay', file, '--speed', '0', ...args])).url;
}

/** A ws server on 127.0.0.1, port 0, listening; its clients are cut and it is closed when the test ends. */
export async function loopbackWsServer(defer: Defer): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  stopAfterTest(defer, wss);
  await once(wss, 'listening');
  return wss;
}
