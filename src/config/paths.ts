// Where wsx keeps its config: $XDG_CONFIG_HOME/wsx/config.json (default ~/.config/wsx/), and the
// project-local wsx.json a team commits beside its code.

import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/** The home directory: $HOME when set (tests point it elsewhere), else the OS's idea of it. */
export function homeDir(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** `~` and `~/x` name the home directory, as in a shell: `~/x` → `<home>/x`; anything else unchanged. */
export function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  if (path === '~') return homeDir(env);
  return path.startsWith('~/') ? join(homeDir(env), path.slice(2)) : path;
}

/**
 * The user's config file. XDG Base Directory spec: a relative $XDG_CONFIG_HOME is invalid and ignored.
 */
export function configFile(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(homeDir(env), '.config');
  return join(base, 'wsx', 'config.json');
}

/** The project-local file of saved messages, read from the working directory and never written. */
export function projectFile(cwd: string): string {
  return join(cwd, 'wsx.json');
}
