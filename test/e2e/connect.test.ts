// Reaching real-world servers: TLS, headers and auth, handshake view, redirects, unix sockets,
// compression, size limits and HTTP proxies. Every server and the proxy run on loopback in the test.

import { beforeAll, describe, expect, it } from 'vitest';
import { cleanupAfterEach, stopAfterTest } from '../helpers/cleanup.js';
import { once } from 'node:events';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect as netConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { runWsx, wsxBin } from '../helpers/run-wsx.js';
import { destroyAndClose, listenOnLoopback, startRefusingServer, until } from '../helpers/servers.js';
import { hasTmux, screenOf, screenShows, startTmux, tmux } from '../helpers/tmux.js';

const defer = cleanupAfterEach();

const dir = mkdtempSync(join(tmpdir(), 'wsx-connect-'));
const file = (name: string) => join(dir, name);

beforeAll(() => {
  // A throwaway CA, a server certificate for localhost/127.0.0.1 and a client certificate, all signed by it.
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=wsx test CA',
  );
  writeFileSync(file('san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  for (const name of ['server', 'client']) {
    openssl(
      'req',
      ...ec,
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      `/CN=${name === 'server' ? 'localhost' : 'wsx client'}`,
    );
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      ...(name === 'server' ? ['-extfile', 'san.ext'] : []),
    );
  }
  openssl('pkey', '-in', 'client.key', '-aes256', '-passout', 'pass:pw-1', '-out', 'client-enc.key');
});

interface Seen {
  headers: IncomingMessage['headers'][];
  url: string[];
}

/** An echo server on `server` (http or https) that records each upgrade request's headers. */
async function echoOn(
  server: Server,
  opts: ConstructorParameters<typeof WebSocketServer>[0] = {},
): Promise<{ port: number; seen: Seen }> {
  const seen: Seen = { headers: [], url: [] };
  const wss = new WebSocketServer({ server, ...opts });
  wss.on('connection', (ws, req) => {
    seen.headers.push(req.headers);
    seen.url.push(req.url ?? '');
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  });
  const port = await listenOnLoopback(server);
  stopAfterTest(defer, wss, server);
  return { port, seen };
}

function tlsServer(extra: object = {}) {
  return createHttpsServer({
    key: readFileSync(file('server.key')),
    cert: readFileSync(file('server.crt')),
    ...extra,
  });
}

