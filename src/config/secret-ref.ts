// Secret references: a config value `env:NAME` or `file:PATH` names where a secret lives, so the secret
// itself is never written into a config file; it is read at run time and masked in every output.

import { WsxError } from '../core/errors.js';
import { readLocalFile } from '../text/local-file.js';
import { describeIoError } from '../text/io-error.js';
import { expandHome } from './paths.js';

/** A token, password or key file is bytes to kilobytes; 1 MiB is generous and bounds memory. */
const maxSecretBytes = 1024 * 1024;

export type SecretRef = { from: 'env'; name: string } | { from: 'file'; path: string };

/** `env:NAME` or `file:PATH` → the reference; anything else → undefined (a literal value). */
export function parseSecretRef(value: string): SecretRef | undefined {
  const env = /^env:([A-Za-z_][A-Za-z0-9_]*)$/.exec(value);
  if (env) return { from: 'env', name: env[1]! };
  if (value.startsWith('file:') && value.length > 'file:'.length)
    return { from: 'file', path: value.slice(5) };
  return undefined;
}

export function isSecretRef(value: string): boolean {
  return parseSecretRef(value) !== undefined;
}

export interface ResolveEnvironment {
  env: NodeJS.ProcessEnv;
  readFile?: (path: string) => Buffer;
}

/**
 * The value `ref` points at: the environment variable, or the file's text without its trailing newline
 * (`~/` is the home directory). `where` names the setting in the error, e.g. `profile prod: bearer`.
 * Throws an 'invalid-option' WsxError (exit 2) for an unset variable or an unreadable file.
 */
export function resolveSecretRef(ref: SecretRef, where: string, env: ResolveEnvironment): string {
  if (ref.from === 'env') {
    const value = env.env[ref.name];
    if (value === undefined || value === '')
      throw new WsxError('invalid-option', `${where}: environment variable ${ref.name} is not set`);
    return value;
  }
  const path = expandHome(ref.path, env.env);
  let text: string;
  try {
    text = (env.readFile ?? ((p: string) => readLocalFile(p, maxSecretBytes)))(path).toString('utf8');
  } catch (err) {
    throw new WsxError('invalid-option', `${where}: ${describeIoError(err, path)}`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new WsxError('invalid-option', `${where}: ${path} is empty`);
  return value;
}
