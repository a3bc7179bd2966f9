// Latency histograms for wsx load: HdrHistogram keeps a fixed size whatever the run's length and merges
// exactly, so shards add up to the same percentiles a single run would report.

import type * as HdrLibrary from './hdr-histogram.js';

let hdrLibrary: typeof HdrLibrary | undefined;

/** Loads the histogram library; call (and await) once before anything else here. */
export async function loadHistograms(): Promise<void> {
  hdrLibrary ??= await import('./hdr-histogram.js');
}

function hdr(): typeof HdrLibrary {
  if (!hdrLibrary) throw new Error('loadHistograms() was not awaited');
  return hdrLibrary;
}

/** Values are recorded in microseconds, from 1 µs to one hour, with three significant digits (0.1%). */
export const histogramSettings = {
  lowestDiscernibleValue: 1,
  highestTrackableValue: 3_600_000_000,
  numberOfSignificantValueDigits: 3,
} as const;

export type Histogram = HdrLibrary.Histogram;

/** A new, empty histogram with the settings above (plain JS, no WebAssembly: nothing to initialise). */
export function newHistogram(): Histogram {
  return hdr().build({ ...histogramSettings, bitBucketSize: 32, useWebAssembly: false });
}

/** Records `ms` (fractions count: 1.234 ms is 1234 µs). Values beyond one hour are recorded as one hour. */
export function recordMs(histogram: Histogram, ms: number): void {
  const us = Math.round(ms * 1000);
  histogram.recordValue(Math.min(histogramSettings.highestTrackableValue, Math.max(1, us)));
}

/** The figures every report shows, in milliseconds. */
export interface Percentiles {
  count: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
  mean: number;
}

const ms = (us: number) => Math.round(us) / 1000;

export function percentiles(h: Histogram): Percentiles {
  if (h.totalCount === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0, mean: 0 };
  return {
    count: h.totalCount,
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    // The highest equivalent value, as the percentiles report theirs: the same after an encode and decode.
    max: ms(h.getValueAtPercentile(100)),
    mean: Math.round(h.mean) / 1000,
  };
}

/** The histogram as HdrHistogram's compressed base64 form (what its own tools and `wsx load merge` read). */
export function encodeHistogram(h: Histogram): string {
  return hdr().encodeIntoCompressedBase64(h);
}

/** Reads encodeHistogram's text back; throws on anything else. */
export function decodeHistogram(text: string): Histogram {
  return hdr().decodeFromCompressedBase64(text, 32, false);
}

/** Writes HdrHistogram's interval log format (readable by HistogramLogProcessor and friends). */
export function intervalLogWriter(write: (text: string) => void): HdrLibrary.HistogramLogWriter {
  return new (hdr().HistogramLogWriter)(write);
}
