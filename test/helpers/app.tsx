// Renders the interactive App for a component test: the defaults every test shares, cleanup after the test.

import { render } from 'ink-testing-library';
import { App, type AppProps } from '../../src/ui/App.js';
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
