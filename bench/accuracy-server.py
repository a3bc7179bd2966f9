#!/usr/bin/python3
# wsx load's accuracy server, in Python so the clock under test is not Node's: answers every message after
# exactly DELAY_MS (from the moment the handler got it to the moment the reply is written), and with
# STALL_AT_MS STALL_MS freezes once: a message that arrives while frozen is read when the freeze ends, and no
# reply leaves during it (a server stuck in a GC pause or a lock). Prints "listening PORT" on stdout, then
# "clients N" as the number of connections changes, and twice a second "delay n=… p50=… p99=… max=…" (ms,
# every reply so far outside the freeze): the server's own delay, apart from what the client adds.
# Usage: accuracy-server.py [DELAY_MS [STALL_AT_MS STALL_MS]]   (needs python3-websockets, 10.4 here)
#
# Why a thread: asyncio's timers are not precise enough. loop.call_later(0.005) wakes from epoll, whose
# timeout is whole milliseconds rounded up, so replies leave 5-6 ms after the message. Here a timer thread
# waits on a Condition (a futex with a nanosecond deadline) until HANDOFF_S before a reply is due, hands it
# to the loop (call_soon_threadsafe), and the loop spins on perf_counter to the due time and writes the
# frame at once; the spin costs at most HANDOFF_S of CPU a reply. Measured side by side (1,000 replies at
# 200/s, this file's own delay line, load average 6-10 on 2 cores): call_later p50 5.56 and 6.13 ms, this
# scheme p50 5.11 and 5.29 ms (p99 10-37 ms for both: the machine, not the timer).
import asyncio
import heapq
import itertools
import sys
import threading
import time

import websockets

HANDOFF_S = 0.0005
OP_TEXT, OP_BINARY = 1, 2
delay_s = float(sys.argv[1] if len(sys.argv) > 1 else 5) / 1000
stall_at_s = float(sys.argv[2]) / 1000 if len(sys.argv) > 3 else None
stall_s = float(sys.argv[3]) / 1000 if len(sys.argv) > 3 else 0
started = time.perf_counter()
clients = set()
# Every reply's delay (s), for the summary line; bounded so a long run cannot grow without end.
delays = []
MAX_DELAYS = 1_000_000


class Replier(threading.Thread):
    """Sends each queued reply at its due time (perf_counter seconds) through the event loop."""

    def __init__(self, loop):
        super().__init__(daemon=True)
        self.loop = loop
        self.due = []
        self.order = itertools.count()
        self.cond = threading.Condition()

    def add(self, at, received, ws, data):
        with self.cond:
            heapq.heappush(self.due, (at, next(self.order), received, ws, data))
            if self.due[0][0] == at:
                self.cond.notify()

    def run(self):
        while True:
            with self.cond:
                while not self.due:
                    self.cond.wait()
                left = self.due[0][0] - time.perf_counter()
                if left > HANDOFF_S:
                    self.cond.wait(left - HANDOFF_S)
                    continue
                at, _, received, ws, data = heapq.heappop(self.due)
            self.loop.call_soon_threadsafe(send, at, ws, data, received)


def frozen(t):
    """Whether the server is frozen at perf_counter time t, and when the freeze ends."""
    if stall_at_s is None:
        return False, 0
    start = started + stall_at_s
    return start <= t < start + stall_s, start + stall_s


def send(at, ws, data, received):
    # On the loop's thread, a little before the reply is due: spin to the due time, then write the frame at
    # once (write_frame_sync puts it in the transport now; ws.send() would wait for another loop turn).
    while time.perf_counter() < at:
        pass
    if not ws.open:
        return
    if isinstance(data, bytes):
        ws.write_frame_sync(True, OP_BINARY, data)
    else:
        ws.write_frame_sync(True, OP_TEXT, data.encode())
    sent_at = time.perf_counter()
    received_at, held = received
    if len(delays) < MAX_DELAYS and not held:
        delays.append(sent_at - received_at)


async def handler(ws, _path=None):
    clients.add(ws)
    try:
        async for data in ws:
            received_at = time.perf_counter()
            # Frozen: the message is read when the freeze ends, and answered DELAY_MS after that; a reply due
            # during the freeze leaves when it ends. Either is "held", left out of the delay line.
            is_read_late, thawed_at = frozen(received_at)
            at = (thawed_at if is_read_late else received_at) + delay_s
            is_due_frozen, thawed_at = frozen(at)
            held = is_read_late or is_due_frozen
            replier.add(thawed_at if is_due_frozen else at, (received_at, held), ws, data)
    except websockets.ConnectionClosed:
        pass
    finally:
        clients.discard(ws)


def percentile(sorted_values, p):
    return sorted_values[min(len(sorted_values) - 1, int(len(sorted_values) * p / 100))]


async def report():
    said_clients = said_count = 0
    while True:
        await asyncio.sleep(0.5)
        if len(clients) != said_clients:
            said_clients = len(clients)
            print(f"clients {said_clients}", flush=True)
        if len(delays) != said_count:
            said_count = len(delays)
            d = sorted(delays)
            ms = lambda s: f"{s * 1000:.3f}"
            print(
                f"delay n={len(d)} p50={ms(percentile(d, 50))} p99={ms(percentile(d, 99))} max={ms(d[-1])}",
                flush=True,
            )


async def main():
    global replier
    replier = Replier(asyncio.get_running_loop())
    replier.start()
    # No compression (wsx load and the other clients turn it off too), no size limit to trip on.
    async with websockets.serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        print(f"listening {port}", flush=True)
        await report()


asyncio.run(main())
