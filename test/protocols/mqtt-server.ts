// The aedes MQTT broker (the real one from npm) behind a ws WebSocket server on 127.0.0.1, as its docs show:
// each socket becomes a stream with ws's createWebSocketStream and goes to broker.handle.

import { createServer } from 'node:http';
import { Aedes } from 'aedes';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';

export interface MqttServerOptions {
  /** Accepted username and password; others get CONNACK 5 (not authorized). Default: anyone. */
  credentials?: { username: string; password: string };
  /** Frames from the broker go out cut in two (a packet spanning frames). */
  isSplitting?: boolean;
}

export async function startMqttServer(
  defer: Defer,
  opts: MqttServerOptions = {},
): Promise<{ url: string; broker: Aedes; pingreqs: () => number }> {
  const broker = await Aedes.createBroker();
  const { credentials } = opts;
  if (credentials)
    broker.authenticate = (_client, username, password, done) =>
      done(null, username === credentials.username && password?.toString() === credentials.password);
  // A refused subscription: SUBACK 0x80 for it (§3.9.3).
  broker.authorizeSubscribe = (_client, sub, done) =>
    done(null, sub.topic.startsWith('forbidden/') ? null : sub);
  let pingreqs = 0;
  broker.on('ping', () => pingreqs++);
  const http = createServer();
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : false),
  });
  wss.on('connection', (ws) => {
    if (opts.isSplitting) {
      const send = ws.send.bind(ws);
      ws.send = ((data: Buffer, ...rest: unknown[]) => {
        const bytes = Buffer.from(data);
        if (bytes.length < 2) return send(bytes, ...(rest as []));
        const cut = Math.floor(bytes.length / 2);
        send(bytes.subarray(0, cut));
        return send(bytes.subarray(cut), ...(rest as []));
      }) as typeof ws.send;
    }
    broker.handle(createWebSocketStream(ws));
  });
  const port = await listenOnLoopback(http);
  // Deferred first so that it runs last, once the servers are closed.
  defer(() => new Promise<void>((resolve) => broker.close(() => resolve())));
  stopAfterTest(defer, wss, http);
  return { url: `ws://127.0.0.1:${port}/mqtt`, broker, pingreqs: () => pingreqs };
}
