// docs/flags.md is generated from the flag tables; this keeps the committed file equal to them.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { flagsMarkdown } from '../../src/cli/flags-doc.js';
import { clientFlags } from '../../src/cli/flags.js';

describe('docs/flags.md', () => {
  it('is what the flag table produces', () => {
    const committed = readFileSync(new URL('../../docs/flags.md', import.meta.url), 'utf8');
    expect(
      committed,
      'docs/flags.md differs from the flag table: run `npm run docs:flags` and commit it',
    ).toBe(flagsMarkdown());
  });

  it('lists every visible flag with its default', () => {
    const doc = flagsMarkdown();
    for (const spec of clientFlags) {
      expect(doc).toContain(`| \`${spec.flags}\` |`);
      if (typeof spec.default === 'string') expect(doc).toContain(`| \`${spec.default}\` |`);
    }
  });
});
