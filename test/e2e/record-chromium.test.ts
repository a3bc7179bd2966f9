// Recordings made by a real browser: headless Chromium loads a page from a loopback server, the page talks
// over a WebSocket, and what DevTools would save (a HAR) or copy (a curl command) is built from the
// DevTools protocol's events. wsx then replays and converts that HAR, and connects with that curl command.

import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { cleanupAfterEach, stopAfterTest } from '../helpers/cleanup.js';
import { shouldSkipChromium, startChromium, type Chromium } from '../helpers/chromium.js';
import { capturePageNetwork } from '../helpers/cdp.js';
import { curlFrom, harFrom } from '../helpers/devtools.js';
import { serveReplay } from '../helpers/replay.js';
import { runWsx } from '../helpers/run-wsx.js';
import { listenOnLoopback } from '../helpers/servers.js';
import { startSocketIo } from '../protocols/servers.js';

if (shouldSkipChromium)
  console.warn('chromium is not installed: skipping the browser recording tests (.ci/run installs it)');

const defer = cleanupAfterEach();
const dir = mkdtempSync(join(tmpdir(), 'wsx-chromium-rec-'));

// The page: joins with the session id the server handed out, says hello once the room's (binary) state
// has come, closes when it is answered.
const page = `<!doctype html><title>chat</title><script>
const ws = new WebSocket('ws://' + location.host + '/chat?room=lobby');
ws.onmessage = (e) => {
  if (typeof e.data !== 'string') return ws.send(JSON.stringify({ type: 'say', text: 'hello from chromium' }));
  const m = JSON.parse(e.data);
  if (m.type === 'welcome') ws.send(JSON.stringify({ type: 'join', session: m.session }));
  else if (m.type === 'said') ws.close(1000, 'done');
};
</script>`;

/**
 * Serves the page (setting a session cookie, as a login would) and a chat WebSocket on one loopback port:
 * a fresh session id per connection, answered only when it comes back.
 */
async function chatSite(): Promise<{ origin: string; upgrades: IncomingHttpHeaders[] }> {
  const upgrades: IncomingHttpHeaders[] = [];
  const http = createServer((req, res) => {
    res.setHeader('Set-Cookie', 'sid=cookie-secret-77; Path=/; HttpOnly');
    res.setHeader('Content-Type', 'text/html');
    res.end(req.url === '/' ? page : '');
  });
  const wss = new WebSocketServer({ server: http });
  wss.on('headers', (_headers, req) => upgrades.push(req.headers));
  wss.on('connection', (ws) => {
    const session = `s-${randomBytes(5).toString('hex')}`;
    ws.send(JSON.stringify({ type: 'welcome', session }));
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as { type: string; session?: string; text?: string };
      if (msg.type === 'join' && msg.session === session) {
        ws.send(JSON.stringify({ type: 'joined', room: 'lobby' }));
        ws.send(Buffer.from([0, 1, 2, 255]), { binary: true });
      } else if (msg.type === 'join') ws.close(4003, 'bad session');
      else if (msg.type === 'say') ws.send(JSON.stringify({ type: 'said', text: msg.text }));
    });
  });
  const port = await listenOnLoopback(http);
  // Chromium keeps its page connection alive: stopping cuts it too.
  stopAfterTest(defer, wss, http);
  return { origin: `http://127.0.0.1:${port}`, upgrades };
}

