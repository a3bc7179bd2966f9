// TLS flags: --ca, --cert, --key and its passphrase (asked for on a terminal), -k, --servername.

import { createRequire } from 'node:module';
import type { TlsOptions } from '../core/connection-options.js';
import { usage } from './flag-values.js';
import { readFlagFile, type ReadFile } from './credentials.js';
import type { RawFlags } from './program.js';

/** The flags this file reads, as program.ts declares them. */
export type TlsFlags = Pick<RawFlags, 'ca' | 'cert' | 'key' | 'passphrase' | 'insecure' | 'servername'>;

export interface TlsEnvironment {
  isStdinTty: boolean;
  readFile?: ReadFile;
  /** Asks for a secret on the terminal with echo off; default: prompt.ts on stdin/stderr. */
  askSecret?: (question: string) => Promise<string>;
}

/** PKCS#8 "BEGIN ENCRYPTED PRIVATE KEY" or legacy "Proc-Type: 4,ENCRYPTED". */
export function isEncryptedKey(key: Buffer | string): boolean {
  return /ENCRYPTED/.test(key.toString());
}

/** Fails at once, naming the flag, when --key cannot be read with the --passphrase given (or without one). */
export function checkKey(key: Buffer | string, passphrase: string | undefined): void {
  // Loaded only here: node:crypto costs ~4 ms of start-up that runs without --key do not need.
  const { createPrivateKey } = createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto');
  // Without a passphrase OpenSSL would try to prompt on its own; say what to do instead.
  if (passphrase === undefined && isEncryptedKey(key))
    throw usage('--key is encrypted', 'give its passphrase with --passphrase');
  try {
    createPrivateKey(passphrase === undefined ? { key } : { key, passphrase });
  } catch (err) {
    if (passphrase !== undefined && /bad decrypt/i.test((err as Error).message))
      throw usage('--passphrase does not decrypt --key');
    throw usage(`--key is not a private key in PEM format (${(err as Error).message})`);
  }
}

/**
 * The TLS options for the connection, or undefined when no TLS flag was given. An encrypted --key without
 * --passphrase is asked for when stdin is a terminal; the passphrase is added to `secrets`.
 */
export async function readTls(
  flags: TlsFlags,
  env: TlsEnvironment,
  secrets: string[],
): Promise<TlsOptions | undefined> {
  if ((flags.cert === undefined) !== (flags.key === undefined)) throw usage('--cert and --key go together');
  const tls: TlsOptions = {};
  if (flags.ca) tls.ca = readFlagFile(env.readFile, '--ca', flags.ca);
  if (flags.cert) tls.cert = readFlagFile(env.readFile, '--cert', flags.cert);
  if (flags.key) tls.key = readFlagFile(env.readFile, '--key', flags.key);
  if (flags.passphrase !== undefined) tls.passphrase = flags.passphrase;
  if (tls.key !== undefined) {
    if (tls.passphrase === undefined && isEncryptedKey(tls.key) && env.isStdinTty) {
      const ask = env.askSecret ?? (await import('./prompt.js')).promptHidden;
      tls.passphrase = await ask('Passphrase for --key: ');
    }
    checkKey(tls.key, tls.passphrase);
  }
  if (tls.passphrase) secrets.push(tls.passphrase);
  if (flags.insecure) tls.rejectUnauthorized = false;
  if (flags.servername) tls.servername = flags.servername;
  return Object.keys(tls).length > 0 ? tls : undefined;
}
