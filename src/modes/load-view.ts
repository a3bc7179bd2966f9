// wsx load's full-screen live view on a terminal: one frame a second on the alternate screen (open
// connections against the target, rates, the last second's percentiles, errors by kind), and the screen
// the user had put back when the run ends, so the final table lands in their scrollback. Plain ANSI: a
// load run must not pay for React.

import type { Writable } from 'node:stream';
import { percentiles, type Histogram } from '../load/histogram.js';
import type { LoadCounts } from '../load/summary.js';

const enterScreen = '\x1b[?1049h\x1b[?25l';
const leaveScreen = '\x1b[?25h\x1b[?1049l';

/** What one frame shows; rates are per second over the last interval. */
export interface ViewFrame {
  url: string;
  elapsedMs: number;
  /** The run's length; a scenario bounded by --iterations alone has none worth showing (2^31 ms). */
  durationMs: number;
  open: number;
  target: number;
  counts: LoadCounts;
  sentPerSec: number;
  receivedPerSec: number;
  rtt: Histogram;
  connect: Histogram;
  workers: number;
}

const ms = (v: number) => (v >= 1000 ? `${(v / 1000).toFixed(2)}s` : `${v.toFixed(v < 10 ? 2 : 1)}ms`);

/** The frame's lines (pure: tested without a terminal). */
export function viewLines(f: ViewFrame): string[] {
  const c = f.counts;
  const rtt = percentiles(f.rtt);
  const connect = percentiles(f.connect);
  const errors = Object.entries(c.errors).sort((a, b) => b[1] - a[1]);
  const seconds = (n: number) => `${Math.floor(n / 1000)}s`;
  return [
    `wsx load ${f.url}   ${seconds(f.elapsedMs)}${f.durationMs < 2 ** 31 - 1 ? ` of ${seconds(f.durationMs)}` : ''}${f.workers > 1 ? `   ${f.workers} workers` : ''}   Ctrl+C stops and reports`,
    '',
    `connections  open ${f.open} / target ${f.target}   opened ${c.opened}   failed ${c.failed}   lost ${c.lost}   peak ${c.peak}`,
    `messages     sent ${Math.round(f.sentPerSec)}/s   received ${Math.round(f.receivedPerSec)}/s   total ${c.sent} sent, ${c.received} received   late ${c.late}   unmatched ${c.unmatched}`,
    `last second  rtt ${rtt.count > 0 ? `p50 ${ms(rtt.p50)}  p99 ${ms(rtt.p99)}  (${rtt.count})` : '-'}   connect ${connect.count > 0 ? `p50 ${ms(connect.p50)}  p99 ${ms(connect.p99)}  (${connect.count})` : '-'}`,
    `errors       ${errors.length === 0 ? 'none' : errors.map(([kind, n]) => `${kind} ${n}`).join('   ')}`,
  ];
}

/**
 * Takes the terminal over until close(): the alternate screen, cursor hidden. close() (also run at process
 * exit, should the run end some other way) gives the user's screen back.
 */
export function openLiveView(stderr: Writable): { draw: (lines: string[]) => void; close: () => void } {
  let isOpen = true;
  const close = () => {
    if (!isOpen) return;
    isOpen = false;
    process.off('exit', close);
    stderr.write(leaveScreen);
  };
  process.on('exit', close);
  stderr.write(enterScreen);
  return {
    // Home, each line over the old one, then clear what a longer old frame left below.
    draw: (lines) => {
      if (isOpen) stderr.write(`\x1b[H${lines.map((l) => `${l}\x1b[K`).join('\n')}\x1b[J`);
    },
    close,
  };
}
