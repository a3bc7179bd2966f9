// The shard examples in examples/load/ run as written, scaled down: their shard and merge commands are
// taken from the YAML, the sizes shrunk, the target pointed at a local server, and run with `sh` as the pod
// or CI job would (wsx being the built bin/wsx.js). A flag renamed in wsx, or an example edited wrong,
// fails here instead of in someone's cluster.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { cleanupAfterEach, serverUntilCleanup, tempDirUntilCleanup } from '../helpers/cleanup.js';
import { wsxBin } from '../helpers/run-wsx.js';

const defer = cleanupAfterEach();
const examples = new URL('../../examples/load/', import.meta.url);

/** Replaces `from` in `text` with `to`, failing when `from` is not there exactly once. */
function swap(text: string, from: string | RegExp, to: string): string {
  const count =
    typeof from === 'string' ? text.split(from).length - 1 : (text.match(new RegExp(from, 'g')) ?? []).length;
  expect(count, `${String(from)} in ${text}`).toBe(1);
  return text.replace(from, to);
}

/** Runs `script` with sh in `cwd`, `wsx` being the built binary; exit code and output. */
function sh(script: string, cwd: string, env: Record<string, string> = {}) {
  const child = spawn('sh', ['-c', `wsx() { "${process.execPath}" "${wsxBin}" "$@"; }\n${script}`], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, out })),
  );
}

/** The shrunk sizes: a few connections for a second instead of thousands for minutes. */
function shrink(command: string, sizes: [RegExp, string][]): string {
  return sizes.reduce((text, [from, to]) => swap(text, from, to), command);
}

describe('examples/load', () => {
  it('the Kubernetes Indexed Job: four shards on a shared folder, started together, then the merge', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const docs = parseAllDocuments(readFileSync(new URL('k8s-indexed-job.yaml', examples), 'utf8')).map(
      (d) =>
        d.toJS() as {
          spec: { completions?: number; template: { spec: { containers: { args: string[] }[] } } };
        },
    );
    const [shardJob, mergeJob] = docs;
    expect(shardJob!.spec.completions).toBe(4);
    const work = tempDirUntilCleanup(defer, 'wsx-load-examples-');
    const results = join(work, 'results');
    const npx = 'npx --yes --package /results/wsx-0.1.0.tgz wsx';
    const shardCommand = shrink(swap(shardJob!.spec.template.spec.containers[0]!.args[0]!, npx, 'wsx'), [
      [/-c 20000\b/, '-c 8'],
      [/--rate 10000\b/, '--rate 80'],
      [/-d 5m\b/, '-d 1s'],
    ]).replaceAll('/results', results);
    const mergeCommand = swap(mergeJob!.spec.template.spec.containers[0]!.args[0]!, npx, 'wsx').replaceAll(
      '/results',
      results,
    );
    mkdirSync(results);
    const startAt = new Date(Date.now() + 1500).toISOString();
    const shards = await Promise.all(
      [0, 1, 2, 3].map((i) =>
        sh(shardCommand, work, { TARGET: server.url, START_AT: startAt, JOB_COMPLETION_INDEX: String(i) }),
      ),
    );
    for (const s of shards) expect(s.code, s.out).toBe(0);
    expect(readdirSync(results).sort()).toEqual([
      'shard-0.hlog',
      'shard-0.json',
      'shard-1.hlog',
      'shard-1.json',
      'shard-2.hlog',
      'shard-2.json',
      'shard-3.hlog',
      'shard-3.json',
    ]);
    const merged = await sh(mergeCommand, work);
    expect(merged.out).toMatch(/8 opened of 8 targeted/);
    const junit = readFileSync(join(results, 'load.xml'), 'utf8');
    expect(junit).toMatch(/<testcase [^>]*name="rtt p99 &lt; 100ms"/);
    // The verdict is the merged thresholds' (on a loaded machine four shards may well miss a p99).
    expect(merged.code, merged.out).toBe(/<failure/.test(junit) ? 6 : 0);
  });

  it('the CI matrix: a shard per job, an artifact each, the merge job’s exit code the verdict', async () => {
    const server = await serverUntilCleanup(defer, { mode: 'echo' });
    const workflow = parse(readFileSync(new URL('github-actions-matrix.yml', examples), 'utf8')) as {
      jobs: Record<string, { strategy?: { matrix: { shard: number[] } }; steps: { run?: string }[] }>;
    };
    const runs = (job: string) => workflow.jobs[job]!.steps.flatMap((s) => (s.run ? [s.run.trim()] : []));
    // wsx is not on the npm registry: the jobs install the tarball the package job packed, never `npm install -g wsx`.
    expect(runs('package')).toContain('npm ci && npm pack');
    for (const job of ['shard', 'merge']) expect(runs(job)).toContain('npm install -g ./wsx-*.tgz');
    const [shardRun] = runs('shard').filter((r) => r.startsWith('wsx load'));
    const [mergeRun] = runs('merge').filter((r) => r.startsWith('wsx load merge'));
    const folder = tempDirUntilCleanup(defer, 'wsx-load-examples-');
    const shards = await Promise.all(
      workflow.jobs.shard!.strategy!.matrix.shard.map((i) =>
        sh(
          shrink(
            swap(
              swap(shardRun!, '${{ vars.WS_TARGET }}', server.url),
              /\$\{\{ matrix\.shard \}\}\/4/,
              `${i}/4`,
            ),
            [
              [/-c 2000\b/, '-c 8'],
              [/--rate 2000\b/, '--rate 80'],
              [/-d 1m\b/, '-d 1s'],
            ],
          ).replaceAll('${{ matrix.shard }}', String(i)),
          folder,
        ),
      ),
    );
    for (const s of shards) expect(s.code, s.out).toBe(0);
    const merged = await sh(mergeRun!, folder);
    expect(merged.out).toMatch(/8 opened of 8 targeted/);
    const junit = readFileSync(join(folder, 'load.xml'), 'utf8');
    expect(junit).toMatch(/<testcase [^>]*name="rtt p99 &lt; 50ms"/);
    expect(merged.code, merged.out).toBe(/<failure/.test(junit) ? 6 : 0);
  });
});
