// The same-runtime floor: the least code that pipes stdin lines into a ws socket without losing any.
import { createInterface } from 'node:readline';
import WebSocket from 'ws';

const ws = new WebSocket(process.argv[2]);
const lines = [];
let isOpen = false;
let isEnded = false;
const finish = () => {
  const check = () => (ws.bufferedAmount === 0 ? ws.close(1000) : setTimeout(check, 5));
  check();
};
ws.on('open', () => {
  isOpen = true;
  for (const line of lines) ws.send(line);
  lines.length = 0;
  if (isEnded) finish();
});
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => (isOpen ? ws.send(line) : lines.push(line)));
rl.on('close', () => {
  isEnded = true;
  if (isOpen) finish();
});
