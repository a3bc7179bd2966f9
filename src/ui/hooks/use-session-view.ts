// The one hook through which components read the connection: a SessionStore behind useSyncExternalStore.

import { useSyncExternalStore } from 'react';
import type { SessionStore, SessionView } from '../session/session-store.js';

export function useSessionView(store: SessionStore): SessionView {
  return useSyncExternalStore(store.subscribe, store.getView);
}
