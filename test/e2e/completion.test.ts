// Shell completion end to end: a real bash sources `wsx completion bash` and runs its function the way
// readline would (COMP_WORDS, COMP_CWORD), with `wsx` on the PATH so profile names are read live; the zsh
// and fish scripts must at least parse in their shells.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { protocolNames } from '../../src/protocols/index.js';
import { describe, expect, it } from 'vitest';
import { runWsx, wsxBin } from '../helpers/run-wsx.js';

const hasShell = (name: string) => spawnSync(name, ['-c', 'true'], { stdio: 'ignore' }).status === 0;

/** A PATH with a `wsx` that runs the built bin, a config with two profiles, and a folder of files. */
function sandbox() {
  const dir = mkdtempSync(join(tmpdir(), 'wsx-completion-'));
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'wsx'), `#!/bin/sh\nexec "${process.execPath}" "${wsxBin}" "$@"\n`);
  chmodSync(join(bin, 'wsx'), 0o755);
  const config = join(dir, 'config', 'wsx');
  mkdirSync(config, { recursive: true });
  writeFileSync(
    join(config, 'config.json'),
    JSON.stringify({
      profiles: { prod: { url: 'wss://prod.example/ws' }, stage: { url: 'ws://s.example' } },
    }),
  );
  const work = join(dir, 'work');
  mkdirSync(work);
  writeFileSync(join(work, 'login.wsx'), 'send hi\n');
  writeFileSync(join(work, 'logout.wsx'), 'send bye\n');
  const env = {
    PATH: `${bin}:${process.env.PATH ?? ''}`,
    XDG_CONFIG_HOME: join(dir, 'config'),
    HOME: dir,
  };
  return { dir, env, work };
}

/** The sandbox and the bash script, made once: each completion below only runs bash (and wsx for profiles). */
let bashSandbox: Promise<ReturnType<typeof sandbox> & { scriptFile: string }> | undefined;
function bashScript() {
  return (bashSandbox ??= (async () => {
    const box = sandbox();
    const script = (await runWsx(['completion', 'bash'], { env: box.env })).stdout;
    const scriptFile = join(box.work, '..', 'wsx.bash');
    writeFileSync(scriptFile, script);
    return { ...box, scriptFile };
  })());
}

/** What bash's completion function offers for `line` (the cursor at its end). */
async function complete(line: string): Promise<string[]> {
  const { env, work, scriptFile } = await bashScript();
  const words = line.split(' ');
  const driver = [
    `source ${JSON.stringify(scriptFile)}`,
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')})`,
    `COMP_CWORD=${words.length - 1}`,
    `COMP_LINE=${JSON.stringify(line)}`,
    `COMP_POINT=${line.length}`,
    '_wsx',
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join('\n');
  const result = spawnSync('bash', ['--norc', '--noprofile', '-c', driver], {
    cwd: work,
    env,
    encoding: 'utf8',
    timeout: 10_000,
  });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((w) => w !== '');
}

describe('wsx completion', () => {
  it('bash completes subcommands, flags read from the program, --proto names, profiles and files', async () => {
    expect(await complete('wsx pro')).toEqual(['profiles']);
    // Flags of every group, including ones only the program knows (no hand-written list to forget).
    const flags = await complete('wsx --');
    expect(flags).toEqual(expect.arrayContaining(['--proxy', '--bearer-env', '--expect-json', '--help']));
    expect(flags).not.toContain('--port');
    expect(await complete('wsx serve --p')).toEqual(expect.arrayContaining(['--port']));
    // The names come from the codecs' own list, so a new protocol completes without a change here.
    expect(await complete('wsx --proto ')).toEqual([...protocolNames]);
    expect(await complete('wsx --binary-out h')).toEqual(['hex']);
    expect(await complete('wsx @')).toEqual(['@prod', '@stage']);
    expect(await complete('wsx --profile st')).toEqual(['stage']);
    expect(await complete('wsx profiles rm p')).toEqual(['prod']);
    expect(await complete('wsx profiles ')).toEqual(['add', 'rm']);
    // A flag's value is skipped, not taken for a subcommand: `run` after --header's value still counts.
    expect((await complete('wsx run --url ws://x log')).sort()).toEqual(['login.wsx', 'logout.wsx']);
    expect(await complete('wsx completion --')).not.toContain('--list-profiles');
  });

  it('--list-profiles prints the profile names, and nothing for a broken config', async () => {
    const { env, dir } = sandbox();
    expect((await runWsx(['completion', '--list-profiles'], { env })).stdout).toBe('prod\nstage\n');
    writeFileSync(join(dir, 'config', 'wsx', 'config.json'), '{not json');
    const broken = await runWsx(['completion', '--list-profiles'], { env });
    expect(broken).toMatchObject({ code: 0, stdout: '' });
  });

  it('an unknown shell is a usage error naming the shells', async () => {
    const result = await runWsx(['completion', 'tcsh']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/wsx: no completion for "tcsh".*bash, zsh, fish/);
  });

  it.skipIf(!hasShell('zsh'))('the zsh script parses and completes --proto in zsh', async () => {
    const { env, dir } = sandbox();
    const file = join(dir, 'wsx.zsh');
    writeFileSync(file, (await runWsx(['completion', 'zsh'], { env })).stdout);
    expect(spawnSync('zsh', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    // Run the function as bashcompinit's wrapper does (sh emulation); zsh's compadd then filters by prefix.
    const driver = `source ${file}; emulate sh; setopt kshglob noshglob braceexpand
      COMP_WORDS=(wsx --proto ""); COMP_CWORD=2; _wsx; printf "%s\\n" "\${COMPREPLY[@]}"`;
    const loaded = spawnSync('zsh', ['-f', '-c', driver], { encoding: 'utf8', env, cwd: dir });
    expect(loaded).toMatchObject({ status: 0, stderr: '' });
    expect(loaded.stdout).toBe(`${protocolNames.join('\n')}\n`);
  });

  it.skipIf(!hasShell('fish'))('the fish script parses and completes profiles in fish', async () => {
    const { env, dir } = sandbox();
    const file = join(dir, 'wsx.fish');
    writeFileSync(file, (await runWsx(['completion', 'fish'], { env })).stdout);
    expect(spawnSync('fish', ['-n', file], { encoding: 'utf8' })).toMatchObject({ status: 0, stderr: '' });
    const proto = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C 'wsx --proto '`], {
      encoding: 'utf8',
      env,
    });
    expect(proto.stdout.split('\n').map((l) => l.split('\t')[0])).toEqual(
      expect.arrayContaining(['raw', 'socketio', 'graphql-ws']),
    );
    const at = spawnSync('fish', ['--no-config', '-c', `source ${file}; complete -C 'wsx @'`], {
      encoding: 'utf8',
      env,
    });
    expect(at.stdout).toMatch(/@prod/);
  });
});
