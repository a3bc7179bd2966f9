import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli/program.js';
import { needsFullProgram, subcommandNames } from '../../src/cli/programs.js';
import { addSubcommands } from '../../src/cli/subcommands.js';

const argv = (...args: string[]) => ['node', 'wsx', ...args];

describe('the choice between the plain-run and the full program', () => {
  it('names every subcommand the full program has, so none of them ever starts in the plain one', () => {
    const program = buildProgram('0.0.0');
    addSubcommands(program, () => {});
    expect([...program.commands.map((c) => c.name()), 'help'].sort()).toEqual([...subcommandNames].sort());
  });

  it('gives a session, a pipe and a one-liner the plain program', () => {
    expect(needsFullProgram(argv('ws://127.0.0.1:8080'))).toBe(false);
    expect(needsFullProgram(argv('ws://h/', '-x', 'ping', '--expect', '^pong$', '--timeout', '5s'))).toBe(
      false,
    );
    expect(
      needsFullProgram(argv('wss://h/', '-q', '--wait', '0', '-H', 'X-A: 1', '--record', 'r.jsonl')),
    ).toBe(false);
  });

  it('gives the full program every run that may need what the plain one leaves out', () => {
    for (const args of [
      ['load', 'ws://h/', '-c', '2'],
      ['serve', '--port', '0'],
      ['run', 'a.wsx'],
      ['scenario', 's.jsonl'],
      ['profiles', 'list'],
      ['completion', 'bash'],
      ['help'],
      ['--help'],
      ['-h'],
      ['-qh'],
      ['@prod'],
      ['--profile', 'prod'],
      ['ws://h/', '--proto', 'socketio'],
      ['ws://h/', '--proto=mqtt'],
      ['--from-curl', "curl 'wss://h/'"],
      ['--demo'],
    ])
      expect(needsFullProgram(argv(...args)), args.join(' ')).toBe(true);
  });
});
