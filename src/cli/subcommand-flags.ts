// The client's flag set for a subcommand that shares the client's connection flags (wsx run, wsx load).

import type { Command } from 'commander';
import type { RawFlags } from './program.js';

/**
 * What the subcommand was given, over the client's own defaults (read from `program`, never restated), for
 * a run with no terminal session, no stdin and none of the line modes' output flags.
 */
export function subcommandFlags(program: Command, flags: Partial<RawFlags>): RawFlags {
  const clientDefaults = Object.fromEntries(
    program.options
      .filter((o) => o.defaultValue !== undefined)
      .map((o) => [o.attributeName(), o.defaultValue as unknown]),
  );
  return {
    ...(clientDefaults as Partial<RawFlags>),
    ...(flags as RawFlags),
    header: flags.header ?? [],
    subprotocol: flags.subprotocol ?? [],
    maskParam: flags.maskParam ?? [],
    tui: false,
    inputFormat: 'raw',
    binaryOut: 'base64',
    jsonl: false,
    wait: '1s',
    execute: [],
    expectations: [],
  };
}
