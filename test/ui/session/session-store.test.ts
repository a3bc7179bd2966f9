import { afterEach, describe, expect, it, vi } from 'vitest';
import { Connection } from '../../../src/core/connection.js';
import { SessionStore } from '../../../src/ui/session/session-store.js';

// The store only listens to the Connection's events; emitting them directly exercises it without a socket.
const stores: SessionStore[] = [];
afterEach(() => stores.splice(0).forEach((s) => s.dispose()));

function setup(opts: { maxPendingEntries?: number } = {}) {
  const conn = new Connection({ url: 'ws://127.0.0.1:1', heartbeat: false });
  const store = new SessionStore(conn, { showPingPong: false, flushMs: 20, ...opts });
  stores.push(store);
  let publishes = 0;
  store.subscribe(() => publishes++);
  return { conn, store, publishes: () => publishes };
}

const message = (i: number) => ({ data: Buffer.from(`m${i}`), isBinary: false, receivedAt: 0, seq: i });

describe('SessionStore', () => {
  it('coalesces a burst of events into one published view', () => {
    vi.useFakeTimers();
    try {
      const { conn, store, publishes } = setup();
      for (let i = 1; i <= 1000; i++) conn.emit('message', message(i));
      expect(publishes()).toBe(0);
      // After a quiet spell the burst is news at once, on the next turn of the event loop.
      vi.advanceTimersByTime(1);
      expect(publishes()).toBe(1);
      // Two more flush periods: no second view for the same burst.
      vi.advanceTimersByTime(40);
      expect(publishes()).toBe(1);
      expect(store.getView().entriesVersion).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it('publishes at most one view per flush period under a steady stream of messages', () => {
    vi.useFakeTimers();
    try {
      const { conn, publishes } = setup();
      conn.emit('message', message(0));
      vi.advanceTimersByTime(1);
      expect(publishes()).toBe(1);
      // A message every ms for 200 ms after that view: one view per 20 ms period, each at its end.
      for (let ms = 1; ms <= 200; ms++) {
        conn.emit('message', message(ms));
        vi.advanceTimersByTime(1);
        if (ms === 18) expect(publishes()).toBe(1);
        if (ms === 20) expect(publishes()).toBe(2);
      }
      expect(publishes()).toBeGreaterThanOrEqual(10);
      expect(publishes()).toBeLessThanOrEqual(11);
    } finally {
      vi.useRealTimers();
    }
  });

  it('publishes a change of the connection state at once, even within a flush period of the last view', () => {
    vi.useFakeTimers();
    try {
      const { conn, store, publishes } = setup();
      conn.emit('message', message(1));
      vi.advanceTimersByTime(1);
      expect(publishes()).toBe(1);
      conn.emit('message', message(2)); // waits for the end of the period
      vi.advanceTimersByTime(2);
      expect(publishes()).toBe(1);
      conn.emit('state', { from: 'connecting', to: 'open', reason: 'handshake complete', attempt: 1 });
      vi.advanceTimersByTime(1);
      expect(publishes()).toBe(2);
      // The message and the state change shared that view: nothing is left for the period's end.
      vi.advanceTimersByTime(40);
      expect(publishes()).toBe(2);
      expect(store.getView().entriesVersion).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('keeps a bounded number of entries between frames and summarises the rest', () => {
    const { conn, store } = setup({ maxPendingEntries: 50 });
    for (let i = 1; i <= 1000; i++) conn.emit('message', message(i));
    const entries = store.takeEntries();
    expect(entries).toHaveLength(51);
    expect(entries[0]).toMatchObject({ kind: 'skipped', count: 950 });
    expect(entries[1]).toMatchObject({ kind: 'received', data: Buffer.from('m951') });
    expect(store.takeEntries()).toEqual([]);
  });

  it('stops listening to the connection when disposed', () => {
    const { conn, store } = setup();
    expect(conn.listenerCount('message')).toBe(1);
    store.dispose();
    for (const event of ['message', 'sent', 'dropped', 'state', 'ping', 'pong', 'error'] as const)
      expect(conn.listenerCount(event)).toBe(0);
  });
});
