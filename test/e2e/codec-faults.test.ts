// Hostile servers against the --proto codecs and the handshake's error text, through the built bin/wsx.js.

import { describe, expect, it } from 'vitest';
import { cleanupAfterEach } from '../helpers/cleanup.js';
import { runWsx } from '../helpers/run-wsx.js';
import { startRefusingServer } from '../helpers/servers.js';
import { startHandGraphqlWs, startHandSocketIo, startTextServer } from '../protocols/scripted-servers.js';
import { startSocketIo } from '../protocols/servers.js';

const defer = cleanupAfterEach();

describe('refusal pages', () => {
  it('a refusal page with a character reference past U+10FFFF exits 3 with the page text, no stack', async () => {
    const page = '<html><body><h1>Denied &#x110000; here</h1></body></html>';
    const refusing = await startRefusingServer(
      `HTTP/1.1 403 Forbidden\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
    );
    defer(() => refusing.close());
    for (const args of [[], ['-x', 'hi'], ['--proto', 'jsonrpc']]) {
      const r = await runWsx([...args, `${refusing.url}/`]);
      expect(r.stderr.split('\n')[0]).toBe(
        `wsx: cannot connect to ${refusing.url}/: server answered HTTP/1.1 403 Forbidden instead of upgrading: Denied \uFFFD here (check credentials: -H, --auth, --bearer-env)`,
      );
      expect(r.stderr).not.toMatch(/RangeError|\n\s+at /);
      expect(r.code).toBe(3);
    }
  });
});

describe('held input', () => {
  it('Socket.IO: emits held for a CONNECT that never comes are reported dropped when the connection ends', async () => {
    const server = await startHandSocketIo(defer, {
      // Never answers the CONNECT: closes instead, a little later.
      onConnect: (ws) => setTimeout(() => ws.close(1000), 100),
    });
    const r = await runWsx(['--proto', 'socketio', server.url], { input: '["a",1]\n["b",2]\n' });
    expect(r.stderr).toContain('wsx: 2 messages dropped');
    expect(r.code).not.toBe(0);
  });

  it('graphql-ws: operations held for a connection_ack that never comes are reported dropped', async () => {
    const server = await startTextServer(defer, {
      protocol: 'graphql-transport-ws',
      onFrame: (ws) => setTimeout(() => ws.close(1000), 100),
    });
    const r = await runWsx(['--proto', 'graphql-ws', server.url], { input: '{ hello }\n' });
    expect(r.stderr).toContain('wsx: 1 message dropped');
    expect(r.code).not.toBe(0);
  });

  it("Socket.IO: the protocol's own frames (CONNECT, pongs) are never counted as the user's unconfirmed messages", async () => {
    const server = await startHandSocketIo(defer, {
      // Connects, pings once (the client's pong is the protocol's), then resets on the user's event.
      onConnect: (ws) => {
        ws.send('40{"sid":"n1"}');
        ws.send('2');
      },
      onEvent: (_ws, _packet, tcp) => tcp.resetAndDestroy(),
    });
    const r = await runWsx(['--proto', 'socketio', server.url], { input: '["a",1]\n', keepStdinOpen: true });
    expect(r.stderr).toContain(
      'wsx: 1 message was being written when the connection dropped; delivery unconfirmed',
    );
    expect(r.code).toBe(5);
  });
});

describe('malformed protocol frames', () => {
  it('a bad Socket.IO open packet fails the opening: exit 3, one line, no stack', async () => {
    const server = await startHandSocketIo(defer, { open: '0{bad json' });
    const r = await runWsx(['--proto', 'socketio', server.url], { input: '["a"]\n' });
    expect(r.stderr).toBe(
      "wsx: the server's Engine.IO opening is not valid: its open packet is not JSON (not a Socket.IO server? check the URL and --path)\nwsx: 1 message dropped (still queued when the connection closed)\n",
    );
    expect(r.code).toBe(3);
  });

  it('graphql-ws null and a next without payload print raw with a note, and the run goes on', async () => {
    const server = await startHandGraphqlWs(defer, {
      onSubscribe: (ws, id) => {
        ws.send('null');
        ws.send(`{"id":"${id}","type":"next"}`);
        ws.send(`{"id":"${id}","type":"next","payload":{"data":1}}`);
        ws.send(`{"id":"${id}","type":"complete"}`);
      },
    });
    const r = await runWsx(['--proto', 'graphql-ws', server.url], { input: '{ hello }\n' });
    expect(r.stdout).toBe('null\n{"id":"1","type":"next"}\n{"data":1}\n');
    expect(r.stderr).toBe(
      'wsx: unreadable graphql-ws message: not a JSON object\nwsx: unreadable graphql-ws message: "next" without a payload\n',
    );
    expect(r.code).toBe(0);
  });
});

describe('the order of what is said', () => {
  it('a refused namespace is said first; the ack typed before it is then counted as dropped', async () => {
    const { url } = await startSocketIo(defer);
    const r = await runWsx(
      ['--proto', 'socketio', '--namespace', '/secure', '--auth', '{"token":"no"}', url],
      { input: 'ack ["add",1,2]\n' },
    );
    expect(r.stderr.split('\n')).toEqual([
      'wsx: the Socket.IO server refused namespace /secure: not authorized {"reason":"bad token"} (check --auth and --namespace)',
      'wsx: 1 message dropped (still queued when the connection closed)',
      '',
    ]);
    expect(r.code).toBe(3);
  });
});

describe('JSON flags a double would change', () => {
  it('--auth and --init refuse a number that would not reach the server as written: exit 2', async () => {
    const auth = await runWsx([
      '--proto',
      'socketio',
      '--auth',
      '{"uid":9007199254740993}',
      'ws://127.0.0.1:9',
    ]);
    expect(auth.stderr).toBe(
      'wsx: --auth: the number 9007199254740993 would reach the server changed (a double cannot hold it) (write it as a string: "9007199254740993")\n',
    );
    expect(auth.code).toBe(2);
    const init = await runWsx(['--proto', 'graphql-ws', '--init', '{"n":[1.10,1e400]}', 'ws://127.0.0.1:9']);
    expect(init.stderr).toMatch(/^wsx: --init: the number 1e400 would reach the server changed/);
    expect(init.code).toBe(2);
  });
});

describe('acks left unanswered by a disconnect', () => {
  it('are named in the disconnect line itself, not in a warning printed before it', async () => {
    const { url } = await startSocketIo(defer);
    const r = await runWsx(['--proto', 'socketio', url], {
      input: 'ack ["nothing-answers-this"]\n["kick"]\n',
      keepStdinOpen: true,
    });
    expect(r.stderr).toBe(
      'wsx: the Socket.IO server disconnected namespace / with 1 ack(s) still unanswered\n',
    );
    expect(r.code).toBe(5);
  });
});

describe('Socket.IO timers from the server', () => {
  it('a server that stops pinging is retried with backoff until --max-retries, then exit 5', async () => {
    const server = await startHandSocketIo(defer, {
      open: '0{"sid":"x","upgrades":[],"pingInterval":40,"pingTimeout":40,"maxPayload":1000000}',
    });
    const r = await runWsx(['--proto', 'socketio', '--reconnect', '--max-retries', '2', server.url], {
      keepStdinOpen: true,
    });
    const lines = r.stderr.split('\n');
    expect(lines.filter((l) => /reconnecting in [\d.]+m?s \(attempt [23]\)$/.test(l))).toHaveLength(2);
    expect(lines.at(-2)).toBe(
      `wsx: connection to ${server.url}/ lost: no Socket.IO ping for 80 ms: the server looks dead`,
    );
    expect(server.connections()).toBe(3);
    expect(r.code).toBe(5);
  });
});

describe('a repeated connection_ack', () => {
  it('is ignored: one result per operation, and a line on stderr only with -v', async () => {
    const server = await startTextServer(defer, {
      protocol: 'graphql-transport-ws',
      onFrame: (ws, text) => {
        const msg = JSON.parse(text) as { type: string; id?: string };
        if (msg.type === 'connection_init') {
          ws.send('{"type":"connection_ack"}');
          ws.send('{"type":"connection_ack"}');
        } else if (msg.type === 'subscribe') {
          ws.send(`{"id":"${msg.id}","type":"next","payload":{"data":${msg.id}}}`);
          ws.send(`{"id":"${msg.id}","type":"complete"}`);
        }
      },
    });
    const quiet = await runWsx(['--proto', 'graphql-ws', server.url], { input: '{ a }\n' });
    expect(quiet.stdout).toBe('{"data":1}\n');
    expect(quiet.stderr).toBe('');
    expect(quiet.code).toBe(0);
    const verbose = await runWsx(['--proto', 'graphql-ws', '-v', server.url], { input: '{ a }\n' });
    expect(verbose.stderr).toContain('wsx: ignored a repeated graphql-ws connection_ack\n');
    expect(server.received.filter((f) => f.includes('"subscribe"'))).toHaveLength(2);
  });
});
