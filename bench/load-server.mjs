// wsx load's benchmark server, in its own process: `echo`, `delay MS` (every reply MS after the message),
// `stall AFTER_MS STALL_MS` (echo, but every reply waits while the server is frozen once). Prints
// "listening PORT" on stdout, then "clients N" as the number of connections changes.
import { WebSocketServer } from 'ws';

const [mode = 'echo', a = '0', b = '0'] = process.argv.slice(2);
const started = performance.now();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('listening', () => console.log(`listening ${wss.address().port}`));
// "clients N" whenever the count changed, twice a second: the bench waits on it before measuring.
let said = 0;
setInterval(() => {
  if (wss.clients.size !== said) console.log(`clients ${(said = wss.clients.size)}`);
}, 500).unref();
wss.on('connection', (ws) => {
  ws.on('message', (data) => {
    if (mode === 'echo') return ws.send(data);
    if (mode === 'delay') return setTimeout(() => ws.send(data), Number(a));
    if (mode === 'stall') {
      const since = performance.now() - started;
      const left = since >= Number(a) && since < Number(a) + Number(b) ? Number(a) + Number(b) - since : 0;
      if (left === 0) ws.send(data);
      else setTimeout(() => ws.send(data), left);
    }
  });
});
