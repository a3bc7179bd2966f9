// Runs the built bin/wsx.js as a child process, exactly as a user would.

import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Defer } from './cleanup.js';

export const wsxBin = fileURLToPath(new URL('../../bin/wsx.js', import.meta.url));

export interface WsxResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stdoutBytes: Buffer;
}

export interface RunOptions {
  /** Written to stdin, then stdin is closed. Omit for an empty stdin (/dev/null). */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  /** Leave stdin open (the test ends the run some other way). */
  keepStdinOpen?: boolean;
  /** Kill the child (and fail) after this long, ms. Default 8000. */
  killAfterMs?: number;
}

/** Starts wsx with piped stdio; the caller drives it. NO_COLOR keeps stderr plain for assertions. */
export function spawnWsx(args: string[], env: NodeJS.ProcessEnv = {}): ChildProcessWithoutNullStreams {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', ...env };
  delete childEnv.FORCE_COLOR;
  return spawn(process.execPath, [wsxBin, ...args], {
    env: childEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
}

/** Runs wsx to completion and collects its output. */
export function runWsx(args: string[], opts: RunOptions = {}): Promise<WsxResult> {
  const child = spawnWsx(args, opts.env);
  return collect(child, opts);
}

export function collect(child: ChildProcessWithoutNullStreams, opts: RunOptions = {}): Promise<WsxResult> {
  const out: Buffer[] = [];
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => out.push(d));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.on('error', () => {}); // a child that exits early closes its stdin
  if (opts.input !== undefined) child.stdin.end(opts.input);
  else if (!opts.keepStdinOpen) child.stdin.end();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`wsx did not exit within ${opts.killAfterMs ?? 8000} ms; stderr so far: ${stderr}`));
    }, opts.killAfterMs ?? 8000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(out);
      resolve({ code, signal, stdout: stdoutBytes.toString('utf8'), stderr, stdoutBytes });
    });
  });
}

/** Resolves when `stream` has printed text matching `pattern`; rejects after `timeoutMs`. */
export function waitForOutput(
  stream: NodeJS.ReadableStream,
  pattern: RegExp,
  timeoutMs = 5000,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const onData = (d: Buffer) => {
      seen += d.toString();
      const m = pattern.exec(seen);
      if (m) {
        clearTimeout(timer);
        stream.off('data', onData);
        resolve(m[0]);
      }
    };
    const timer = setTimeout(() => {
      stream.off('data', onData);
      reject(new Error(`no ${pattern} within ${timeoutMs} ms; saw: ${JSON.stringify(seen.slice(-500))}`));
    }, timeoutMs);
    stream.on('data', onData);
  });
}

/** Kills `child` (SIGKILL) when the test ends, unless it has exited already, and waits until it is gone. */
export function killAfterTest(defer: Defer, child: ChildProcess): void {
  defer(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await once(child, 'exit');
  });
}

export interface ServedWsx {
  child: ChildProcessWithoutNullStreams;
  /** The ws:// URL it printed as listening on. */
  url: string;
  /** Everything it has written to stderr so far. */
  stderr: () => string;
}

/** `wsx serve --port 0 ...args`, killed when the test ends; resolves once it prints the URL it listens on. */
export async function serveWsx(defer: Defer, args: string[]): Promise<ServedWsx> {
  const child = spawnWsx(['serve', '--port', '0', ...args]);
  killAfterTest(defer, child);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const line = await waitForOutput(child.stdout, /listening (ws:\/\/127\.0\.0\.1:\d+)\n/);
  return { child, url: line.trim().split(' ')[1]!, stderr: () => stderr };
}

/** The non-empty lines of a run's output, in order. */
export const lines = (text: string): string[] => text.split('\n').filter((l) => l !== '');
