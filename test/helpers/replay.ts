// `wsx serve --replay` and plain ws servers for the record/replay tests, each ended by the test's cleanup.

import { once } from 'node:events';
import { WebSocketServer } from 'ws';
import { stopAfterTest, type Defer } from './cleanup.js';
import { spawnWsx, waitForOutput } from './run-wsx.js';

/** Starts `wsx serve --replay FILE --speed 0` on a free port; resolves with its ws:// URL. */
export async function serveReplay(defer: Defer, file: string): Promise<string> {
  const child = spawnWsx(['serve', '--port', '0', '--replay', file, '--speed', '0']);
  defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  const line = await waitForOutput(child.stdout, /listening (ws:\/\/127\.0\.0\.1:\d+)\n/);
  return line.trim().split(' ')[1]!;
}

/** A ws server on 127.0.0.1, port 0, listening; its clients are cut and it is closed when the test ends. */
export async function loopbackWsServer(defer: Defer): Promise<WebSocketServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  stopAfterTest(defer, wss);
  await once(wss, 'listening');
  return wss;
}
