// The commander program as a user meets it: help, version and the ignored-flag warning, from the built wsx.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { defaultTypedDeadlineMs } from '../../src/modes/interactive.js';
import { formatDuration } from '../../src/text/duration.js';
import { runWsx } from '../helpers/run-wsx.js';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';

const defer = cleanupAfterEach();
const version = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('help and version', () => {
  it('`wsx help` prints the help and exits 0 instead of connecting to ws://help/', async () => {
    const r = await runWsx(['help']);
    expect([r.code, r.stderr]).toEqual([0, '']);
    expect(r.stdout).toContain('Usage: wsx [options] <url>');
    expect(r.stdout).toContain('--mask-param <name>');
    const serve = await runWsx(['help', 'serve']);
    expect([serve.code, serve.stdout]).toEqual([0, expect.stringContaining('Usage: wsx serve [options]')]);
  });

  it('--version and -V print the version from package.json', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await runWsx([flag]);
      expect([r.code, r.stdout, r.stderr]).toEqual([0, `${version}\n`, '']);
    }
  });

  it('--help names both --drop-after defaults: the interactive one and never', async () => {
    const r = await runWsx(['--help']);
    // Commander wraps descriptions to the terminal width: read the help as one line.
    expect(r.stdout.replace(/\s+/g, ' ')).toContain(
      `--drop-after <duration> drop a message not sent within this time (default: ${formatDuration(defaultTypedDeadlineMs)} in the interactive session; never in pipe and script runs)`,
    );
  });
});

describe('flags the chosen mode ignores', () => {
  it('print one warning line on stderr and the run goes on', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const r = await runWsx([server.url, '--pretty', '--timestamps', '--wait', '200ms'], { input: 'hi\n' });
    expect([r.code, r.stdout]).toEqual([0, 'hi\n']);
    expect(r.stderr).toBe(
      'wsx: --pretty and --timestamps do nothing in pipe mode; ignored (see wsx --help)\n',
    );
    const quiet = await runWsx([server.url, '--pretty', '-q', '--wait', '200ms'], { input: 'hi\n' });
    expect([quiet.code, quiet.stderr]).toEqual([0, '']);
  });
});
