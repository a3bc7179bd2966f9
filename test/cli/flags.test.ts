// The flag table and what is derived from it: the profile mappings both ways, the config file's check of
// profile keys, and the defaults the help shows, which are the core's.

import { describe, expect, it } from 'vitest';
import { parseFlags } from '../helpers/parse-flags.js';
import type { Profile } from '../../src/config/config-file.js';
import { parseConfig } from '../../src/config/config-file.js';
import { connectionDefaults } from '../../src/core/connection-options.js';
import { WsxError } from '../../src/core/errors.js';
import { buildOptions } from '../../src/cli/options.js';
import {
  attributeName,
  clientFlags,
  flagName,
  type FlagSpec,
  type ProfileValue,
} from '../../src/cli/flags.js';
import { commandFlags } from '../../src/cli/command-flags.js';
import { applyProfile, profileFromFlags } from '../../src/cli/profile-flags.js';
import { buildServerOptions, type ServeFlags } from '../../src/cli/serve-command.js';
import { defaultServerOptions } from '../../src/server/server.js';
import { type RawFlags } from '../../src/cli/program.js';

/** Parses `args` after a placeholder URL, as wsx would. */
const parse = (args: string[]) => parseFlags(['ws://placeholder', ...args]);

const env = { HOME: '/h', SAMPLE_SECRET: 'sample-secret-value' };

/** A value of each profile type, as typed on the command line. */
const typed: Record<ProfileValue, string[] | undefined> = {
  text: ['sample-text'],
  path: ['/etc/wsx/sample.pem'],
  texts: ['first', 'second'],
  headers: undefined,
  reference: ['env:SAMPLE_SECRET'],
  switch: [],
  count: ['3'],
  duration: ['7s'],
  'duration-or-zero': ['0'],
  size: ['512k'],
  proxy: ['http://proxy.test:3128'],
};

function argsFor(spec: FlagSpec): string[] {
  // A flag with choices takes one of them (not its default, so the round trip shows the value coming back).
  const values = spec.choices ? [spec.choices.at(-1)!] : typed[spec.profile!.type];
  if (values === undefined) throw new Error(`no sample for ${spec.profile!.type}`);
  if (values.length === 0) return [flagName(spec)];
  return values.flatMap((value) => [flagName(spec), value]);
}

const mappedByTable = clientFlags.filter((spec) => spec.profile && !spec.profile.isCustom);

function setting(profile: Profile, spec: FlagSpec): unknown {
  const key = spec.profile!;
  const holder = (key.section ? profile[key.section] : profile) as Record<string, unknown> | undefined;
  return holder?.[key.key];
}

