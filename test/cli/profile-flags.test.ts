// A profile merged under the flags (flags win, references read, secrets recorded), and the profile that
// `profiles add` would save from flags (references kept, literal secrets refused). No socket is opened.

import { describe, expect, it } from 'vitest';
import { parseFlags } from '../helpers/parse-flags.js';
import type { Profile } from '../../src/config/config-file.js';
import { buildOptions, type Environment } from '../../src/cli/options.js';
import { profileFromFlags } from '../../src/cli/profile-flags.js';
import { WsxError } from '../../src/core/errors.js';

const parse = parseFlags;

const environment = (env: NodeJS.ProcessEnv = {}): Environment => ({
  env,
  isStdinTty: false,
  isStdoutTty: false,
  readFile: (path) => {
    if (path === '/h/.tokens/key') return Buffer.from('file-api-key-123\n');
    if (path === '/h/headers.txt') return Buffer.from('X-From-File: hf-value-1\n');
    throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
  },
});

const prod: Profile = {
  url: 'ws://127.0.0.1:9/feed?token={{env.FEED_TOKEN}}',
  headers: { 'X-Team': 'core', 'X-Api-Key': 'file:~/.tokens/key' },
  bearer: 'env:API_TOKEN',
  subprotocols: ['v1'],
  pingInterval: '5s',
  reconnect: true,
  maxRetries: 3,
};
const env = { HOME: '/h', API_TOKEN: 'bearer-secret-42', FEED_TOKEN: 'feed-secret-77' };

function withProfile(args: string[], profile: Profile = prod, vars: NodeJS.ProcessEnv = env) {
  const { url, flags, isGiven } = parse(args);
  return buildOptions(url, flags, environment(vars), { name: 'prod', profile, isGiven });
}

