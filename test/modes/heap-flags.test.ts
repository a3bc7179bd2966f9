import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { defaultHeapFlagsFor, heapFlagsFor } from '../../src/modes/heap-flags.js';

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

  it("put back, are V8's own values: a code cache made before them is accepted again", () => {
    expect(defaultHeapFlagsFor('14.1.146.11-node.19')).toEqual([]);
    const set = heapFlagsFor(process.versions.v8);
    const reset = defaultHeapFlagsFor(process.versions.v8);
    expect(reset.length).toBe(set.length);
    // V8 checks a cache against a hash of the flags that differ from their defaults.
    const script = `
      const { Script } = require('node:vm');
      const { setFlagsFromString } = require('node:v8');
      const made = new Script('0', { filename: 'before' }).createCachedData();
      const isRejected = (name) => new Script('0', { filename: name, cachedData: made }).cachedDataRejected;
      for (const f of ${JSON.stringify(set)}) setFlagsFromString(f);
      const duringSession = isRejected('during');
      for (const f of ${JSON.stringify(reset)}) setFlagsFromString(f);
      console.log(JSON.stringify({ duringSession, afterSession: isRejected('after') }));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ duringSession: true, afterSession: false });
  });
});
