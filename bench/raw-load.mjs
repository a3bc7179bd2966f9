// The same-runtime floor for wsx load: a minimal raw ws script that opens N connections (from the given
// source addresses), holds them for D ms or sends R echo messages a second over them round-robin, pairs
// replies in a Map and records each round trip in an array. Prints one JSON line.
// Usage: node raw-load.mjs URL N DURATION_MS [RATE] [IP,IP…]
import WebSocket from 'ws';

const [url, n, durationMs, rate = '0', ips = ''] = process.argv.slice(2);
const sources = ips ? ips.split(',') : [];
const sockets = [];
let opened = 0;
await new Promise((resolve) => {
  for (let i = 0; i < Number(n); i++) {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(sources.length ? { localAddress: sources[i % sources.length] } : {}),
    });
    ws.on('open', () => ++opened === Number(n) && resolve());
    ws.on('error', () => {});
    sockets.push(ws);
  }
});
const pending = new Map();
const rtts = [];
sockets.forEach((ws, i) =>
  ws.on('message', (data) => {
    const key = `${i} ${data}`;
    const at = pending.get(key);
    if (at !== undefined) {
      pending.delete(key);
      rtts.push(performance.now() - at);
    }
  }),
);
const t0 = performance.now();
let next = t0;
let seq = 0;
await new Promise((resolve) => {
  const timer = setInterval(() => {
    const now = performance.now();
    if (now - t0 >= Number(durationMs)) return (clearInterval(timer), resolve());
    if (Number(rate) > 0)
      while (next <= now) {
        const i = seq % sockets.length;
        const text = `raw ${i} ${seq++}`;
        pending.set(`${i} ${text}`, next);
        sockets[i].send(text);
        next += 1000 / Number(rate);
      }
  }, 1);
});
await new Promise((r) => setTimeout(r, 500));
rtts.sort((x, y) => x - y);
console.log(
  JSON.stringify({ opened, sent: seq, received: rtts.length, p50: rtts[Math.floor(rtts.length / 2)] ?? 0 }),
);
for (const ws of sockets) ws.terminate();
process.exit(0);
