// A profile keeps the AsyncAPI document: `wsx @name` checks every message against it, as --asyncapi would.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';
import { configHome } from '../helpers/config-home.js';
import { runWsx } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const quotesDoc = fileURLToPath(new URL('../fixtures/asyncapi/quotes-3.0.yaml', import.meta.url));

describe('a profile with --asyncapi', () => {
  it('saves the document with the profile, and a run of the profile breaks on a message against it (exit 7)', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const { env, file } = configHome('wsx-contract-profile-');
    const saved = await runWsx(
      ['profiles', 'add', 'q', `${server.url}/quotes`, '--asyncapi', quotesDoc, '--contract', 'strict'],
      {
        env,
      },
    );
    expect(saved.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).profiles.q.asyncapi).toBe(quotesDoc);
    const r = await runWsx(['@q', '-x', '{"event":"ping","reqid":"notanumber"}', '--expect', 'ping'], {
      env,
    });
    expect(r.stderr).toMatch(/^wsx: contract: sent ping invalid: \$\.reqid: must be integer/m);
    expect(r.code).toBe(7);
  });
});
