// Renders the interactive App for a component test: the defaults every test shares, cleanup after the test.

import { render } from 'ink-testing-library';
import { Connection } from '../../src/core/connection.js';
import type { Codec } from '../../src/protocols/codec.js';
import { ProtocolSession } from '../../src/protocols/session.js';
import { App, type AppProps } from '../../src/ui/App.js';
import { SessionStore, type StoreOptions } from '../../src/ui/session/session-store.js';
import type { Defer } from './cleanup.js';

/**
 * Renders App over `props.conn` and `props.store` (dropAfterMs 30 s, no timestamps, no pretty JSON, empty
 * history unless given), starts the connection, and unmounts, disposes and closes after the test.
 */
export function renderApp(
  defer: Defer,
  props: Pick<AppProps, 'conn' | 'store'> & Partial<AppProps>,
): ReturnType<typeof render> {
  const instance = render(
    <App dropAfterMs={30_000} format={{ showTimestamps: false, isPretty: false }} history={[]} {...props} />,
  );
  defer(async () => {
    instance.unmount();
    props.store.dispose();
    await props.conn.close();
  });
  props.conn.start();
  return instance;
}

/**
 * The App as interactive.ts wires it with --proto: the codec's target, a Connection (no heartbeat, no
 * reconnect), a ProtocolSession and a store flushing every 5 ms (`store` adds options), rendered by renderApp.
 */
export function renderProtoApp(defer: Defer, codec: Codec, url: string, store: Partial<StoreOptions> = {}) {
  const target = codec.target(url, []);
  const conn = new Connection({
    url: target.url,
    protocols: target.protocols,
    heartbeat: false,
    reconnect: { enabled: false },
  });
  const proto = new ProtocolSession(conn, codec);
  const sessionStore = new SessionStore(conn, { showPingPong: false, flushMs: 5, proto, ...store });
  const instance = renderApp(defer, { conn, store: sessionStore, proto });
  return { conn, proto, store: sessionStore, instance };
}
