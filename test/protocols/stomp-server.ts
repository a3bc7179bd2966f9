// A small STOMP 1.2 broker over ws for tests, written from the specification and proven faithful by driving
// it with @stomp/stompjs (test/protocols/stomp-server.test.ts): exact-match destinations, receipts, acks,
// heart-beats, ERROR frames, and frames batched or split across WebSocket messages on demand.

import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { stopAfterTest, type Defer } from '../helpers/cleanup.js';
import { listenOnLoopback } from '../helpers/servers.js';
import { encodeFrame, header, StompReader, type StompFrame } from '../../src/protocols/stomp-frame.js';

export interface StompServerOptions {
  /** Accepted login and passcode; a CONNECT with others gets an ERROR. Default: anyone. */
  credentials?: { login: string; passcode: string };
  /** What the server offers in CONNECTED's heart-beat, ms. Default 0,0. */
  heartBeat?: [sendMs: number, wantMs: number];
  /** Stop sending heart-beats after CONNECTED (a server that went quiet). */
  isSilent?: boolean;
  /**
   * How the frames answering one client message go out: each in its own message (default), all in one
   * message, or each cut in two messages.
   */
  framing?: 'whole' | 'batched' | 'split';
  /** The subprotocols it accepts. Default v12.stomp, v11.stomp. */
  subprotocols?: string[];
}

interface Subscription {
  ws: WebSocket;
  id: string;
  destination: string;
  ack: string;
}

export interface StompServer {
  url: string;
  /** Every frame clients sent, in order (heart-beats left out). */
  frames: StompFrame[];
  /** Heart-beats (end-of-lines) received from clients. */
  heartBeats: () => number;
  /** The subprotocol chosen per connection, in order. */
  protocols: string[];
  connections: () => number;
}

