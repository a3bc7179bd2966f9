import { describe, expect, it } from 'vitest';
import { completeSavedName } from '../../../src/ui/keys/complete-name.js';

const names = ['hello', 'help', 'ping', 'sub'];

describe('completeSavedName', () => {
  it('completes the only match and adds a space', () => {
    expect(completeSavedName('/send pi', 8, names)).toBe('ng ');
    expect(completeSavedName('/save s', 7, names)).toBe('ub ');
  });

  it('extends to the prefix several names share, and does nothing when it cannot', () => {
    expect(completeSavedName('/send h', 7, names)).toBe('el');
    expect(completeSavedName('/send hel', 9, names)).toBe('');
  });

  it('leaves other lines, a cursor before the end and unknown names to Tab’s usual job', () => {
    expect(completeSavedName('hello', 5, names)).toBeUndefined();
    expect(completeSavedName('/send pi', 3, names)).toBeUndefined();
    expect(completeSavedName('/send zz', 8, names)).toBeUndefined();
    expect(completeSavedName('/send hello a=', 14, names)).toBeUndefined();
  });
});