describe.skipIf(shouldSkipChromium)('recordings from headless Chromium', () => {
  let started: Promise<Chromium> | undefined;
  const browserUrl = async () => (await (started ??= startChromium())).url;
  afterAll(async () => {
    const chromium = await started?.catch(() => undefined);
    await chromium?.stop();
  });

  it("a HAR built from Chromium's DevTools events replays, and its generated scenario passes against the site and the replay", async () => {
    const site = await chatSite();
    const browser = await browserUrl();
    const capturedAt = Date.now();
    const events = await capturePageNetwork(browser, `${site.origin}/`);
    // Measured: 650 ms with the browser already started (about 0.5 s more to start it).
    expect(Date.now() - capturedAt).toBeLessThan(5000);
    const har = harFrom(events) as {
      log: {
        entries: {
          _resourceType: string;
          _webSocketMessages?: { type: string; opcode: number; data: string }[];
        }[];
      };
    };
    // The document (and the favicon) and the WebSocket, as "Save all as HAR with content" lists them.
    expect(har.log.entries.map((e) => e._resourceType)).toContain('document');
    const sockets = har.log.entries.filter((e) => e._resourceType === 'websocket');
    expect(sockets).toHaveLength(1);
    const messages = sockets[0]!._webSocketMessages!;
    expect(messages.map((m) => `${m.type} ${m.opcode}`)).toEqual([
      'receive 1',
      'send 1',
      'receive 1',
      'receive 2',
      'send 1',
      'receive 1',
    ]);
    const file = join(dir, 'chat.har');
    writeFileSync(file, JSON.stringify(har, null, 2));

    // The replay plays the browser's session: a client that sends what the page sent gets what the page
    // got, the binary frame (base64 in the HAR) byte for byte.
    const replay = await serveReplay(defer, file);
    const joinMessage = messages[1]!.data;
    const replayedRaw = await runWsx(
      [`${replay}/chat?room=lobby`, '--binary-out', 'hex', '--wait', '300ms'],
      {
        input: `${joinMessage}\n`,
      },
    );
    expect(replayedRaw.stdout.split('\n').slice(1, 3)).toEqual([
      '{"type":"joined","room":"lobby"}',
      '000102ff',
    ]);
    expect(replayedRaw.stdout).toMatch(/^\{"type":"welcome","session":"s-[0-9a-f]{10}"\}\n/);

    const generated = await runWsx(['scenario', file]);
    expect(generated.stderr).toBe('');
    expect(generated.code).toBe(0);
    expect(generated.stdout).toContain(`# Generated by wsx scenario from ${file} (har, session 0).`);
    expect(generated.stdout).toContain('capture session = json session');
    expect(generated.stdout).toContain('send {"type":"join","session":"{{session}}"}');
    expect(generated.stdout).toContain('expect json type == "said" within');
    const scenario = join(dir, 'chat.wsx');
    writeFileSync(scenario, generated.stdout);

    const original = await runWsx([
      'run',
      scenario,
      '--url',
      `${site.origin.replace('http', 'ws')}/chat?room=lobby`,
    ]);
    expect(original.stderr).toBe('');
    expect(original.code).toBe(0);
    const replayed = await runWsx(['run', scenario, '--url', `${replay}/chat?room=lobby`]);
    expect(replayed.stderr).toBe('');
    expect(replayed.code).toBe(0);
  }, 20_000);

  it('Copy as cURL: the upgrade request Chromium sent (its cookie included), as DevTools copies it, connects wsx with the same headers and cookie, secrets masked', async () => {
    const site = await chatSite();
    const events = await capturePageNetwork(await browserUrl(), `${site.origin}/`);
    const curl = curlFrom(events);
    const browserUpgrade = site.upgrades[0]!;
    expect(curl).toContain(`curl 'ws://127.0.0.1:${new URL(site.origin).port}/chat?room=lobby' \\\n  -H `);
    expect(curl).toContain("-H 'Cookie: sid=cookie-secret-77'");
    expect(curl).toContain(`-H 'Sec-WebSocket-Key: ${browserUpgrade['sec-websocket-key']}'`);
    expect(curl.endsWith('--compressed')).toBe(true);

    const r = await runWsx([
      '--from-curl',
      curl,
      '--show-handshake',
      '-x',
      '{"type":"say","text":"from curl"}',
      '--expect-json',
      'type=said',
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('{"type":"said","text":"from curl"}');
    const wsxUpgrade = site.upgrades[1]!;
    // What the browser sent, wsx sends: the cookie, the browser's identity, origin and language.
    for (const name of ['cookie', 'user-agent', 'origin', 'accept-language', 'cache-control', 'pragma'])
      expect(wsxUpgrade[name], name).toBe(browserUpgrade[name]);
    // What a WebSocket client must make itself, wsx makes: a fresh key, no extension it did not offer.
    expect(wsxUpgrade['sec-websocket-key']).not.toBe(browserUpgrade['sec-websocket-key']);
    expect(r.stderr).not.toContain('cookie-secret-77');
    expect(r.stderr).toContain('> Cookie: ***');
    // DevTools already left out Host and Accept-Encoding; wsx names the rest it must make itself.
    // (Switches such as --compressed are skipped without a word: they mean nothing for an upgrade.)
    expect(r.stderr.split('\n')[0]).toBe(
      'wsx: --from-curl: dropped Upgrade, Connection, Sec-WebSocket-Key, Sec-WebSocket-Version, ' +
        'Sec-WebSocket-Extensions (the WebSocket client sets them)',
    );
  }, 20_000);

  it("a HAR of a browser's Socket.IO session converts to an event-level scenario that passes against the socket.io server and the replay", async () => {
    const { url: sio } = await startSocketIo(defer);
    // A page speaking Socket.IO v4 over its WebSocket transport by hand, as socket.io-client does on the
    // wire: CONNECT after Engine.IO's open, an emit, an emit with an ack, then it leaves.
    const sioPage = `<!doctype html><script>
const ws = new WebSocket('${sio.replace('http:', 'ws:')}/socket.io/?EIO=4&transport=websocket');
ws.onmessage = (e) => {
  const t = e.data;
  if (t.startsWith('0{')) ws.send('40');
  else if (t.startsWith('42["welcome"')) ws.send('42["echo","from the browser"]');
  else if (t.startsWith('42["echo"')) ws.send('420["add",20,22]');
  else if (t.startsWith('430[')) ws.close(1000);
};
</script>`;
    const http = createServer((_req, res) => res.setHeader('Content-Type', 'text/html').end(sioPage));
    const port = await listenOnLoopback(http);
    defer(async () => {
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    });
    const events = await capturePageNetwork(await browserUrl(), `http://127.0.0.1:${port}/`);
    const file = join(dir, 'sio.har');
    writeFileSync(file, JSON.stringify(harFrom(events)));

    const generated = await runWsx(['scenario', file]);
    expect(generated.stderr).toBe('');
    const steps = generated.stdout.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
    expect(steps).toEqual([
      'proto socketio',
      `connect ${sio.replace('http:', 'ws:')}/`,
      'expect json [0] == "welcome" within 1s',
      'send ["echo","from the browser"]',
      'expect json [0] == "echo" within 1s',
      'send ack ["add",20,22]',
      'expect json ack == 0 within 1s',
      'close',
    ]);
    const scenario = join(dir, 'sio.wsx');
    writeFileSync(scenario, generated.stdout);
    const replay = await serveReplay(defer, file);
    for (const target of [sio, replay]) {
      const run = await runWsx(['run', scenario, '--url', target]);
      expect(run.stderr, target).toBe('');
      expect(run.code, target).toBe(0);
    }
  }, 20_000);
});
