#!/usr/bin/python3
# An independent check of a delay server (accuracy-server.py): a plain Python websockets client, no Node,
# no schedule. It sends COUNT messages about 1000/RATE ms apart and times each from just before its send to
# its reply's arrival, so the figure is the server's delay plus loopback and two websockets stacks, with no
# load generator's ticker in it. Prints one JSON line: {"count","p50","p99","max"} in ms.
# Usage: accuracy-probe.py URL [COUNT [RATE]]
import asyncio
import json
import sys
import time

import websockets


async def main():
    url = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    rate = float(sys.argv[3]) if len(sys.argv) > 3 else 200
    sent_at = {}
    rtts = []
    async with websockets.connect(url, compression=None, max_size=None) as ws:

        async def receive():
            async for data in ws:
                # A Node ws echo server answers a text message with a binary one: compare the text.
                at = sent_at.pop(data.decode() if isinstance(data, bytes) else data, None)
                if at is not None:
                    rtts.append(time.perf_counter() - at)
                if len(rtts) == count:
                    return

        receiver = asyncio.ensure_future(receive())
        for i in range(count):
            text = f"probe {i}"
            sent_at[text] = time.perf_counter()
            await ws.send(text)
            await asyncio.sleep(1 / rate)
        await asyncio.wait_for(receiver, timeout=10)
    rtts.sort()
    ms = lambda s: round(s * 1000, 3)
    pick = lambda p: ms(rtts[min(len(rtts) - 1, int(len(rtts) * p / 100))])
    print(json.dumps({"count": len(rtts), "p50": pick(50), "p99": pick(99), "max": ms(rtts[-1])}))


asyncio.run(main())
