import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { heapFlagsFor } from '../../src/modes/heap-flags.js';

describe('the session heap flags', () => {
  it('are set on the V8 of Node 20, 22 and 24, where they were measured, and on no other', () => {
    const flags = ['--semi-space-growth-factor=1', '--heap-growing-percent=50'];
    expect(heapFlagsFor('11.3.244.8-node.33')).toEqual(flags); // Node 20
    expect(heapFlagsFor('12.4.254.21-node.57')).toEqual(flags); // Node 22
    expect(heapFlagsFor('13.6.233.17-node.63')).toEqual(flags); // Node 24
    expect(heapFlagsFor('14.1.146.11-node.19')).toEqual([]);
    expect(heapFlagsFor('10.2.154.26-node.26')).toEqual([]);
  });

  it('are all known to the V8 running the tests: none prints "unrecognized flag"', () => {
    const flags = heapFlagsFor(process.versions.v8);
    expect(flags.length).toBeGreaterThan(0);
    const run = spawnSync(
      process.execPath,
      ['-e', `for (const f of ${JSON.stringify(flags)}) require('node:v8').setFlagsFromString(f)`],
      { encoding: 'utf8' },
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