describe('the flag table', () => {
  it.each(mappedByTable.map((spec) => [flagName(spec), spec] as const))(
    '%s goes into a profile and comes back out as the same flag value',
    (_name, spec) => {
      const given = parse(argsFor(spec));
      const profile = profileFromFlags('ws://example.test/', given.flags, given.isGiven, '/work');
      expect(setting(profile, spec)).toBeDefined();
      const bare = parse([]);
      const applied = applyProfile('p', profile, undefined, bare.flags, bare.isGiven, {
        env,
        readFile: () => Buffer.from(''),
      });
      const attribute = attributeName(spec) as keyof RawFlags;
      const expected =
        spec.profile!.type === 'reference' ? env.SAMPLE_SECRET : (given.flags[attribute] as unknown);
      expect(applied.flags[attribute]).toEqual(expected);
      // A value typed next to the profile wins over it.
      const applyUnder = applyProfile('p', profile, undefined, given.flags, given.isGiven, {
        env,
        readFile: () => Buffer.from(''),
      });
      expect(applyUnder.flags[attribute]).toEqual(given.flags[attribute]);
    },
  );

  it('saves the settings of the hand-mapped keys: headers, credentials by reference, masked params', () => {
    const given = parse([
      '-H',
      'X-Team: core',
      '--bearer-env',
      'SAMPLE_SECRET',
      '--auth-file',
      '/h/creds',
      '--init-env',
      'INIT',
      '--mask-param',
      'sig2',
    ]);
    const profile = profileFromFlags('ws://example.test/', given.flags, given.isGiven, '/work');
    const handMapped = clientFlags.filter((spec) => spec.profile?.isCustom);
    expect(new Set(handMapped.map((spec) => spec.profile!.key))).toEqual(
      new Set(Object.keys(profile).filter((key) => key !== 'url')),
    );
    expect(profile).toEqual({
      url: 'ws://example.test/',
      headers: { 'X-Team': 'core' },
      bearer: 'env:SAMPLE_SECRET',
      basic: 'file:/h/creds',
      init: 'env:INIT',
      maskParams: ['sig2'],
    });
  });

  it('--no-proxy and --no-reconnect are saved as false and come back as the same flags', () => {
    const given = parse(['--no-proxy', '--no-reconnect']);
    const profile = profileFromFlags('ws://example.test/', given.flags, given.isGiven, '/work');
    expect([profile.proxy, profile.reconnect]).toEqual([false, false]);
    const bare = parse([]);
    const applied = applyProfile('p', profile, undefined, bare.flags, bare.isGiven, { env });
    expect([applied.flags.proxy, applied.flags.reconnect]).toEqual([false, false]);
  });

  it('refuses a profile key of the wrong type, naming the key', () => {
    const wrong: Record<ProfileValue, unknown> = {
      text: 42,
      path: 42,
      texts: 'one',
      headers: 42,
      reference: 'literal-secret',
      switch: 'yes',
      count: 0,
      duration: 'soon',
      'duration-or-zero': 'soon',
      size: 'lots',
      proxy: 42,
    };
    const keys = clientFlags.filter((spec) => spec.profile).map((spec) => spec.profile!);
    expect(keys.length).toBeGreaterThan(20);
    for (const key of keys) {
      const value = JSON.stringify(wrong[key.type]);
      const field = key.section ? `"${key.section}": { "${key.key}": ${value} }` : `"${key.key}": ${value}`;
      const text = `{ "profiles": { "a": { "url": "ws://x", ${field} } } }`;
      const path = key.section ? `${key.section}.${key.key}` : key.key;
      expect(() => parseConfig(text, '/c.json')).toThrow(
        new RegExp(`^/c\\.json:1: profiles\\.a\\.${path.replace('.', '\\.')}: `),
      );
    }
  });

  it('gives the core’s defaults: options built from no flags carry connectionDefaults', async () => {
    const { flags } = parse([]);
    const options = await buildOptions('ws://example.test/', flags, {
      env: {},
      isStdinTty: false,
      isStdoutTty: false,
    });
    const d = connectionDefaults;
    expect(options.connection).toMatchObject({
      handshakeTimeoutMs: d.handshakeTimeoutMs,
      maxPayloadBytes: d.maxPayloadBytes,
      maxRedirects: d.maxRedirects,
      heartbeat: { intervalMs: d.heartbeat.intervalMs, timeoutMs: d.heartbeat.timeoutMs },
      queue: { maxMessages: d.queue.maxMessages },
    });
    expect([flags.connectTimeout, flags.maxMessageSize, flags.pingInterval]).toEqual(['10s', '64M', '30s']);
  });

  it('checks a saved value as the flag would, naming the flag', () => {
    const given = parse(['--ping-timeout', '0']);
    expect(() => profileFromFlags('ws://x/', given.flags, given.isGiven, '/w')).toThrow(WsxError);
    expect(() => profileFromFlags('ws://x/', given.flags, given.isGiven, '/w')).toThrow(/--ping-timeout/);
  });

  it('gives wsx serve the server’s own defaults', () => {
    const defaults = Object.fromEntries(
      commandFlags.serve
        .filter((spec) => spec.default !== undefined)
        .map((spec) => [attributeName(spec), spec.default]),
    );
    expect(buildServerOptions(defaults as unknown as ServeFlags)).toEqual(defaultServerOptions);
  });
});
