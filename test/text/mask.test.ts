import { describe, expect, it } from 'vitest';
import { maskSecrets, maskUrl } from '../../src/text/mask.js';

describe('maskSecrets', () => {
  it('masks a short secret only where it stands alone, never inside a header name', () => {
    expect(maskSecrets('> X-Token: tok', ['tok'])).toBe('> X-Token: ***');
    expect(maskSecrets('> x-token: tok', ['tok'])).toBe('> x-token: ***');
    expect(maskSecrets('tok tokens mytok "tok"', ['tok'])).toBe('*** tokens mytok "***"');
  });

  it('masks a long secret wherever it occurs, the longest first', () => {
    expect(maskSecrets('Xabcdefgh12Y', ['abcdefgh12'])).toBe('X***Y');
    expect(maskSecrets('user:password-1 password-1', ['password-1', 'user:password-1'])).toBe('*** ***');
  });
});

describe('maskUrl', () => {
  it('masks secret-looking query values, the userinfo password and --mask-param names', () => {
    expect(maskUrl('wss://u:pw@h/p?a=1&token=t1&X-Amz-Signature=s2&sid=s3#f', ['SID'])).toEqual({
      displayUrl: 'wss://u:***@h/p?a=1&token=***&X-Amz-Signature=***&sid=***#f',
      secrets: ['pw', 't1', 's2', 's3'],
    });
  });

  it('leaves names that only contain a secret word alone', () => {
    expect(maskUrl('ws://h/?monkey=1&keyboard=2&tokens=3').displayUrl).toBe(
      'ws://h/?monkey=1&keyboard=2&tokens=3',
    );
  });

  it('masks a token passed as the user name alone', () => {
    expect(maskUrl('https://ghp_token123@h/').displayUrl).toBe('https://***@h/');
  });
});