describe('TLS', () => {
  it('connects to wss:// with --ca and refuses without it, naming the unknown CA', async () => {
    const { port } = await echoOn(tlsServer());
    const ok = await runWsx([
      `wss://localhost:${port}`,
      '--ca',
      file('ca.crt'),
      '-x',
      'hi',
      '--expect',
      '^hi$',
    ]);
    expect(ok.code).toBe(0);
    const refused = await runWsx([`wss://localhost:${port}`, '-x', 'hi', '--expect', '^hi$']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain(
      'TLS: the server certificate is signed by an unknown CA (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    );
  });

  it('connects with -k and warns that verification is off', async () => {
    const { port } = await echoOn(tlsServer());
    const r = await runWsx([`wss://127.0.0.1:${port}`, '-k', '-x', 'hi', '--expect', '^hi$']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('TLS certificate verification is off (-k)');
  });

  it('names a host name mismatch as such', async () => {
    const { port } = await echoOn(tlsServer());
    const r = await runWsx([
      `wss://127.0.0.1:${port}`,
      '--ca',
      file('ca.crt'),
      '--servername',
      'other.example',
      '-x',
      'hi',
      '--expect',
      'hi',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      'the server certificate does not match the host name (ERR_TLS_CERT_ALTNAME_INVALID) ' +
        '(connect by a name the certificate lists, or name the one to check with --servername)',
    );
  });

  it('says a plain server does not speak TLS, on one line without OpenSSL internals', async () => {
    const { port } = await echoOn(createHttpServer());
    const r = await runWsx([`wss://127.0.0.1:${port}/`, '-x', 'hi']);
    expect(r.code).toBe(3);
    expect(r.stderr.split('\n')[0]).toBe(
      `wsx: cannot connect to wss://127.0.0.1:${port}/: TLS handshake failed: the server does not speak ` +
        'TLS (wrong version number) (is it a plain ws:// server? try ws:// instead of wss://)',
    );
  });

  it('does mutual TLS with --cert/--key and is refused without them', async () => {
    const { port, seen } = await echoOn(
      tlsServer({ ca: readFileSync(file('ca.crt')), requestCert: true, rejectUnauthorized: true }),
    );
    const url = `wss://localhost:${port}`;
    const ok = await runWsx([
      url,
      '--ca',
      file('ca.crt'),
      '--cert',
      file('client.crt'),
      '--key',
      file('client.key'),
      '-x',
      'hi',
      '--expect',
      '^hi$',
    ]);
    expect(ok.code).toBe(0);
    const refused = await runWsx([url, '--ca', file('ca.crt'), '-x', 'hi', '--expect', 'hi']);
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(/wsx: cannot connect to .*(TLS|network error)/);
    expect(seen.headers).toHaveLength(1);
  });

  it('reads an encrypted --key with --passphrase, and names a missing or wrong one as a usage error', async () => {
    const { port } = await echoOn(
      tlsServer({ ca: readFileSync(file('ca.crt')), requestCert: true, rejectUnauthorized: true }),
    );
    const base = [
      `wss://localhost:${port}`,
      '--ca',
      file('ca.crt'),
      '--cert',
      file('client.crt'),
      '--key',
      file('client-enc.key'),
    ];
    const ok = await runWsx([...base, '--passphrase', 'pw-1', '-x', 'hi', '--expect', '^hi$']);
    expect(ok.code).toBe(0);
    const missing = await runWsx([...base, '-x', 'hi']);
    expect([missing.code, missing.stderr]).toEqual([
      2,
      'wsx: --key is encrypted (give its passphrase with --passphrase)\n',
    ]);
    const wrong = await runWsx([...base, '--passphrase', 'nope', '-x', 'hi']);
    expect([wrong.code, wrong.stderr]).toEqual([2, 'wsx: --passphrase does not decrypt --key\n']);
  });

  it.skipIf(!hasTmux)(
    'asks for the passphrase of an encrypted --key on a terminal, without echoing it',
    async () => {
      const { port } = await echoOn(
        tlsServer({ ca: readFileSync(file('ca.crt')), requestCert: true, rejectUnauthorized: true }),
      );
      const status = file('pass-status');
      const command = `NO_COLOR=1 ${process.execPath} ${wsxBin} wss://localhost:${port} --ca ${file('ca.crt')} --cert ${file('client.crt')} --key ${file('client-enc.key')} -x hi --expect '^hi$'; echo $? > ${status}.part; mv ${status}.part ${status}`;
      const session = startTmux(
        defer,
        'wsx-pass',
        [100, 20],
        ['bash', '--norc', '-c', `${command}; sleep 5`],
      );
      const screen = () => screenOf(session);
      await screenShows(session, 'Passphrase for --key:');
      tmux('send-keys', '-t', session, 'pw-1', 'Enter');
      await until(
        () => existsSync(status),
        5000,
        () => screen(),
      );
      // The status file appears whole (written, then renamed), so an empty read is not a race.
      expect({ status: readFileSync(status, 'utf8').trim(), screen: screen() }).toMatchObject({
        status: '0',
      });
      expect(screen()).not.toContain('pw-1');
    },
  );

  it('rejects --cert without --key as a usage error', async () => {
    const r = await runWsx(['wss://localhost:1', '--cert', file('client.crt')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wsx: --cert and --key go together\n');
  });
});

describe('headers, auth, subprotocols, origin', () => {
  it('sends every header exactly as given and shows the chosen subprotocol', async () => {
    const { port, seen } = await echoOn(createHttpServer(), {
      handleProtocols: (protocols) => (protocols.has('chat.v1') ? 'chat.v1' : false),
    });
    writeFileSync(file('headers.txt'), '# a comment\nX-Api-Key: key-from-file\n\nX-Tenant: acme\n');
    const r = await runWsx(
      [
        `ws://127.0.0.1:${port}/p`,
        '-H',
        'X-Trace: abc 123',
        '--header-file',
        file('headers.txt'),
        '--bearer-env',
        'WSX_TOKEN',
        '-s',
        'chat.v2',
        '-s',
        'chat.v1',
        '-o',
        'https://app.example',
        '-x',
        'hi',
        '--expect',
        'hi',
      ],
      { env: { WSX_TOKEN: 'tok-123' } },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('wsx: the server chose subprotocol chat.v1\n');
    expect(seen.headers[0]).toMatchObject({
      'x-trace': 'abc 123',
      'x-api-key': 'key-from-file',
      'x-tenant': 'acme',
      authorization: 'Bearer tok-123',
      'sec-websocket-protocol': 'chat.v2,chat.v1',
      origin: 'https://app.example',
    });
  });

  it('sends Basic auth from --auth, --auth-env and user:pass@ in the URL', async () => {
    const { port, seen } = await echoOn(createHttpServer());
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    await runWsx([`ws://127.0.0.1:${port}`, '--auth', 'ann:pw1', '-x', 'a', '--expect', 'a']);
    await runWsx([`ws://127.0.0.1:${port}`, '--auth-env', 'CREDS', '-x', 'a', '--expect', 'a'], {
      env: { CREDS: 'bob:pw2' },
    });
    await runWsx([`ws://cy:p%40w3@127.0.0.1:${port}`, '-x', 'a', '--expect', 'a']);
    expect(seen.headers.map((h) => h.authorization)).toEqual([
      basic('ann:pw1'),
      basic('bob:pw2'),
      basic('cy:p@w3'),
    ]);
  });

  it('names a missing environment variable as a usage error', async () => {
    const r = await runWsx(['ws://127.0.0.1:1', '--bearer-env', 'WSX_NOT_SET_ANYWHERE']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('wsx: --bearer-env: environment variable WSX_NOT_SET_ANYWHERE is not set\n');
  });

  it('--show-handshake prints request and response headers and never a secret', async () => {
    const { port } = await echoOn(createHttpServer());
    writeFileSync(file('secret-headers.txt'), 'X-Api-Key: file-secret-9f8e7d\n');
    const secrets = ['bearer-secret-1a2b3c', 'file-secret-9f8e7d', 'cookie-secret-5x6y', 'pw-secret-4q5r'];
    const r = await runWsx(
      [
        `ws://user:pw-secret-4q5r@127.0.0.1:${port}/chat`,
        '--show-handshake',
        '--header-file',
        file('secret-headers.txt'),
        '-H',
        'Cookie: sid=cookie-secret-5x6y',
        '-H',
        'X-Probe: visible',
        '--bearer-env',
        'T',
        '-x',
        'hi',
        '--expect',
        'hi',
        '-v',
      ],
      { env: { T: 'bearer-secret-1a2b3c' } },
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('> GET /chat HTTP/1.1');
    // Names as they went on the wire: the user's case, and ws's own Sec-WebSocket-Key.
    expect(r.stderr).toContain('> Authorization: ***');
    expect(r.stderr).toContain('> X-Api-Key: ***');
    expect(r.stderr).toContain('> Cookie: ***');
    expect(r.stderr).toContain('> X-Probe: visible');
    expect(r.stderr).toMatch(/^> Sec-WebSocket-Key: \S+$/m);
    expect(r.stderr).toContain('< HTTP/1.1 101 Switching Protocols');
    expect(r.stderr).toMatch(/< sec-websocket-accept: \S+/);
    for (const secret of secrets) expect(r.stdout + r.stderr).not.toContain(secret);
  });
  it('--header-file with a short value masks the value only, never part of the name', async () => {
    const { port, seen } = await echoOn(createHttpServer());
    writeFileSync(file('short-headers.txt'), 'X-Token: tok\n');
    const r = await runWsx([
      `ws://127.0.0.1:${port}/`,
      '--show-handshake',
      '--header-file',
      file('short-headers.txt'),
      '-x',
      'hi',
      '--expect',
      'hi',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^> X-Token: \*\*\*$/m);
    expect(r.stderr).not.toContain('***en');
    expect(seen.headers[0]!['x-token']).toBe('tok');
  });
});

describe('error text', () => {
  it('prints an HTML refusal body as its meaningful lines, and a -v stack on real lines', async () => {
    const page =
      '<!DOCTYPE html>\n<html>\n<head><title>401 Authorization Required</title></head>\n<body>\n' +
      '<center><h1>401 Authorization Required</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n';
    const refusing = await startRefusingServer(
      `HTTP/1.1 401 Unauthorized\r\nContent-Type: text/html\r\nContent-Length: ${page.length}\r\n\r\n${page}`,
    );
    defer(() => refusing.close());
    const r = await runWsx([`${refusing.url}/`, '-x', 'hi', '-v']);
    expect(r.code).toBe(3);
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe(
      `wsx: cannot connect to ${refusing.url}/: server answered HTTP/1.1 401 Unauthorized instead of ` +
        'upgrading: 401 Authorization Required | nginx (check credentials: -H, --auth, --bearer-env)',
    );
    expect(r.stderr).not.toContain('\\n');
    expect(lines[1]).toMatch(/^WsxError: server answered HTTP\/1\.1 401/);
    expect(lines[2]).toMatch(/^\s+at /);
  });
});

describe('redirects', () => {
  /** An HTTP server that answers every upgrade with a redirect to `location(req)`. */
  async function redirector(
    location: (req: IncomingMessage, port: number) => string,
    make = () => createHttpServer(),
  ) {
    const server = make();
    const seen: IncomingMessage['headers'][] = [];
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      seen.push(req.headers);
      socket.end(`HTTP/1.1 302 Found\r\nLocation: ${location(req, port)}\r\nContent-Length: 0\r\n\r\n`);
    });
    const port = await listenOnLoopback(server);
    defer(() => new Promise((r) => server.close(r)));
    return { port, seen };
  }

  it('follows a redirect with -L and otherwise says to use it', async () => {
    const target = await echoOn(createHttpServer());
    const from = await redirector(() => `ws://127.0.0.1:${target.port}/moved`);
    const followed = await runWsx([`ws://127.0.0.1:${from.port}/old`, '-L', '-x', 'hi', '--expect', '^hi$']);
    expect(followed.code).toBe(0);
    expect(target.seen.url).toEqual(['/moved']);
    const notFollowed = await runWsx([`ws://127.0.0.1:${from.port}/old`, '-x', 'hi', '--expect', 'hi']);
    expect(notFollowed.code).toBe(3);
    expect(notFollowed.stderr).toContain(
      'HTTP/1.1 302 Found instead of upgrading (the server redirects; add -L to follow)',
    );
  });

  it('stops after --max-redirects', async () => {
    const loop = await redirector((req, port) => `ws://127.0.0.1:${port}${req.url}x`);
    const r = await runWsx([
      `ws://127.0.0.1:${loop.port}/`,
      '-L',
      '--max-redirects',
      '2',
      '-x',
      'hi',
      '--expect',
      'hi',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('Maximum redirects exceeded');
    expect(loop.seen).toHaveLength(3);
  });

  it('drops Authorization, Cookie and Proxy-Authorization on a cross-origin redirect, keeps them on the same origin', async () => {
    const target = await echoOn(createHttpServer());
    const cross = await redirector(() => `ws://127.0.0.1:${target.port}/`);
    const secrets = [
      '-H',
      'Authorization: Bearer t0ken',
      '-H',
      'Cookie: sid=1',
      '-H',
      'Proxy-Authorization: Basic eA==',
    ];
    const r = await runWsx([`ws://127.0.0.1:${cross.port}/`, '-L', ...secrets, '-x', 'hi', '--expect', 'hi']);
    expect(r.code).toBe(0);
    expect(cross.seen[0]).toMatchObject({ authorization: 'Bearer t0ken', cookie: 'sid=1' });
    expect(target.seen.headers[0]).not.toHaveProperty('authorization');
    expect(target.seen.headers[0]).not.toHaveProperty('cookie');
    expect(target.seen.headers[0]).not.toHaveProperty('proxy-authorization');

    // Same origin: one server that redirects /a to /b and upgrades /b.
    const same = createHttpServer();
    const wss = new WebSocketServer({ noServer: true });
    const sameSeen: IncomingMessage['headers'][] = [];
    same.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      if (req.url === '/a')
        return void socket.end(`HTTP/1.1 302 Found\r\nLocation: /b\r\nContent-Length: 0\r\n\r\n`);
      sameSeen.push(req.headers);
      wss.handleUpgrade(req, socket, head, (ws) => ws.on('message', (d) => ws.send(String(d))));
    });
    const port = await listenOnLoopback(same);
    defer(() => {
      for (const c of wss.clients) c.terminate();
      same.closeAllConnections();
      return new Promise((r) => same.close(r));
    });
    const kept = await runWsx([`ws://127.0.0.1:${port}/a`, '-L', ...secrets, '-x', 'hi', '--expect', 'hi']);
    expect(kept.code).toBe(0);
    expect(sameSeen[0]).toMatchObject({ authorization: 'Bearer t0ken', cookie: 'sid=1' });
  });

  it('refuses a redirect from wss:// to ws:// and never contacts the plain server', async () => {
    const plain = await echoOn(createHttpServer());
    const secure = await redirector(
      () => `ws://127.0.0.1:${plain.port}/`,
      () => tlsServer(),
    );
    const r = await runWsx([
      `wss://localhost:${secure.port}/`,
      '--ca',
      file('ca.crt'),
      '-L',
      '-H',
      'Authorization: Bearer s3cret',
      '-x',
      'hi',
      '--expect',
      'hi',
    ]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(
      `refused a redirect from wss://localhost:${secure.port}/ to ws://127.0.0.1:${plain.port}/: it would drop TLS`,
    );
    expect(plain.seen.headers).toHaveLength(0);
  });
});

describe('transport', () => {
  it('reaches a server on a unix socket with ws+unix://', async () => {
    const server = createHttpServer();
    const wss = new WebSocketServer({ server });
    wss.on('connection', (ws, req) => ws.send(`path=${req.url}`));
    const sock = file('wsx.sock');
    server.listen(sock);
    await once(server, 'listening');
    defer(() => {
      for (const c of wss.clients) c.terminate();
      return new Promise((r) => server.close(r));
    });
    const r = await runWsx([`ws+unix://${sock}:/over/unix`, '--expect', '^path=/over/unix$']);
    expect(r.code).toBe(0);
  });

  it('negotiates permessage-deflate with --compress, says so, and round-trips 1 MiB', async () => {
    const { port, seen } = await echoOn(createHttpServer(), { perMessageDeflate: true });
    const big = 'abc'.repeat(349_526).slice(0, 1024 * 1024);
    const r = await runWsx([`ws://127.0.0.1:${port}`, '--compress', '--wait', '300ms'], {
      input: `${big}\n`,
      killAfterMs: 10_000,
    });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('wsx: compression: the server accepted permessage-deflate\n');
    expect(r.stdout).toBe(`${big}\n`);
    expect(seen.headers[0]!['sec-websocket-extensions']).toContain('permessage-deflate');
    // Off by default.
    await runWsx([`ws://127.0.0.1:${port}`, '--wait', '0'], { input: 'x\n' });
    expect(seen.headers[1]).not.toHaveProperty('sec-websocket-extensions');
  });

  it('closes with 1009 and exits 5 when a message exceeds --max-message-size', async () => {
    const server = createHttpServer();
    const wss = new WebSocketServer({ server });
    const closeCode = new Promise<number>((resolve) =>
      wss.on('connection', (ws) => {
        ws.on('close', (code) => resolve(code));
        ws.send('z'.repeat(2048));
      }),
    );
    const port = await listenOnLoopback(server);
    defer(
      () =>
        new Promise((r) => {
          wss.close();
          server.closeAllConnections();
          server.close(r);
        }),
    );
    const r = await runWsx([`ws://127.0.0.1:${port}`, '--max-message-size', '1k', '--expect', 'x']);
    expect(r.code).toBe(5);
    expect(r.stderr).toContain(
      'an incoming message is over the size limit; closed with 1009 (raise --max-message-size)',
    );
    expect(await closeCode).toBe(1009);
  });
});

describe('HTTP proxy (CONNECT)', () => {
  /**
   * A CONNECT proxy with Basic auth that records each tunnel's target. It reaches every target on
   * 127.0.0.1, so a test can name a host that is not loopback (echo.test) without any traffic leaving it.
   */
  async function proxy(user = 'pu', pass = 'pp') {
    const tunnels: string[] = [];
    const server = createHttpServer();
    const sockets = new Set<Socket>();
    server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
      sockets.add(client);
      const expected = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      if (req.headers['proxy-authorization'] !== expected) {
        client.end(
          'HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: 0\r\n\r\n',
        );
        return;
      }
      tunnels.push(req.url ?? '');
      const port = (req.url ?? '').split(':')[1];
      const upstream = netConnect(Number(port), '127.0.0.1', () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    const port = await listenOnLoopback(server);
    defer(() => destroyAndClose(server, sockets));
    return { port, tunnels };
  }

  it('tunnels through --proxy with credentials, and through HTTP_PROXY for a host that is not loopback', async () => {
    const target = await echoOn(createHttpServer());
    const p = await proxy();
    const proxyUrl = `http://pu:pp@127.0.0.1:${p.port}`;
    const viaFlag = await runWsx([
      `ws://127.0.0.1:${target.port}`,
      '--proxy',
      proxyUrl,
      '-x',
      'hi',
      '--expect',
      '^hi$',
    ]);
    expect(viaFlag.code).toBe(0);
    expect(viaFlag.stderr).toBe('');
    const named = `ws://echo.test:${target.port}`;
    const viaEnv = await runWsx([named, '-x', 'hi', '--expect', '^hi$'], {
      env: { HTTP_PROXY: proxyUrl, NO_PROXY: '' },
    });
    expect(viaEnv.code).toBe(0);
    expect(p.tunnels).toEqual([`127.0.0.1:${target.port}`, `echo.test:${target.port}`]);
    // NO_PROXY and --no-proxy would go direct to echo.test, a DNS lookup: test/cli/options.test.ts has them.
    expect(p.tunnels).toHaveLength(2);
  });

  it('never sends loopback through HTTP_PROXY/HTTPS_PROXY unless --proxy names the proxy', async () => {
    const target = await echoOn(createHttpServer());
    const p = await proxy();
    const proxyUrl = `http://pu:pp@127.0.0.1:${p.port}`;
    for (const host of ['127.0.0.1', 'localhost']) {
      const direct = await runWsx([`ws://${host}:${target.port}`, '-x', 'hi', '--expect', '^hi$'], {
        env: { HTTP_PROXY: proxyUrl, HTTPS_PROXY: proxyUrl, ALL_PROXY: proxyUrl, NO_PROXY: '' },
      });
      expect([host, direct.code, direct.stderr]).toEqual([host, 0, '']);
    }
    expect(p.tunnels).toEqual([]);
    expect(target.seen.headers).toHaveLength(2);
  });

  it('names wrong proxy credentials and an unreachable proxy, without printing the password', async () => {
    const target = await echoOn(createHttpServer());
    const p = await proxy();
    const url = `ws://127.0.0.1:${target.port}`;
    const wrong = await runWsx([
      url,
      '--proxy',
      `http://pu:wrong-pass-77@127.0.0.1:${p.port}`,
      '-x',
      'hi',
      '--expect',
      'hi',
    ]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('proxy refused: HTTP/1.1 407 Proxy Authentication Required');
    expect(wrong.stderr).not.toContain('wrong-pass-77');
    const down = await runWsx([url, '--proxy', 'http://pu:pw-88@127.0.0.1:1', '-x', 'hi', '--expect', 'hi']);
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('proxy http://pu:***@127.0.0.1:1 unreachable: connection refused');
    expect(down.stderr).not.toContain('pw-88');
    const ftp = await runWsx([url, '--proxy', 'ftp://127.0.0.1:1']);
    expect(ftp.code).toBe(2);
    expect(ftp.stderr).toContain('ftp proxies are not supported');
  });
});
