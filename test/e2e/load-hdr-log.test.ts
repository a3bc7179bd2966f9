// wsx load --hdr-log read back by HdrHistogram's own reference tool (the Java library's HistogramLogProcessor,
// Debian's libhdrhistogram-java): the log is only worth writing if the standard tools read it as wsx meant.

import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LoadSummary } from '../../src/load/summary.js';
import { cleanupAfterEach, serverUntilCleanup, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const jar = '/usr/share/java/hdrhistogram.jar';
const hasJava = spawnSync('java', ['-version'], { stdio: 'ignore' }).status === 0;
const hasTool = hasJava && existsSync(jar);
// On CI a missing tool is a failure (.ci/run installs it), elsewhere a skip.
const isCi = !['', '0', 'false'].includes(process.env.CI ?? '');

/** Runs HistogramLogProcessor with `args`; its stdout. Values are printed in ms (the log holds µs). */
function processor(args: string[]): string {
  const r = spawnSync('java', ['-cp', jar, 'org.HdrHistogram.HistogramLogProcessor', ...args], {
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(r.stderr).not.toMatch(/Exception/);
  expect(r.status).toBe(0);
  return r.stdout;
}

/** The processor's CSV percentile table: [value, percentile, total count] rows. */
function percentiles(csv: string): { value: number; percentile: number; count: number }[] {
  return csv
    .split('\n')
    .filter((line) => /^\d/.test(line))
    .map((line) => {
      const [value, percentile, count] = line.split(',').map(Number);
      return { value: value!, percentile: percentile!, count: count! };
    });
}

describe.runIf(hasTool || isCi)('wsx load --hdr-log, read by HdrHistogram HistogramLogProcessor', () => {
  // One thread, and two worker threads whose intervals the main thread merges.
  it.each([['1'], ['2']])(
    'with --workers %s: an rtt and a connect histogram whose counts and percentiles are the summary’s',
    async (workers) => {
      expect(
        hasTool,
        `needs java and ${jar}: apt-get install -y default-jre-headless libhdrhistogram-java`,
      ).toBe(true);
      const server = await serverUntilCleanup(defer, { mode: 'echo' });
      const work = tempDirUntilCleanup(defer, 'wsx-hdr-log-');
      const log = join(work, `run-${workers}.hlog`);
      const summaryFile = join(work, `run-${workers}.json`);
      const r = await runWsx(
        [
          'load',
          server.url,
          '-c',
          '8',
          '--workers',
          workers,
          '--rate',
          '400',
          '-d',
          '1s',
          '--hdr-log',
          log,
          '--summary-json',
          summaryFile,
          '-q',
        ],
        { killAfterMs: 10_000 },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const summary = JSON.parse(readFileSync(summaryFile, 'utf8')) as LoadSummary;
      expect(summary.rtt_ms.count).toBeGreaterThan(300);

      const tags = processor(['-listtags', '-i', log]);
      expect(tags, readFileSync(log, 'utf8').slice(0, 400)).toMatch(/^Tags found/);
      expect(tags.split('\n').slice(1).filter(Boolean).sort()).toEqual(['connect', 'rtt']);

      // -outputValueUnitRatio 1000: the log's µs printed as ms, the summary's unit.
      const rtt = percentiles(processor(['-i', log, '-tag', 'rtt', '-csv', '-outputValueUnitRatio', '1000']));
      expect(rtt.at(-1)!.count).toBe(summary.rtt_ms.count);
      const p50 = rtt.find((row) => row.percentile >= 0.5)!;
      // Both come from the same recorded µs values; the processor prints 3 decimals of ms.
      expect(p50.value).toBeCloseTo(summary.rtt_ms.p50, 2);
      expect(rtt.at(-1)!.value).toBeCloseTo(summary.rtt_ms.max, 2);

      const connect = percentiles(
        processor(['-i', log, '-tag', 'connect', '-csv', '-outputValueUnitRatio', '1000']),
      );
      expect(connect.at(-1)!.count).toBe(summary.connections.opened);
      expect(connect.at(-1)!.count).toBe(8);
    },
  );
});
