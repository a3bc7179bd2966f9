// Headless Chromium on loopback for the Chrome DevTools Protocol tests: started with a fresh profile, its
// DevTools URL read from stderr, killed with its child processes and its profile removed afterwards.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const hasChromium = spawnSync('chromium', ['--version'], { stdio: 'ignore' }).status === 0;

/**
 * Outside CI a machine without Chromium skips these tests; in CI (.ci/run installs it) a missing Chromium
 * must fail them, or the DevTools tests would pass by never running.
 */
const isCi = !['', '0', 'false'].includes(process.env.CI ?? '');
export const shouldSkipChromium = !hasChromium && !isCi;

export interface Chromium {
  /** The browser target's DevTools WebSocket URL: ws://127.0.0.1:PORT/devtools/browser/UUID */
  url: string;
  /** Kills the browser and every process it started, then removes its profile directory. */
  stop(): Promise<void>;
}

/** Starts headless Chromium with a DevTools port chosen by the system; rejects after `timeoutMs` (default 15000). */
export async function startChromium(timeoutMs = 15_000): Promise<Chromium> {
  if (!hasChromium) throw new Error('chromium is not installed: apt-get install -y chromium (.ci/run does)');
  const profile = mkdtempSync(join(tmpdir(), 'wsx-chromium-'));
  const child = spawn(
    'chromium',
    [
      '--headless',
      // Tests run as root in containers, where Chromium refuses to start with its sandbox.
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      // Nothing leaves loopback: no update checks, component downloads or sync.
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      `--user-data-dir=${profile}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    // Its own process group, so stop() reaches the zygote and renderers as well as the browser.
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = once(child, 'exit');
  let isStopped = false;
  const stop = async () => {
    if (isStopped) return;
    isStopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    }
    rmSync(profile, { recursive: true, force: true });
  };
  let stderr = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(`chromium printed no DevTools URL within ${timeoutMs} ms:\n${stderr.slice(-2000)}`),
          ),
        timeoutMs,
      );
      // Read stderr for as long as Chromium runs: a full pipe would block it.
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 100_000) stderr += chunk.toString();
        const found = /DevTools listening on (ws:\/\/\S+)/.exec(stderr);
        if (found) {
          clearTimeout(timer);
          resolve(found[1]!);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`chromium exited (${code ?? signal}) before listening:\n${stderr.slice(-2000)}`));
      });
      child.once('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    return { url, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