describe('a profile under the flags', () => {
  it('supplies the URL, headers, bearer and settings, and records every secret it read', async () => {
    const options = await withProfile([]);
    expect(options.url).toBe('ws://127.0.0.1:9/feed?token=feed-secret-77');
    expect(options.displayUrl).toBe('ws://127.0.0.1:9/feed?token=***');
    expect(options.connection.headers).toEqual({
      'X-Team': 'core',
      'X-Api-Key': 'file-api-key-123',
      Authorization: 'Bearer bearer-secret-42',
    });
    expect(options.connection.protocols).toEqual(['v1']);
    expect(options.connection.heartbeat).toMatchObject({ intervalMs: 5000 });
    expect(options.connection.reconnect).toEqual({ enabled: true, maxRetries: 3 });
    expect(options.secrets).toEqual(
      expect.arrayContaining(['bearer-secret-42', 'file-api-key-123', 'feed-secret-77']),
    );
    expect(options.secretHeaders.has('x-api-key')).toBe(true);
    expect(options.secretHeaders.has('x-team')).toBe(false);
  });

  it('lets typed flags win: a header of the same name in any case, -s, --ping-interval, --no-reconnect, the URL', async () => {
    const options = await withProfile([
      'ws://127.0.0.1:10/other',
      '-H',
      'x-team: edge',
      '-s',
      'v2',
      '--ping-interval',
      '0',
      '--no-reconnect',
    ]);
    expect(options.url).toBe('ws://127.0.0.1:10/other');
    expect(options.connection.headers?.['x-team']).toBe('edge');
    expect(options.connection.headers?.['X-Team']).toBeUndefined();
    expect(options.connection.protocols).toEqual(['v2']);
    expect(options.connection.heartbeat).toBe(false);
    expect(options.connection.reconnect?.enabled).toBe(false);
  });

  it('a typed --bearer-env replaces the profile bearer; defaults never override the profile', async () => {
    const options = await withProfile(['--bearer-env', 'OTHER'], prod, { ...env, OTHER: 'other-token-9' });
    expect(options.connection.headers?.Authorization).toBe('Bearer other-token-9');
    // --ping-timeout was not typed: its default (10s) stays, the profile's reconnect still applies.
    expect(options.connection.reconnect?.enabled).toBe(true);
  });

  it('stops with the profile and setting named when a referenced variable is unset', async () => {
    const err = await withProfile([], prod, { HOME: '/h', FEED_TOKEN: 'f-123' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WsxError);
    expect((err as WsxError).message).toBe('profile prod: bearer: environment variable API_TOKEN is not set');
  });

  it('reads a header file saved as ~/…, from the home directory', async () => {
    const options = await withProfile([], { ...prod, headerFile: '~/headers.txt' });
    expect(options.connection.headers?.['X-From-File']).toBe('hf-value-1');
    expect(options.secrets).toContain('hf-value-1');
  });

  it('passes a basic reference and a proto name through', async () => {
    const { url, flags, isGiven } = parse([]);
    const profile: Profile = { url: 'ws://127.0.0.1:9', basic: 'env:CREDS', proto: 'jsonrpc' };
    const options = await buildOptions(url, flags, environment({ CREDS: 'ann:pass-word-1' }), {
      name: 'b',
      profile,
      isGiven,
    });
    expect(options.connection.headers?.Authorization).toBe(
      `Basic ${Buffer.from('ann:pass-word-1').toString('base64')}`,
    );
    expect(options.secrets).toEqual(expect.arrayContaining(['ann:pass-word-1', 'pass-word-1']));
    expect(options.proto?.name).toBe('jsonrpc');
  });

  it('with proto socketio, a saved auth reference holding a JSON object is the auth payload, masked', async () => {
    const { url, flags, isGiven } = parse([]);
    const profile: Profile = { url: 'ws://127.0.0.1:9', basic: 'env:SIO', proto: 'socketio' };
    const options = await buildOptions(url, flags, environment({ SIO: '{"token":"sio-secret-9"}' }), {
      name: 's',
      profile,
      isGiven,
    });
    expect(options.proto).toMatchObject({ name: 'socketio', auth: { token: 'sio-secret-9' } });
    expect(options.connection.headers?.Authorization).toBeUndefined();
    expect(options.secrets).toContain('sio-secret-9');
  });

  it('reads a saved init reference as the graphql-ws payload unless --init-env is typed', async () => {
    const profile: Profile = { url: 'ws://127.0.0.1:9', init: 'env:GQL', proto: 'graphql-ws' };
    const vars = { GQL: '{"key":"gql-secret-1"}', OTHER: '{"key":"typed-secret-2"}' };
    const saved = parse([]);
    const options = await buildOptions(saved.url, saved.flags, environment(vars), {
      name: 'g',
      profile,
      isGiven: saved.isGiven,
    });
    expect(options.proto).toEqual({ name: 'graphql-ws', init: { key: 'gql-secret-1' } });
    expect(options.secrets).toContain('gql-secret-1');
    const typed = parse(['--init-env', 'OTHER']);
    const over = await buildOptions(typed.url, typed.flags, environment(vars), {
      name: 'g',
      profile,
      isGiven: typed.isGiven,
    });
    expect(over.proto).toEqual({ name: 'graphql-ws', init: { key: 'typed-secret-2' } });
  });

  it('a typed --proto replaces the profile proto, and a bad saved one fails as --proto would', async () => {
    const { url, flags, isGiven } = parse(['--proto', 'graphql-ws']);
    const profile: Profile = { url: 'ws://127.0.0.1:9', proto: 'jsonrpc' };
    const options = await buildOptions(url, flags, environment(), { name: 'p', profile, isGiven });
    expect(options.proto?.name).toBe('graphql-ws');
    const bad = await withProfile([], { url: 'ws://127.0.0.1:9', proto: 'carrier-pigeon' }).catch(
      (e: unknown) => e,
    );
    expect((bad as WsxError).message).toMatch(/--proto/);
  });
});

/** The profile `profiles add` would save for these flags (parsed by the main program, same options). */
function saved(url: string, args: string[]): Profile {
  const { flags, isGiven } = parse(['ws://placeholder', ...args]);
  return profileFromFlags(url, flags, isGiven, '/work');
}

function refusal(url: string, args: string[]): string {
  try {
    saved(url, args);
  } catch (err) {
    expect(err).toBeInstanceOf(WsxError);
    return (err as WsxError).describe();
  }
  throw new Error('saved it');
}

describe('the profile profiles add saves', () => {
  it('keeps references, never values, and only the settings typed', () => {
    expect(
      saved('wss://api.example.com/ws', [
        '--bearer-env',
        'API_TOKEN',
        '--auth-env',
        'CREDS',
        '--header-file',
        'hdrs.txt',
        '-H',
        'X-Team: core',
        '-H',
        'X-Api-Key: env:API_KEY',
        '--passphrase',
        'file:~/.pass',
        '--ping-interval',
        '5s',
        '--no-reconnect',
      ]),
    ).toEqual({
      url: 'wss://api.example.com/ws',
      headers: { 'X-Team': 'core', 'X-Api-Key': 'env:API_KEY' },
      headerFile: '/work/hdrs.txt',
      bearer: 'env:API_TOKEN',
      basic: 'env:CREDS',
      tls: { passphrase: 'file:~/.pass' },
      reconnect: false,
      pingInterval: '5s',
    });
  });

  it('keeps a {{env.VAR}} placeholder in the URL', () => {
    expect(saved('wss://x/feed?token={{env.FEED}}', []).url).toBe('wss://x/feed?token={{env.FEED}}');
  });

  it('refuses every literal secret, saying how to give it instead', () => {
    expect(refusal('ws://x', ['-H', 'Authorization: Bearer abc'])).toMatch(
      /not saved: -H Authorization looks like a credential.*--bearer-env VAR/,
    );
    expect(refusal('ws://x', ['-H', 'X-Api-Key: k-123'])).toMatch(/-H 'X-Api-Key: env:API_TOKEN'/);
    expect(refusal('ws://x', ['-H', 'Cookie: s=1'])).toMatch(/-H Cookie looks like a credential/);
    expect(refusal('ws://x', ['--auth', 'u:p'])).toMatch(/--auth is a password.*--auth-env/);
    expect(refusal('ws://x', ['--passphrase', 'pw'])).toMatch(/--passphrase is a secret/);
    expect(refusal('ws://u:pw@x', [])).toMatch(/the URL holds a password/);
    expect(refusal('ws://x/?access_token=abc', [])).toMatch(/\{\{env\.VAR\}\}/);
    expect(refusal('ws://x', ['--proxy', 'http://u:pw@proxy:3128'])).toMatch(/--proxy URL holds a password/);
  });

  it('checks values as the flags would', () => {
    expect(refusal('ws://x', ['--ping-interval', '3x'])).toMatch(/--ping-interval: "3x" is not a duration/);
    expect(refusal('ftp://x', [])).toMatch(/unsupported scheme/);
  });
});
