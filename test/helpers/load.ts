// Runs `wsx load` with its summary written to a file, and reads the summary back.

import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { LoadSummary } from '../../src/load/summary.js';
import { runWsx, type RunOptions, type WsxResult } from './run-wsx.js';

/** A path in a fresh temporary folder. */
export function tempFile(name: string): string {
  return join(mkdtempSync(join(tmpdir(), 'wsx-load-')), name);
}

export const readSummary = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as LoadSummary;

/** Runs `wsx load ARGS --summary-json FILE -q`; returns the run and the summary it wrote (the caller checks the exit). */
export async function runLoad(
  args: string[],
  opts?: RunOptions,
): Promise<{ r: WsxResult; summary: () => LoadSummary }> {
  const file = tempFile('s.json');
  const r = await runWsx(['load', ...args, '--summary-json', file, '-q'], opts);
  return { r, summary: () => readSummary(file) };
}

/** runLoad, expecting a clean run (exit 0, nothing on stderr); returns the summary. */
export async function loadSummary(args: string[], opts?: RunOptions): Promise<LoadSummary> {
  const { r, summary } = await runLoad(args, opts);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return summary();
}
