// One temporary folder per test run, removed when the run ends. Tests (and the wsx processes, servers and
// browsers they start, which inherit TMPDIR) make their temporary files with os.tmpdir(): pointing it here
// keeps a run from leaving hundreds of folders in /tmp, whether or not each test removed its own.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-tests-'));
  process.env.TMPDIR = dir;
  return () => rmSync(dir, { recursive: true, force: true });
}
