// Independent servers written in python (Debian's python3-websockets, python3-socketio, python3-aiohttp,
// which .ci/run installs): started per test, each prints "listening PORT" once ready.

import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { Defer } from './cleanup.js';

/** Debian's python, where apt installs the modules (a pyenv python first on PATH would not have them). */
export const python = '/usr/bin/python3';

/** Whether `python` can import every module named. */
export function hasPythonModules(...modules: string[]): boolean {
  return spawnSync(python, ['-c', modules.map((m) => `import ${m}`).join('; ')]).status === 0;
}

/** Runs `script` with `args` until the test ends; resolves with the port it listens on (5 s at most). */
export async function startPythonServer(defer: Defer, script: string, ...args: string[]): Promise<number> {
  const child = spawn(python, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} did not start: ${err}`)), 5000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening (\d+)\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
  });
}
