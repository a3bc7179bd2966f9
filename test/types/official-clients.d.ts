// The official clients the protocol test servers are proved against ship no types: what the tests use.

declare module 'phoenix' {
  export interface Push {
    receive(status: string, callback: (response: unknown) => void): Push;
  }
  export interface Channel {
    join(timeout?: number): Push;
    leave(timeout?: number): Push;
    push(event: string, payload: object, timeout?: number): Push;
    on(event: string, callback: (payload: unknown) => void): number;
    onClose(callback: (payload: unknown) => void): void;
    onError(callback: (reason?: unknown) => void): void;
  }
  export class Socket {
    constructor(endpoint: string, opts?: Record<string, unknown>);
    connect(): void;
    disconnect(callback?: () => void, code?: number, reason?: string): void;
    channel(topic: string, params?: object): Channel;
    onOpen(callback: () => void): string;
    onMessage(callback: (msg: { topic: string; event: string; payload: unknown }) => void): string;
  }
}

declare module '@rails/actioncable' {
  export interface Subscription {
    perform(action: string, data?: object): boolean;
    send(data: object): boolean;
    unsubscribe(): void;
    identifier: string;
  }
  export interface Consumer {
    subscriptions: {
      create(
        channel: string | Record<string, unknown>,
        mixin?: {
          connected?: () => void;
          disconnected?: (opts?: { willAttemptReconnect?: boolean }) => void;
          rejected?: () => void;
          received?: (data: unknown) => void;
        },
      ): Subscription;
    };
    connect(): boolean;
    disconnect(): void;
  }
  export function createConsumer(url?: string): Consumer;
  export const adapters: { WebSocket: unknown; logger: unknown };
}
