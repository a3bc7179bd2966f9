import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { renderApp } from '../helpers/app.js';
import { SessionStore } from '../../src/ui/session/session-store.js';
import { Connection } from '../../src/core/connection.js';
import { until, type TestServer } from '../helpers/servers.js';
import { stateReached } from '../helpers/connection.js';
import { frameShows } from '../helpers/ink.js';
import { loadContract, type Contract } from '../../src/contract/index.js';

const defer = cleanupAfterEach();

const quotesDoc = fileURLToPath(new URL('../fixtures/asyncapi/quotes-3.0.yaml', import.meta.url));

function quotesContract(url: string): Contract {
  const loaded = loadContract({
    file: 'quotes.yaml',
    text: readFileSync(quotesDoc, 'utf8'),
    url: `${url}/quotes`,
    role: 'server',
  });
  if ('problem' in loaded) throw new Error(loaded.problem);
  return loaded.contract;
}

async function mountLens(): Promise<{ server: TestServer; instance: ReturnType<typeof renderApp> }> {
  const server = await serverUntilCleanup(defer, { mode: 'silent' });
  const contract = quotesContract(server.url);
  const conn = new Connection({
    url: `${server.url}/quotes`,
    heartbeat: false,
    reconnect: { enabled: false },
  });
  const store = new SessionStore(conn, {
    showPingPong: false,
    flushMs: 5,
    logLimits: { maxEntries: 1000, maxBytes: 1024 * 1024 },
    contract,
  });
  const instance = renderApp(defer, { conn, store, contract, editor: 'false' });
  await stateReached(conn, 'open');
  return { server, instance };
}

describe('contract verdicts in the lens', () => {
  it('marks each row valid, invalid or unknown, and the inspector shows the name, description and errors', async () => {
    const { server, instance } = await mountLens();
    for (const ws of server.clients()) {
      ws.send('{"event":"ticker","pair":"XBT/USD","price":1.5}');
      ws.send('{"event":"ticker","pair":"XBT/USD","price":"high"}');
      ws.send(Buffer.from([1, 2, 3]), { binary: true });
    }
    let frame = await frameShows(instance, '⟨binary 3 B⟩');
    expect(frame).toContain('← ✓ {"event":"ticker","pair":"XBT/USD","price":1.5}');
    expect(frame).toContain('← ✗ {"event":"ticker","pair":"XBT/USD","price":"high"}');
    expect(frame).toContain('← ? ⟨binary 3 B⟩');
    // Tab to the log, up from the binary row to the invalid ticker, Enter inspects it.
    instance.stdin.write('\t');
    instance.stdin.write('\x1b[A');
    instance.stdin.write('\r');
    frame = await frameShows(instance, 'contract:');
    expect(frame).toContain('contract: invalid ticker: A price change, pushed by the server');
    expect(frame).toContain('$.price: must be number (got "high")');
  });

  it('warns before sending a message that breaks the document, and sends it when sent again', async () => {
    const { server, instance } = await mountLens();
    instance.stdin.write('{"event":"subscribe","pair":"btc"}');
    instance.stdin.write('\r');
    await frameShows(instance, 'not sent: subscribe invalid: $.pair: must match pattern');
    expect(server.received).toEqual([]);
    // Up recalls the line; Enter again sends it anyway.
    instance.stdin.write('\x1b[A');
    instance.stdin.write('\r');
    await frameShows(instance, '→ ✗ {"event":"subscribe","pair":"btc"}');
    // The row shows once the line is written to the socket, the server reads it a moment later.
    await until(
      () => server.received.length > 0,
      2000,
      () => 'the server to receive the line',
    );
    expect(server.received).toEqual(['{"event":"subscribe","pair":"btc"}']);
  });
});
