// The whole program in a real terminal: tmux runs it, send-keys types, capture-pane reads.

import { execFileSync, spawnSync } from 'node:child_process';
import type { Defer } from './cleanup.js';
import { wsxBin } from './run-wsx.js';
import { until } from './servers.js';

export const hasTmux = spawnSync('tmux', ['-V']).status === 0;

export function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

/**
 * A detached session named after `name`, `columns` x `rows`, killed when the test ends. It runs `command`
 * (a bare bash by default, to type into); `options` are more new-session flags, e.g. ['-e', 'VAR=value'].
 */
export function startTmux(
  defer: Defer,
  name: string,
  [columns, rows]: [number, number],
  command: string[] = ['bash', '--norc', '--noprofile'],
  options: string[] = [],
): string {
  const session = `${name}-${process.pid}-${Date.now()}`;
  tmux('new-session', '-d', '-s', session, '-x', String(columns), '-y', String(rows), ...options, ...command);
  defer(() => void spawnSync('tmux', ['kill-session', '-t', session]));
  return session;
}

/** What the session's screen shows now, as text. */
export function screenOf(session: string): string {
  return tmux('capture-pane', '-p', '-t', session);
}

/** Waits until every text is on one capture (a capture can catch a frame half drawn); returns that capture. */
export async function screenShows(
  session: string,
  text: string | string[],
  timeoutMs = 5000,
): Promise<string> {
  const texts = typeof text === 'string' ? [text] : text;
  let screen = '';
  await until(
    () => {
      screen = screenOf(session);
      return texts.every((t) => screen.includes(t));
    },
    timeoutMs,
    () => `${JSON.stringify(texts)} not on screen:\n${screen}`,
  );
  return screen;
}

/**
 * Types at the session's shell a command line running the built wsx with `args` (shell text: quotes and
 * redirections work), after `prefix` (variable assignments, or `clear;`), then `echo "WSX_EXIT=$?"`, so the
 * test can wait for the exit code on screen. The typed line holds "WSX_EXIT=$?" itself: wait for a digit.
 */
export function typeWsx(session: string, prefix: string, args: string): void {
  tmux(
    'send-keys',
    '-t',
    session,
    `${prefix} ${process.execPath} ${wsxBin} ${args}; echo "WSX_EXIT=$?"`,
    'Enter',
  );
}

/** Types `text` literally (no tmux key names), then Enter. */
export function typeLine(session: string, text: string): void {
  tmux('send-keys', '-t', session, '-l', text);
  tmux('send-keys', '-t', session, 'Enter');
}
