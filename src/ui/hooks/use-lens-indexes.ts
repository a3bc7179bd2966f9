// The lens's filtered entries and search hits, from caches that live as long as the session.

import { useState } from 'react';
import type { LogBuffer } from '../log/log-buffer.js';
import { LensIndexes, type LensView } from '../log/lens-indexes.js';

const none: LensView = { visible: [], hits: [], filterPattern: undefined };

export function useLensIndexes(log: LogBuffer | undefined, filter: string, search: string): LensView {
  const [indexes] = useState(() => new LensIndexes());
  return log ? indexes.view(log, filter, search) : none;
}
