// Where wsx keeps its config: $XDG_CONFIG_HOME/wsx/config.json (default ~/.config/wsx/), the
// project-local wsx.json a team commits beside its code, and its cache ($XDG_CACHE_HOME/wsx/).

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

/**
 * Where wsx keeps what it can always rebuild (V8's compiled code for its program): $XDG_CACHE_HOME/wsx,
 * default ~/.cache/wsx. A relative $XDG_CACHE_HOME is invalid and ignored, as for the config.
 */
export function cacheDir(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(homeDir(env), '.cache'), 'wsx');
}

/** The project-local file of saved messages, read from the working directory and never written. */
export function projectFile(cwd: string): string {
  return join(cwd, 'wsx.json');
}
