import { describe, expect, it } from 'vitest';
import { Heartbeat } from '../../src/core/heartbeat.js';
import { FakeClock } from '../helpers/fake-clock.js';

function setup(intervalMs: number, timeoutMs: number) {
  const clock = new FakeClock();
  const pings: Buffer[] = [];
  const deaths: number[] = [];
  const hb = new Heartbeat({ intervalMs, timeoutMs }, clock, {
    ping: (p) => pings.push(p),
    dead: (ms) => deaths.push(ms),
  });
  hb.start();
  return { clock, pings, deaths, hb };
}

describe('Heartbeat', () => {
  it('pings every interval', () => {
    const { clock, pings } = setup(1000, 500);
    clock.advance(999);
    expect(pings).toHaveLength(0);
    clock.advance(1);
    expect(pings).toHaveLength(1);
  });

  it('declares the peer dead when nothing arrives within the timeout after a ping', () => {
    const { clock, pings, deaths } = setup(1000, 500);
    clock.advance(1499);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(pings).toHaveLength(1);
    expect(deaths).toEqual([1500]);
    clock.advance(10_000);
    expect(deaths).toHaveLength(1); // once, and no pings after death
    expect(pings).toHaveLength(1);
  });

  it('treats any inbound frame as a sign of life', () => {
    const { clock, deaths, hb } = setup(1000, 500);
    clock.advance(1200);
    hb.sawActivity();
    clock.advance(300);
    expect(deaths).toEqual([]);
  });

  it('measures the round trip from the matching pong', () => {
    const { clock, pings, hb } = setup(1000, 500);
    clock.advance(1000);
    clock.advance(42);
    expect(hb.sawPong(pings[0]!)).toBe(42);
    expect(hb.sawPong(Buffer.from('other'))).toBeUndefined();
  });

  it('still detects a zombie when the interval is shorter than the timeout', () => {
    const { clock, deaths } = setup(100, 350);
    clock.advance(449);
    expect(deaths).toEqual([]);
    clock.advance(1);
    expect(deaths).toHaveLength(1);
  });

  it('leaves no timers after stop()', () => {
    const { clock, hb } = setup(100, 50);
    clock.advance(120);
    hb.stop();
    expect(clock.pending).toBe(0);
  });
});
