// --proto phoenix, signalr and actioncable on the command line: names listed, --init for Phoenix joins.

import { describe, expect, it } from 'vitest';
import { parseFlags } from '../helpers/parse-flags.js';
import { buildOptions } from '../../src/cli/options.js';
import { buildProgram } from '../../src/cli/program.js';
import { WsxError } from '../../src/core/errors.js';

function build(args: string[]) {
  const parsed = parseFlags(args);
  return buildOptions(parsed.url, parsed.flags, {
    env: {},
    isStdinTty: false,
    isStdoutTty: false,
    readFile: () => Buffer.from(''),
  });
}

describe('--proto phoenix, signalr, actioncable', () => {
  it('--help lists them', () => {
    const help = /--proto <name>([\s\S]*?)\(default raw\)/.exec(buildProgram('0.0.0').helpInformation())?.[1];
    for (const name of ['phoenix', 'signalr', 'actioncable']) expect(help).toContain(name);
  });

  it('each is accepted, without --init', async () => {
    for (const name of ['phoenix', 'signalr', 'actioncable'])
      expect((await build(['--proto', name, 'ws://127.0.0.1:9/'])).proto).toEqual({ name });
  });

  it('--init goes into Phoenix joins and is a secret; with signalr it is refused naming both protocols', async () => {
    const options = await build([
      '--proto',
      'phoenix',
      '--init',
      '{"token":"t0ken-xyz"}',
      'ws://127.0.0.1:9/',
    ]);
    expect(options.proto).toEqual({ name: 'phoenix', init: { token: 't0ken-xyz' } });
    expect(options.secrets).toContain('t0ken-xyz');
    const err = await build(['--proto', 'signalr', '--init', '{}', 'ws://127.0.0.1:9/']).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WsxError);
    expect((err as WsxError).message).toBe('--init goes with --proto graphql-ws, phoenix, stomp or mqtt');
  });
});
