// Flag values as users type them (durations, byte sizes, counts, ports), each checked with an error that
// names the flag. Shared by the client's flags (options.ts) and `wsx serve`'s (serve-command.ts).

import { WsxError } from '../core/errors.js';
import { durationRefusal, parseDuration } from '../text/duration.js';

/** A mistake in the command line: exit code 2, printed as "wsx: <message> (<hint>)". */
export function usage(message: string, hint?: string): WsxError {
  return new WsxError('invalid-option', message, hint ? { hint } : {});
}

/** "64M" → 67108864. Accepts k, M, G (powers of 1024), with an optional trailing B or iB. */
export function parseBytes(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg])?(?:i?b)?\s*$/i.exec(text);
  if (!match) return undefined;
  const power = { '': 0, k: 1, m: 2, g: 3 }[(match[2] ?? '').toLowerCase()] ?? 0;
  return Math.round(Number(match[1]) * 1024 ** power);
}

/** A duration flag ("500ms", "5s", "2m", bare seconds) in ms; 0 only when `allowZero`. */
export function durationFlag(flag: string, text: string, opts: { allowZero?: boolean } = {}): number {
  const ms = parseDuration(text);
  if (ms === undefined || (!opts.allowZero && ms === 0))
    throw usage(`${flag}: "${text}" ${durationRefusal(text)}`, 'use e.g. 500ms, 5s, 2m');
  return ms;
}

/** A size flag ("65536", "512k", "64M") in bytes, above 0. */
export function bytesFlag(flag: string, text: string): number {
  const bytes = parseBytes(text);
  if (!bytes) throw usage(`${flag}: "${text}" is not a size`, 'use e.g. 65536, 512k, 64M');
  return bytes;
}

/** A count flag: a whole number above 0. */
export function positiveIntFlag(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isInteger(n) || n < 1)
    throw usage(`${flag}: "${text}" is not a whole number above 0`);
  return n;
}

/** A TCP port, 0-65535 (0 picks a free one). */
export function portFlag(flag: string, text: string): number {
  const port = Number(text);
  if (text.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw usage(`${flag}: "${text}" is not a port (0-65535; 0 picks a free one)`);
  return port;
}

/** The value of environment variable `name`, or a usage error naming `flag` when it is unset or empty. */
export function envFlag(env: NodeJS.ProcessEnv, flag: string, name: string): string {
  const value = env[name];
  if (value === undefined || value === '') throw usage(`${flag}: environment variable ${name} is not set`);
  return value;
}
