// env:/file: references: what counts as one, and how each is read (or why it cannot be).

import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSecretRef, parseSecretRef, resolveSecretRef } from '../../src/config/secret-ref.js';

describe('secret references', () => {
  it('parses env:NAME and file:PATH and leaves literals alone', () => {
    expect(parseSecretRef('env:API_TOKEN')).toEqual({ from: 'env', name: 'API_TOKEN' });
    expect(parseSecretRef('file:~/.tokens/x')).toEqual({ from: 'file', path: '~/.tokens/x' });
    expect(isSecretRef('Bearer abc')).toBe(false);
    expect(isSecretRef('env:')).toBe(false);
    expect(isSecretRef('env:NOT VALID')).toBe(false);
    expect(isSecretRef('file:')).toBe(false);
  });

  it('reads an environment variable, and names the setting when it is unset', () => {
    const env = { env: { API_TOKEN: 't0ken-value' } };
    expect(resolveSecretRef({ from: 'env', name: 'API_TOKEN' }, 'profile p: bearer', env)).toBe(
      't0ken-value',
    );
    expect(() => resolveSecretRef({ from: 'env', name: 'MISSING' }, 'profile p: bearer', env)).toThrow(
      'profile p: bearer: environment variable MISSING is not set',
    );
  });

  it('reads a file under ~/ without its trailing newline, and names an unreadable or empty one', () => {
    const home = mkdtempSync(join(tmpdir(), 'wsx-ref-'));
    mkdirSync(join(home, '.tokens'));
    writeFileSync(join(home, '.tokens', 'x'), 'file-secret\n');
    writeFileSync(join(home, 'empty'), '\n');
    const env = { env: { HOME: home } };
    expect(resolveSecretRef({ from: 'file', path: '~/.tokens/x' }, 'w', env)).toBe('file-secret');
    expect(() => resolveSecretRef({ from: 'file', path: '~/nope' }, 'profile p: headers.X', env)).toThrow(
      `profile p: headers.X: cannot read ${join(home, 'nope')}: no such file`,
    );
    expect(() => resolveSecretRef({ from: 'file', path: '~/empty' }, 'w', env)).toThrow(/is empty/);
  });
});
