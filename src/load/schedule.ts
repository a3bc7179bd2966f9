// The open-model send schedule: sends are due at fixed times whatever the replies do, and each round trip
// is measured from its scheduled time, so a server stall shows in the tail instead of slowing the test down
// (what Gil Tene calls coordinated omission). Pure: it takes `now`, it never sets timers.

export class SendSchedule {
  /** When the next send is due, ms on the caller's clock. */
  private nextAtMs: number;

  /**
   * `startMs`: the first send's time. `leadMs`: how early a send may leave. A caller that ticks every
   * millisecond sends each message at the tick after its time, 0.6 ms late on average (measured with
   * Node's setInterval(1), ~850 ticks a second); handing out what is due within half a tick sends each at
   * the nearest tick instead, early or late, and roundTripStart keeps the early ones honest.
   */
  constructor(
    startMs: number,
    private readonly leadMs = 0,
  ) {
    this.nextAtMs = startMs;
  }

  /**
   * The scheduled times of the sends due by `nowMs` (plus the lead) at `ratePerSec`, oldest first, at most
   * `max` (the rest stay due for the next call). The rate may change between calls (stages ramp the connections);
   * each send moves the next one 1000 / rate ms later.
   */
  takeDue(nowMs: number, ratePerSec: number, max: number): number[] {
    const due: number[] = [];
    if (!(ratePerSec > 0)) {
      // Nothing is due while the rate is zero; the schedule starts again from now, with no backlog.
      this.nextAtMs = nowMs;
      return due;
    }
    const gapMs = 1000 / ratePerSec;
    while (this.nextAtMs <= nowMs + this.leadMs && due.length < max) {
      due.push(this.nextAtMs);
      this.nextAtMs += gapMs;
    }
    return due;
  }

  /** Skips every send due by `nowMs` at `ratePerSec` and returns how many there were (the run is over). */
  skipDue(nowMs: number, ratePerSec: number): number {
    if (!(ratePerSec > 0) || this.nextAtMs > nowMs) return 0;
    const gapMs = 1000 / ratePerSec;
    const count = Math.floor((nowMs - this.nextAtMs) / gapMs) + 1;
    this.nextAtMs += count * gapMs;
    return count;
  }
}

/**
 * Where a round trip is timed from: the scheduled time, unless the send left before it (within the lead).
 * A late send is timed from its schedule, so lateness counts (coordinated omission); an early one from
 * when it left, because its reply cannot have been waited on before then.
 */
export function roundTripStart(scheduledMs: number, sentMs: number): number {
  return Math.min(scheduledMs, sentMs);
}
