// The same-runtime floor for the echo row: send every stdin line, print every reply, close once every
// line has its reply. It knows how many replies to expect; wsx does not, and closes after --wait instead.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const ws = new WebSocket(process.argv[2]);
const lines = [];
let sent = 0;
let received = 0;
let isOpen = false;
let isEnded = false;
const maybeClose = () => {
  if (isEnded && received === sent) ws.close(1000);
};
ws.on('open', () => {
  isOpen = true;
  for (const line of lines) ws.send(line);
  sent += lines.length;
  lines.length = 0;
  maybeClose();
});
ws.on('message', (data) => {
  received++;
  if (!process.stdout.write(`${data}\n`)) {
    ws.pause();
    process.stdout.once('drain', () => ws.resume());
  }
  maybeClose();
});
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  if (!isOpen) return void lines.push(line);
  ws.send(line);
  sent++;
});
rl.on('close', () => {
  isEnded = true;
  if (isOpen) maybeClose();
});
