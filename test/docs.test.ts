// The README is a front page that links into docs/; moving a section or renaming a heading must not leave a
// reader on a missing page or anchor. Every relative link in README.md, CONTRIBUTING.md and docs/*.md is
// checked against the files and the headings there (anchors made from headings as GitHub makes them).

import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('..', import.meta.url).pathname;

/** The Markdown files whose links are checked, as paths relative to the project root. */
function documentationFiles(): string[] {
  const docs = readdirSync(join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', 'CONTRIBUTING.md', ...docs];
}

/** The lines outside fenced code blocks (where `# x` is a heading and `[x](y)` a link), numbered from 1. */
function linesOutsideFences(markdown: string): { number: number; text: string }[] {
  const lines: { number: number; text: string }[] = [];
  let fence: string | undefined;
  markdown.split('\n').forEach((text, index) => {
    const marker = /^\s*(```+|~~~+)/.exec(text)?.[1];
    if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length) fence = undefined;
    } else if (marker !== undefined) {
      fence = marker;
    } else {
      lines.push({ number: index + 1, text });
    }
  });
  return lines;
}

/** GitHub's anchor for each heading: lower case, punctuation dropped, spaces as hyphens; repeats get -1, -2. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const { text } of linesOutsideFences(markdown)) {
    const heading = /^#{1,6}\s+(.*?)\s*$/.exec(text)?.[1];
    if (heading === undefined) continue;
    const base = heading
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** Each relative link's target with its line; links inside code (`[a](b)` in backticks) are not links. */
function relativeLinks(markdown: string): { line: number; target: string }[] {
  const links: { line: number; target: string }[] = [];
  for (const { number, text } of linesOutsideFences(markdown)) {
    const prose = text.replace(/(`+)[^`]*?\1/g, '');
    for (const match of prose.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = match[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto: and the like
      links.push({ line: number, target });
    }
  }
  return links;
}

/** The broken links of `file` (relative to `base`), each as `file:line: target (why)`. */
function brokenLinks(file: string, base = root): string[] {
  const from = join(base, file);
  const problems: string[] = [];
  for (const { line, target } of relativeLinks(readFileSync(from, 'utf8'))) {
    const hash = target.indexOf('#');
    const pathPart = hash === -1 ? target : target.slice(0, hash);
    const anchor = hash === -1 ? '' : target.slice(hash + 1);
    const to = pathPart === '' ? from : resolve(dirname(from), decodeURI(pathPart));
    const where = `${file}:${line}: ${target}`;
    if (!existsSync(to)) {
      problems.push(`${where} (no file ${relative(base, to)})`);
    } else if (
      anchor !== '' &&
      !(statSync(to).isFile() && headingAnchors(readFileSync(to, 'utf8')).has(anchor))
    ) {
      problems.push(`${where} (no heading #${anchor} in ${relative(base, to)})`);
    }
  }
  return problems;
}

describe('the documentation links', () => {
  it('point from README.md, CONTRIBUTING.md and docs/*.md to files and headings that exist', () => {
    const files = documentationFiles();
    expect(files).toContain('docs/session.md');
    expect(files.flatMap((file) => brokenLinks(file))).toEqual([]);
  });

  it('are reported when the file or the heading is missing, and ignored inside code', () => {
    const base = mkdtempSync(join(tmpdir(), 'wsx-docs-links-'));
    writeFileSync(join(base, 'other.md'), '# Other page\n\n## STOMP 1.2 (`--proto stomp`)\n');
    writeFileSync(
      join(base, 'page.md'),
      [
        '# Page',
        '[fine](other.md) [fine](other.md#other-page) [fine](other.md#stomp-12---proto-stomp) [fine](#page)',
        '[web](https://example.com/nowhere.md) `[code](missing-in-code.md)`',
        '```',
        '[fenced](missing-in-fence.md)',
        '```',
        '[gone](missing.md) [gone](other.md#no-such-heading) [gone](#nowhere)',
      ].join('\n'),
    );
    expect(brokenLinks('page.md', base)).toEqual([
      'page.md:7: missing.md (no file missing.md)',
      'page.md:7: other.md#no-such-heading (no heading #no-such-heading in other.md)',
      'page.md:7: #nowhere (no heading #nowhere in page.md)',
    ]);
  });

  it('make anchors from headings as GitHub does: punctuation dropped, repeats numbered', () => {
    const anchors = headingAnchors(
      '# One-liners: `-x` and `--expect`\n## Keys\n## Keys\n```\n# not a heading\n```\n',
    );
    expect([...anchors]).toEqual(['one-liners--x-and---expect', 'keys', 'keys-1']);
  });
});
