// The Artillery peer of the load benchmark: its script runs in Artillery's ws engine and its counters are
// read from Artillery's own report. Needs Artillery in bench/.peers/ (npm run bench installs it).

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error a plain .mjs of the benchmark, without types
import * as untypedPeer from '../../bench/artillery-peer.mjs';
import { cleanupAfterEach, serverUntilCleanup } from '../helpers/cleanup.js';

const { artilleryBin, artilleryCounts, artilleryEnv, artilleryScript } = untypedPeer as {
  artilleryBin: string;
  artilleryEnv: Record<string, string>;
  artilleryScript: (
    file: string,
    o: { url: string; conns: number; arrivalsPerSec: number; messages?: number; thinkMs?: number },
  ) => string;
  artilleryCounts: (report: string) => { sent: number; received: number; created: number; failed: number };
};
const defer = cleanupAfterEach();
const hasArtillery = existsSync(artilleryBin);

describe('the Artillery peer (bench/artillery-peer.mjs)', () => {
  it('keeps Artillery out of git and out of the package', async () => {
    const r = spawn('git', ['check-ignore', '-q', 'bench/.peers/node_modules/artillery/package.json']);
    expect(await new Promise((resolve) => r.on('close', resolve))).toBe(0);
    // Not a dependency: npm run bench installs it on demand.
    const pkg = (await import('../../package.json', { with: { type: 'json' } })).default as {
      devDependencies: Record<string, string>;
    };
    expect(Object.keys(pkg.devDependencies)).not.toContain('artillery');
  });

  it.skipIf(!hasArtillery)(
    "counts each virtual user's sends and the echoes it waited for, from Artillery's own report",
    async () => {
      const server = await serverUntilCleanup(defer, { mode: 'echo' });
      const dir = mkdtempSync(join(tmpdir(), 'wsx-artillery-'));
      const script = artilleryScript(join(dir, 'script.json'), {
        url: server.url,
        conns: 4,
        arrivalsPerSec: 20,
        messages: 3,
        thinkMs: 10,
      });
      const report = join(dir, 'report.json');
      const child = spawn(process.execPath, [artilleryBin, 'run', '--output', report, script], {
        env: { ...process.env, ...artilleryEnv },
        stdio: 'ignore',
      });
      const code = await new Promise((resolve) => child.on('close', resolve));
      expect(code).toBe(0);
      expect(artilleryCounts(report)).toEqual({ sent: 12, received: 12, created: 4, failed: 0 });
      // Every message reached the server, each echoed once.
      expect(server.received.filter((m) => m.startsWith('artillery ')).length).toBe(12);
    },
    60_000,
  );
});
