// The client side of the broadcast benchmark: opens N subscribers (from the given source addresses) and one
// publisher, then publishes K messages one after another (each once every subscriber has it, or after 10 s),
// and prints one JSON line: for each message the ms from its send until the last subscriber received it,
// and how many subscribers received it. Usage: node broadcast-client.mjs URL N K [IP,IP…]
import WebSocket from 'ws';

const [url, n, k, ips = ''] = process.argv.slice(2);
const subscribers = Number(n);
const sources = ips ? ips.split(',') : [];
const open = (i) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(url, {
      perMessageDeflate: false,
      ...(sources.length ? { localAddress: sources[i % sources.length] } : {}),
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
// Opened in batches of 500: all at once overruns the server's accept backlog on a small machine.
const sockets = [];
for (let i = 0; i < subscribers; i += 500) {
  const batch = [];
  for (let j = i; j < Math.min(subscribers, i + 500); j++) batch.push(open(j));
  sockets.push(...(await Promise.all(batch)));
}
const publisher = await open(subscribers);
let received = 0;
let lastAt = 0;
let onAll;
for (const ws of sockets) {
  ws.on('message', () => {
    lastAt = performance.now();
    if (++received === subscribers) onAll?.();
  });
}
const results = [];
for (let m = 0; m < Number(k); m++) {
  received = 0;
  const done = new Promise((resolve) => {
    onAll = resolve;
    setTimeout(resolve, 10_000).unref();
  });
  const sentAt = performance.now();
  publisher.send(`broadcast ${m} ${'x'.repeat(48)}`);
  await done;
  results.push({ ms: lastAt - sentAt, reached: received });
  // A short pause between messages: each one is measured alone, not queued behind the last.
  await new Promise((r) => setTimeout(r, 100));
}
console.log(JSON.stringify({ subscribers, results }));
process.exit(0);
