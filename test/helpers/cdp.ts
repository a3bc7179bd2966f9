// A small Chrome DevTools Protocol client for the tests: opens a page in headless Chromium with the Network
// domain on and collects what it reports, so tests can build what DevTools itself would (devtools.ts).

import { once } from 'node:events';
import WebSocket from 'ws';

/** One DevTools protocol event: its method and params. */
export interface CdpEvent {
  method: string;
  params: Record<string, unknown>;
}

/** A small DevTools protocol client over the browser target's socket, with flat sessions. */
class Cdp {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly events: CdpEvent[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const msg = JSON.parse(data.toString()) as {
        id?: number;
        result?: unknown;
        error?: { message: string };
        method?: string;
        params?: Record<string, unknown>;
      };
      if (msg.id !== undefined) {
        const p = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.error) p?.reject(new Error(`DevTools: ${msg.error.message}`));
        else p?.resolve(msg.result);
        return;
      }
      if (msg.method) this.events.push({ method: msg.method, params: msg.params ?? {} });
      this.waiters = this.waiters.filter((w) => {
        if (!w.check()) return true;
        w.resolve();
        return false;
      });
    });
  }

  static async connect(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    await once(ws, 'open');
    return new Cdp(ws);
  }

  send<T>(method: string, params: object = {}, sessionId?: string): Promise<T> {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    return new Promise<T>((resolve, reject) =>
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject }),
    );
  }

  /** Resolves once `check` holds for the events so far; rejects after `timeoutMs` naming what came. */
  until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `DevTools: no ${what} within ${timeoutMs} ms; events: ${this.events.map((e) => e.method).join(', ')}`,
            ),
          ),
        timeoutMs,
      );
      this.waiters.push({
        check,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      });
    });
  }

  close(): void {
    this.ws.terminate();
  }
}

/**
 * Opens `pageUrl` in a new tab of the browser at `browserUrl` and collects the Network events until the
 * page's first WebSocket is closed (Network.webSocketClosed) or `timeoutMs` (default 5000) passes.
 */
export async function capturePageNetwork(
  browserUrl: string,
  pageUrl: string,
  timeoutMs = 5000,
): Promise<CdpEvent[]> {
  const cdp = await Cdp.connect(browserUrl);
  try {
    const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', { url: 'about:blank' });
    const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', {
      targetId,
      flatten: true,
    });
    await cdp.send('Network.enable', {}, sessionId);
    await cdp.send('Page.navigate', { url: pageUrl }, sessionId);
    await cdp.until(
      () => cdp.events.some((e) => e.method === 'Network.webSocketClosed'),
      timeoutMs,
      'Network.webSocketClosed',
    );
    await cdp.send('Target.closeTarget', { targetId });
    return cdp.events;
  } finally {
    cdp.close();
  }
}
