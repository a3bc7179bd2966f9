// The benchmark's loopback server, in its own process, reporting to the parent over IPC.
// `sink` counts messages per connection and, when it closes, reports the count, whether the lines came in
// order, and the time from the first message to the last (the rate at the server). `echo` replies and, when
// a connection closes, reports how long after its last reply that was (for the smoke row: a client that
// exits without waiting on timers closes right after the echo). `flood` sends RATE messages a second for
// SECONDS to each client, each WIDTH characters long when WIDTH is set (every one distinct: it has a seq).
import { WebSocketServer } from 'ws';

const mode = process.argv[2] ?? 'sink';
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => process.send({ port: wss.address().port }));
wss.on('connection', (ws) => {
  let count = 0;
  let inOrder = true;
  let firstAt = 0;
  let lastAt = 0;
  ws.on('message', (data, isBinary) => {
    lastAt = performance.now();
    if (count === 0) firstAt = lastAt;
    if (mode === 'echo') ws.send(data, { binary: isBinary });
    // Lines are "<n> <padding>": check that n counts up from 1 with no gap or repeat.
    else if (inOrder && Number.parseInt(data.toString('latin1', 0, 12), 10) !== count + 1) inOrder = false;
    count++;
  });
  ws.on('close', () =>
    process.send({
      received: count,
      inOrder,
      spanMs: lastAt - firstAt,
      lastToCloseMs: performance.now() - lastAt,
    }),
  );
  if (mode === 'flood') {
    const rate = Number(process.env.RATE ?? 10000);
    const seconds = Number(process.env.SECONDS ?? 5);
    let sent = 0;
    const width = Number(process.env.WIDTH ?? 0);
    const perTick = rate / 100;
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) {
        const head = `{"seq":${++sent},"price":${(Math.random() * 100).toFixed(2)},"sym":"WSX"`;
        const pad = width - head.length - 10;
        ws.send(pad > 0 ? `${head},"pad":"${'p'.repeat(pad)}"}` : `${head}}`);
      }
      if (sent >= rate * seconds) {
        clearInterval(timer);
        process.send({ floodDone: sent });
      }
    }, 10);
    ws.on('close', () => clearInterval(timer));
  }
});
process.on('disconnect', () => process.exit(0));
