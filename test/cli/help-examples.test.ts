// The examples in --help are what people copy: none of them puts a credential on the command line, where
// it lands in shell history and `ps`, against the README's own advice.

import { describe, expect, it } from 'vitest';
import { runWsx } from '../helpers/run-wsx.js';

/** A credential typed as an argument: a header value, a --auth user:pass or JSON, a literal --passphrase. */
const credentialOnArgv =
  /Authorization:\s*(Bearer|Basic)\s|Bearer \$|--auth\s+['"]?[^\s'"-][^\s]*[:{]|--passphrase\s+(?!env:|file:)\S/i;

describe('--help examples', () => {
  it('read secrets from the environment or a file, never from the command line', async () => {
    for (const args of [
      ['--help'],
      ['run', '--help'],
      ['profiles', '--help'],
      ['profiles', 'add', '--help'],
    ]) {
      const r = await runWsx(args);
      expect(r.code).toBe(0);
      const examples = r.stdout.split('\n').filter((line) => /^\s+wsx /.test(line));
      for (const line of examples) expect(line).not.toMatch(credentialOnArgv);
    }
    const main = await runWsx(['--help']);
    expect(main.stdout).toMatch(/wsx wss:\/\/api\.example\.com --bearer-env API_TOKEN -x/);
  });
});
