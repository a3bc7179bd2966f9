// The bare-socket floor for wsx load's memory row: N plain TCP connections (`net.connect`, no HTTP, no
// WebSocket) from the given source addresses, held for D ms. What one idle Node.js TCP socket costs is the
// least any WebSocket client in this runtime can cost per connection. Prints one JSON line.
// Usage: node raw-socket.mjs URL N HOLD_MS [IP,IP…]
import net from 'node:net';

const [url, n, holdMs, ips = ''] = process.argv.slice(2);
const { hostname, port } = new URL(url);
const sources = ips ? ips.split(',') : [];
const sockets = [];
let opened = 0;
let failed = 0;
await new Promise((resolve) => {
  const settle = () => opened + failed === Number(n) && resolve();
  for (let i = 0; i < Number(n); i++) {
    const socket = net.connect({
      host: hostname,
      port: Number(port),
      ...(sources.length ? { localAddress: sources[i % sources.length] } : {}),
    });
    socket.on('connect', () => (opened++, settle()));
    socket.on('error', () => (failed++, settle()));
    sockets.push(socket);
  }
});
await new Promise((r) => setTimeout(r, Number(holdMs)));
console.log(JSON.stringify({ opened, failed }));
for (const socket of sockets) socket.destroy();
process.exit(0);
