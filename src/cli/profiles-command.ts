// `wsx profiles`: list, add and remove saved connections in the config file.

import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import type { Profile } from '../config/config-file.js';
import { namePattern } from '../config/names.js';
import { configFile } from '../config/paths.js';
import { maskUrl } from '../text/mask.js';
import { usage } from './flag-values.js';
import type { ProfileFlags } from './profile-flags.js';
import { commandFlags } from './command-flags.js';
import { sharedOptions, toOption } from './program.js';

/** Loaded only when a profiles command runs: a plain `wsx URL` never reads or parses a config file. */
const configModule = () => import('../config/config-file.js');
const writeModule = () => import('../config/config-write.js');

export interface ProfilesIo {
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

function checkName(name: string): void {
  if (!namePattern.test(name))
    throw usage(`"${name}" is not a profile name`, 'use letters, digits, _ . - (e.g. prod, staging-eu)');
}

/** One line per profile: name, URL (secrets masked) and what else it sets. */
export function describeProfile(name: string, profile: Profile): string {
  const parts: string[] = [];
  if (profile.bearer) parts.push(`bearer ${profile.bearer}`);
  if (profile.basic) parts.push(`${profile.proto === 'socketio' ? 'auth' : 'basic'} ${profile.basic}`);
  if (profile.init) parts.push(`init ${profile.init}`);
  const headers = Object.keys(profile.headers ?? {});
  if (headers.length > 0) parts.push(`headers ${headers.join(', ')}`);
  if (profile.headerFile) parts.push(`header file ${profile.headerFile}`);
  if (profile.subprotocols) parts.push(`subprotocol ${profile.subprotocols.join(', ')}`);
  if (profile.proto) parts.push(`proto ${profile.proto}`);
  if (profile.tls) parts.push('tls');
  if (profile.proxy !== undefined) parts.push(profile.proxy === false ? 'no proxy' : 'proxy');
  const messages = Object.keys(profile.messages ?? {}).length;
  if (messages > 0) parts.push(`${messages} saved message${messages === 1 ? '' : 's'}`);
  const url = maskUrl(profile.url, profile.maskParams).displayUrl;
  return `${name}  ${url}${parts.length > 0 ? `  (${parts.join('; ')})` : ''}`;
}

type AddFlags = ProfileFlags & { force?: boolean; fromCurl?: string };

/**
 * `profiles add NAME --from-curl '…'`: the URL and flags the command gives, each secret replaced by an
 * env: reference (from-curl.ts), and the notes saying which variables to set.
 */
async function withCurl(
  name: string,
  urlArg: string | undefined,
  given: AddFlags,
): Promise<{ url: string; flags: AddFlags; notes: string[]; curlGiven: string[] }> {
  if (given.fromCurl === undefined) {
    if (urlArg === undefined) throw usage('missing URL', 'wsx profiles add NAME URL, or NAME --from-curl');
    return { url: urlArg, flags: given, notes: [], curlGiven: [] };
  }
  if (urlArg !== undefined) throw usage('--from-curl names the URL: give no URL with it');
  const { curlForProfile } = await import('./from-curl.js');
  const { credentialHeaders, secretLookingHeader } = await import('./profile-flags.js');
  const command = given.fromCurl === '-' ? readFileSync(0, 'utf8') : given.fromCurl;
  const isSecret = (header: string) =>
    credentialHeaders.includes(header.toLowerCase()) || secretLookingHeader.test(header);
  const c = curlForProfile(name, command, isSecret);
  const flags: AddFlags = {
    ...given,
    header: [...c.header, ...(given.header ?? [])],
    subprotocol: [...c.subprotocol, ...(given.subprotocol ?? [])],
    ...(c.authEnv !== undefined && given.authEnv === undefined && given.authFile === undefined
      ? { authEnv: c.authEnv }
      : {}),
    ...(c.insecure ? { insecure: true } : {}),
    ...(c.location ? { location: true } : {}),
  };
  const notes = c.note ? [c.note] : [];
  if (c.envVars.length > 0)
    notes.push(
      `its secrets were not saved: set ${c.envVars.join(', ')} to their values in the curl command before wsx @${name}`,
    );
  // -k and -L count as given, so the profile keeps them.
  const curlGiven = [...(c.insecure ? ['insecure'] : []), ...(c.location ? ['location'] : [])];
  return { url: c.url, flags, notes, curlGiven };
}

/**
 * `wsx profiles add`: the flags (or --from-curl) as a profile, written under the config's lock. Replacing
 * one needs --force; `isGiven` tells the flags typed from commander's defaults.
 */
async function saveProfile(
  name: string,
  urlArg: string | undefined,
  given: AddFlags,
  isGiven: (key: string) => boolean,
  io: ProfilesIo,
): Promise<void> {
  checkName(name);
  const file = configFile(io.env);
  const { url, flags, notes, curlGiven } = await withCurl(name, urlArg, given);
  const { updateConfig } = await writeModule();
  const { profileFromFlags } = await import('./profile-flags.js');
  const profile = profileFromFlags(url, flags, (key) => isGiven(key) || curlGiven.includes(key), io.cwd);
  // Read, checked and written under the config's lock: parallel adds each keep the others' profiles.
  updateConfig(file, (config) => {
    if (Object.hasOwn(config.profiles, name) && !flags.force)
      throw usage(`profile "${name}" exists`, 'add --force to replace it, or wsx profiles rm it first');
    // A replaced profile keeps its saved messages and vars: they are not connection flags.
    const old = Object.hasOwn(config.profiles, name) ? config.profiles[name] : undefined;
    config.profiles[name] = {
      ...profile,
      ...(old?.vars ? { vars: old.vars } : {}),
      ...(old?.messages ? { messages: old.messages } : {}),
    };
  });
  io.stderr.write(`wsx: saved ${name} in ${file}\n`);
  for (const note of notes) io.stderr.write(`wsx: ${note}\n`);
}

/** Adds `wsx profiles` with its `add` and `rm` subcommands; `done` receives the exit code. */
export function addProfilesCommand(program: Command, io: ProfilesIo, done: () => void): void {
  const file = () => configFile(io.env);
  const profiles = program
    .command('profiles')
    .description('list saved connections; add or remove one (open one with wsx @NAME)')
    .addHelpText(
      'after',
      `\nProfiles live in $XDG_CONFIG_HOME/wsx/config.json (default ~/.config/wsx/config.json).
A secret is never saved: give it as a reference, read when the profile is used:
  wsx profiles add prod wss://api.example.com/ws --bearer-env API_TOKEN
  wsx profiles add stage wss://stage.example.com -H 'X-Api-Key: file:~/.tokens/stage'
  wsx profiles add chat https://chat.example.com --proto socketio --auth-env CHAT_AUTH
A literal credential (-H 'Authorization: Bearer …', --auth, --init, --passphrase) is refused.`,
    )
    .action(async () => {
      const { readConfig } = await configModule();
      const config = readConfig(file());
      const names = Object.keys(config.profiles);
      if (names.length === 0)
        io.stderr.write(`wsx: no profiles in ${file()} (add one with wsx profiles add NAME URL)\n`);
      for (const name of names) io.stdout.write(`${describeProfile(name, config.profiles[name]!)}\n`);
      done();
    });

  const add = profiles
    .command('add')
    .description(
      'save a connection: NAME, its URL and connection flags (secrets only as env:/file: references)',
    )
    .argument('<name>', 'the name to open it by: wsx @NAME')
    .argument('[url]', 'the URL; a secret query value as {{env.VAR}}');
  for (const spec of commandFlags['profiles add']) add.addOption(toOption(spec));
  for (const option of sharedOptions(program, 'profiles add')) add.addOption(option);
  add.action(async (name: string, urlArg: string | undefined, given: AddFlags) => {
    const isGiven = (key: string) => add.getOptionValueSource(key) === 'cli';
    await saveProfile(name, urlArg, given, isGiven, io);
    done();
  });

  profiles
    .command('rm')
    .description('remove a saved connection')
    .argument('<name>', 'the profile to remove')
    .action(async (name: string) => {
      const { updateConfig } = await writeModule();
      updateConfig(file(), (config) => {
        if (!Object.hasOwn(config.profiles, name)) throw usage(`no profile "${name}" in ${file()}`);
        delete config.profiles[name];
      });
      io.stderr.write(`wsx: removed ${name} from ${file()}\n`);
      done();
    });
}
