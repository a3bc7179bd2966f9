import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { keysMarkdown, helpPanel, hintFor } from '../../../src/ui/keys/key-help.js';
import type { Key, KeyName } from '../../../src/ui/keys/decode-keys.js';
import { actionFor, keyTable, parseKeySpec } from '../../../src/ui/keys/key-table.js';

const key = (
  name: KeyName,
  mods: { ctrl?: boolean; meta?: boolean } = {},
  char?: string,
): Key & { kind: 'key' } => ({
  kind: 'key' as const,
  name,
  ctrl: mods.ctrl ?? false,
  meta: mods.meta ?? false,
  shift: false,
  ...(char === undefined ? {} : { char }),
});

describe('the key table', () => {
  it('docs/keys.md is what the key table produces', () => {
    const committed = readFileSync(new URL('../../../docs/keys.md', import.meta.url), 'utf8');
    expect(committed, 'docs/keys.md differs from the key table: run `npm run docs:keys`').toBe(
      keysMarkdown(),
    );
  });

  it('binds no key twice in one context, so the reducer never has to guess', () => {
    const seen = new Map<string, string>();
    for (const binding of keyTable)
      for (const [spec, action] of Object.entries(binding.keys)) {
        // A typed command (/help) is text the input line handles, not a key.
        if (action === undefined) continue;
        const id = `${binding.context} ${JSON.stringify(parseKeySpec(spec))}`;
        expect(seen.get(id), `${spec} in ${binding.context}`).toBeUndefined();
        seen.set(id, spec);
      }
    expect(seen.size).toBeGreaterThan(40);
  });

  it('reads the keys as the help writes them', () => {
    expect(parseKeySpec('Ctrl+X')).toEqual({ name: 'char', char: 'x', ctrl: true, meta: false });
    expect(parseKeySpec('Alt+←')).toEqual({ name: 'left', ctrl: false, meta: true });
    expect(parseKeySpec('Shift+Tab')).toEqual({ name: 'backtab', ctrl: false, meta: false });
    expect(parseKeySpec('N')).toEqual({ name: 'char', char: 'N', ctrl: false, meta: false });
    expect(() => parseKeySpec('Hyper+Q')).toThrow(/cannot read the key "Hyper\+Q"/);
  });

  it('the binding naming more modifiers wins; a plain letter ignores Ctrl+letter', () => {
    expect(actionFor('input', key('enter'))).toBe('submit');
    expect(actionFor('input', key('enter', { meta: true }))).toBe('newLine');
    expect(actionFor('editing', key('left'))).toBe('cursorLeft');
    expect(actionFor('editing', key('left', { ctrl: true }))).toBe('wordLeft');
    // Named keys ignore modifiers the binding does not name: Ctrl+↑ still selects.
    expect(actionFor('log', key('up', { ctrl: true }))).toBe('selectPrevious');
    expect(actionFor('log', key('char', {}, 'j'))).toBe('selectNext');
    expect(actionFor('log', key('char', { ctrl: true }, 'j'))).toBeUndefined();
    expect(actionFor('anywhere', key('char', { ctrl: true }, 'c'))).toBe('quit');
  });

  it('the ? panel and the hint line print the table', () => {
    const log = helpPanel('log');
    expect(log.title).toBe('log');
    expect(log.lines).toContainEqual({
      keys: ['y'],
      help: 'copy it (OSC 52)',
    });
    expect(log.anywhere).toBe(
      'Ctrl+C quit · Ctrl+T timestamps on / off · Ctrl+O pretty JSON on / off · Ctrl+L clear the log',
    );
    // The input topic adds the editing keys the prompt shares.
    expect(helpPanel('input').lines.map((l) => l.keys[0])).toContain('Ctrl+W');
    // One key per action in the hint; Tab focuses the log only in the lens.
    expect(hintFor('log', true)).toContain('↑↓ PgUp PgDn select · End follow');
    expect(hintFor('input', true)).toContain('Tab log');
    expect(hintFor('input', false)).not.toContain('Tab');
  });
});
