// The same-runtime floor for a smoke test: connect, send one message, wait for its echo, exit.
import WebSocket from 'ws';

const ws = new WebSocket(process.argv[2]);
ws.on('open', () => ws.send('ping'));
ws.on('message', (data) => {
  if (String(data) === 'ping') ws.close(1000);
});
ws.on('close', () => process.exit(0));
