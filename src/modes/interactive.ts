// Interactive session: placeholder until the Ink UI lands (issue 4).

import { WsxError } from '../core/errors.js';
import type { Options } from '../cli/options.js';

export async function runInteractive(_options: Options): Promise<number> {
  throw new WsxError('invalid-option', 'the interactive session is not built yet', { hint: 'use --no-tui for line mode' });
}
