// What the saved-connection tests start from: a config home of their own and a server that wants a token.

import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { headerRecordingServer, type Defer } from './cleanup.js';

/**
 * A fresh XDG_CONFIG_HOME, XDG_STATE_HOME and HOME in one new folder `dir` (named from `prefix`), so no test
 * reads or writes the user's own config; `file` is where wsx keeps its config.
 */
export function configHome(prefix: string): {
  env: NodeJS.ProcessEnv;
  file: string;
  home: string;
  dir: string;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const home = join(dir, 'home');
  mkdirSync(home);
  return {
    env: { XDG_CONFIG_HOME: join(dir, 'config'), XDG_STATE_HOME: join(dir, 'state'), HOME: home },
    file: join(dir, 'config', 'wsx', 'config.json'),
    home,
    dir,
  };
}

/** An echo server that accepts only `Authorization: Bearer <token>` and records each request's headers. */
export function guardedServer(defer: Defer, token: string) {
  return headerRecordingServer(defer, { accept: (headers) => headers.authorization === `Bearer ${token}` });
}