export async function startStompServer(defer: Defer, opts: StompServerOptions = {}): Promise<StompServer> {
  const http = createServer();
  const offered = opts.subprotocols ?? ['v12.stomp', 'v11.stomp'];
  const wss = new WebSocketServer({
    server: http,
    handleProtocols: (protocols) => offered.find((p) => protocols.has(p)) ?? false,
  });
  const frames: StompFrame[] = [];
  const protocols: string[] = [];
  const subscriptions: Subscription[] = [];
  let beats = 0;
  let nextMessageId = 1;
  let connections = 0;

  wss.on('connection', (ws) => {
    connections++;
    protocols.push(ws.protocol);
    const reader = new StompReader();
    let isConnected = false;
    let beatTimer: NodeJS.Timeout | undefined;
    let outbox: Buffer[] = [];
    const out = (command: string, headers: [string, string][], body: Buffer | string = '') =>
      outbox.push(encodeFrame(command, headers, body));
    const flush = () => {
      const pending = outbox;
      outbox = [];
      if (pending.length === 0 || ws.readyState !== ws.OPEN) return;
      switch (opts.framing ?? 'whole') {
        case 'whole':
          for (const f of pending) ws.send(f.toString('utf8'));
          return;
        case 'batched':
          ws.send(Buffer.concat(pending).toString('utf8'));
          return;
        case 'split':
          // Cut inside the frame's bytes (binary frames: a cut may fall inside a UTF-8 sequence).
          for (const f of pending) {
            const cut = Math.floor(f.length / 2);
            ws.send(f.subarray(0, cut));
            ws.send(f.subarray(cut));
          }
      }
    };
    const fail = (message: string, body: string, receipt?: string) => {
      out(
        'ERROR',
        [['message', message], ...(receipt ? [['receipt-id', receipt] as [string, string]] : [])],
        body,
      );
      flush();
      // §ERROR: the server closes the connection after sending an ERROR frame.
      ws.close();
    };
    ws.on('close', () => {
      clearInterval(beatTimer);
      for (let i = subscriptions.length - 1; i >= 0; i--)
        if (subscriptions[i]!.ws === ws) subscriptions.splice(i, 1);
    });
    ws.on('message', (data: Buffer) => {
      let got: ReturnType<StompReader['push']>;
      try {
        got = reader.push(data);
      } catch (err) {
        fail('malformed frame received', (err as Error).message);
        return;
      }
      for (const frame of got) {
        if (frame === 'heartbeat') {
          beats++;
          continue;
        }
        frames.push(frame);
        const receipt = header(frame, 'receipt');
        if (!isConnected && frame.command !== 'CONNECT' && frame.command !== 'STOMP') {
          fail('not connected', `${frame.command} before CONNECT`);
          return;
        }
        switch (frame.command) {
          case 'CONNECT':
          case 'STOMP': {
            const versions = (header(frame, 'accept-version') ?? '1.0').split(',');
            const version = ['1.2', '1.1'].find((v) => versions.includes(v));
            if (!version) return fail('unsupported protocol version', `supported: 1.2, 1.1`);
            const { credentials } = opts;
            if (
              credentials &&
              (header(frame, 'login') !== credentials.login ||
                header(frame, 'passcode') !== credentials.passcode)
            )
              return fail('Access refused for user', 'bad login or passcode');
            const [cx, cy] = (header(frame, 'heart-beat') ?? '0,0').split(',').map(Number) as [
              number,
              number,
            ];
            const [sx, sy] = opts.heartBeat ?? [0, 0];
            const sendEveryMs = sx === 0 || cy === 0 ? 0 : Math.max(sx, cy);
            if (sendEveryMs > 0 && !opts.isSilent)
              beatTimer = setInterval(() => ws.readyState === ws.OPEN && ws.send('\n'), sendEveryMs);
            void cx;
            isConnected = true;
            out('CONNECTED', [
              ['version', version],
              ['heart-beat', `${sx},${sy}`],
              ['session', `session-${connections}`],
              ['server', 'wsx-test-stomp/1.0'],
            ]);
            break;
          }
          case 'SUBSCRIBE': {
            const destination = header(frame, 'destination');
            const id = header(frame, 'id');
            if (!destination || id === undefined)
              return fail('bad SUBSCRIBE', 'destination and id are required');
            if (destination.startsWith('/forbidden/'))
              return fail('access denied', `no access to ${destination}`, receipt);
            subscriptions.push({ ws, id, destination, ack: header(frame, 'ack') ?? 'auto' });
            break;
          }
          case 'UNSUBSCRIBE': {
            const i = subscriptions.findIndex((s) => s.ws === ws && s.id === header(frame, 'id'));
            if (i >= 0) subscriptions.splice(i, 1);
            break;
          }
          case 'SEND': {
            const destination = header(frame, 'destination');
            if (!destination) return fail('bad SEND', 'a destination is required', receipt);
            const passOn = frame.headers.filter(
              ([n]) => !['destination', 'receipt', 'content-length', 'transaction'].includes(n),
            );
            for (const sub of subscriptions.filter((s) => s.destination === destination)) {
              const id = `m-${nextMessageId++}`;
              const frameOut = encodeFrame(
                'MESSAGE',
                [
                  ['destination', destination],
                  ['message-id', id],
                  ['subscription', sub.id],
                  ...(sub.ack === 'auto' ? [] : [['ack', id] as [string, string]]),
                  ...passOn,
                ],
                frame.body,
              );
              if (sub.ws === ws) outbox.push(frameOut);
              else if (sub.ws.readyState === sub.ws.OPEN) sub.ws.send(frameOut.toString('utf8'));
            }
            break;
          }
          case 'ACK':
          case 'NACK':
          case 'BEGIN':
          case 'COMMIT':
          case 'ABORT':
            break;
          case 'DISCONNECT':
            if (receipt) out('RECEIPT', [['receipt-id', receipt]]);
            flush();
            ws.close();
            return;
          default:
            return fail('unknown command', frame.command, receipt);
        }
        if (receipt) out('RECEIPT', [['receipt-id', receipt]]);
      }
      flush();
    });
  });

  const port = await listenOnLoopback(http);
  stopAfterTest(defer, wss, http);
  return {
    url: `ws://127.0.0.1:${port}/ws`,
    frames,
    heartBeats: () => beats,
    protocols,
    connections: () => connections,
  };
}
