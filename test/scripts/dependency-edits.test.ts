// The build edits ink and @alcalzone/ansi-tokenize for speed and bounded memory (scripts/dependency-edits.mjs).
// Each edited module, bundled the way the build bundles it, must give exactly what the original
// gives: frames, styled text and measurements.

import { Chalk } from 'chalk';
import { build } from 'esbuild';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { editDependencies } from '../../scripts/dependency-edits.mjs';

interface OutputLike {
  write(x: number, y: number, text: string, options: { transformers: ((s: string) => string)[] }): void;
  clip(clip: { x1?: number; x2?: number; y1?: number; y2?: number }): void;
  unclip(): void;
  get(): { output: string; height: number };
}
interface Modules {
  Output: new (size: { width: number; height: number }) => OutputLike;
  measureText: (text: string) => { width: number; height: number };
  wrapText: (text: string, maxWidth: number, wrapType: string) => string;
  tokenize: (text: string) => unknown[];
  styledCharsFromTokens: (tokens: unknown[]) => unknown[];
  styledCharsToString: (chars: unknown[]) => string;
  stringWidth: (text: string, options?: { ambiguousIsNarrow?: boolean }) => number;
}

const require = createRequire(import.meta.url);
const inkBuild = dirname(require.resolve('ink'));
// ansi-tokenize as ink itself finds it: nested under ink, or beside it (it exports only `import`).
const tokenizeIndex = [join(inkBuild, '../node_modules'), join(inkBuild, '../..')]
  .map((modules) => join(modules, '@alcalzone/ansi-tokenize/build/index.js'))
  .find((path) => existsSync(path))!;
const sources = {
  output: join(inkBuild, 'output.js'),
  measureText: join(inkBuild, 'measure-text.js'),
  wrapText: join(inkBuild, 'wrap-text.js'),
  tokenize: tokenizeIndex,
  // string-width as ink finds it (not wrap-ansi's older copy, which the build leaves alone).
  stringWidth: createRequire(join(inkBuild, 'output.js')).resolve('string-width'),
};
const entry = [
  `export { default as Output } from ${JSON.stringify(sources.output)};`,
  `export { default as measureText } from ${JSON.stringify(sources.measureText)};`,
  `export { default as wrapText } from ${JSON.stringify(sources.wrapText)};`,
  `export { tokenize, styledCharsFromTokens, styledCharsToString } from ${JSON.stringify(sources.tokenize)};`,
  `export { default as stringWidth } from ${JSON.stringify(sources.stringWidth)};`,
].join('\n');

let work: string;
let edited: Modules;
let original: Modules;
let bundleText: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'wsx-edits-'));
  const outfile = join(work, 'edited.mjs');
  await build({
    stdin: { contents: entry, resolveDir: inkBuild, loader: 'js' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    outfile,
    plugins: [editDependencies],
    logLevel: 'silent',
  });
  bundleText = readFileSync(outfile, 'utf8');
  edited = (await import(pathToFileURL(outfile).href)) as Modules;
  const [output, measure, wrap, tokenize, width] = await Promise.all([
    import(pathToFileURL(sources.output).href),
    import(pathToFileURL(sources.measureText).href),
    import(pathToFileURL(sources.wrapText).href),
    import(pathToFileURL(sources.tokenize).href),
    import(pathToFileURL(sources.stringWidth).href),
  ]);
  original = {
    Output: output.default,
    measureText: measure.default,
    wrapText: wrap.default,
    tokenize: tokenize.tokenize,
    styledCharsFromTokens: tokenize.styledCharsFromTokens,
    styledCharsToString: tokenize.styledCharsToString,
    stringWidth: width.default,
  };
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const c = new Chalk({ level: 3 });
const link = (url: string, text: string) => `\x1b]8;;${url}\x07${text}\x1b]8;;\x07`;
const lines = [
  '',
  'plain text, nothing styled',
  `${c.green('←')} {"seq":7,"price":${c.yellow('12.5')}}`,
  c.bold.dim(`bold and dim ${c.red('red inside')} back`),
  `${c.bgBlue.white(' status ')}${c.reset(' reset ')}${c.underline('under')}`,
  `${c.strikethrough(c.red('✕ dropped'))} ${c.dim('not sent in time')}`,
  `wide: 漢字テキスト ${c.cyan('色')} and emoji 👍🏽 🇫🇷 done`,
  `${c.hex('#ff8800')('truecolour')} ${c.ansi256(202)('256')} ${c.inverse('inverse')}`,
  `${link('https://example.com', c.blue('a link'))} after`,
  `\x1b[1mopen bold never closed`,
];

describe('the edited @alcalzone/ansi-tokenize', () => {
  it('turns every line into the same styled cells and back into the same string', () => {
    for (const line of lines) {
      const mine = edited.styledCharsFromTokens(edited.tokenize(line));
      const theirs = original.styledCharsFromTokens(original.tokenize(line));
      expect(mine).toEqual(theirs);
      expect(edited.styledCharsToString(mine)).toBe(original.styledCharsToString(theirs));
    }
  });
});

describe('the edited string-width', () => {
  it('edits the bundle: the emoji regex built at its first use, narrow text measured as its length', () => {
    expect(bundleText).toContain('wsxRgiEmojiRegex ??=');
    expect(bundleText).toMatch(/ambiguousIsNarrow && \w*[iI]sNarrowText\(string\)/);
  });

  it('measures every text the same, ambiguous characters narrow or wide', () => {
    const texts = [
      ...lines,
      '● open  ws://127.0.0.1:8080/  up 2.8s',
      '── following ── 3 in buffer ── › ↑ 1 sent ↓ 1 received · … ✓ ✕ ⚠ ☺ ©',
      'héllo wörld ñ Ωμέγα Привет ⌚ ☕ ❤️ 1️⃣ e\u0301 한글 \u200b\u00ad\t',
      ...Array.from({ length: 0x2c00 - 0xa0 }, (_, i) => `${String.fromCharCode(0xa0 + i)}x`),
    ];
    for (const text of texts)
      for (const ambiguousIsNarrow of [true, false])
        expect([text, edited.stringWidth(text, { ambiguousIsNarrow })]).toEqual([
          text,
          original.stringWidth(text, { ambiguousIsNarrow }),
        ]);
  });
});

describe('the edited ink wrapText', () => {
  it('edits the bundle: a bounded cache of cut and wrapped texts', () => {
    expect(bundleText).toMatch(/\+\+wsxWrapCacheSize > 1024/);
  });

  it('cuts and wraps the same before and after the cache is emptied', () => {
    // 4,500 distinct texts pass the 1,024 limit four times; the second pass reads some from the cache again.
    const check = (i: number) => {
      const text = `${lines[i % lines.length]!} row ${i} ${'x'.repeat(i % 120)}`;
      const wrapType = i % 50 === 0 ? 'wrap' : 'truncate-end';
      expect(original.wrapText(text, 40, wrapType)).toBe(original.wrapText(text, 40, wrapType));
    };
    for (let i = 0; i < 4500; i++) check(i);
    for (let i = 0; i < 4500; i += 45) check(i);
  });

  it('keeps memory flat under a flood of distinct rows wider than the screen', () => {
    // gc() without --expose-gc: the flag applies to contexts made after it is set.
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const heapAfterGc = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const before = heapAfterGc();
    // Distinct 239-character rows cut to 100 columns: ink's own cache kept ~850 B a row (41 MiB after
    // 50,000; 5.5 MiB after these 6,000). Bounded, at most the last 1,024 of them stay (1.4 MiB measured).
    const pad = 'p'.repeat(200);
    for (let i = 0; i < 6000; i++)
      edited.wrapText(
        `  ← {"seq":${String(i).padStart(6, '0')},"pad":"${pad}","sym":"WSX"}`,
        100,
        'truncate-end',
      );
    const grownMiB = (heapAfterGc() - before) / 1024 / 1024;
    expect(grownMiB).toBeLessThan(3);
  }, 30_000);
});

describe('the edited ink Output and measureText', () => {
  it('edits the bundle: shared blank cells, caches kept across frames, a bounded measure cache', () => {
    expect(bundleText).toContain('wsxBlankCell');
    expect(bundleText).toContain('wsxSharedCaches()');
    expect(bundleText).toMatch(/cache\.size >= 4096/);
  });

  /** Draws frame `n`: rows scroll by one per frame, with clipped, overlapping and transformed writes. */
  function frame(Output: Modules['Output'], n: number): string {
    const out = new Output({ width: 40, height: 12 });
    out.write(0, 0, `${c.inverse(' wsx ')} frame ${n}`, { transformers: [] });
    out.clip({ x1: 0, x2: 30, y1: 1, y2: 10 });
    for (let row = 0; row < 10; row++) {
      const line = lines[(row + n) % lines.length]!;
      out.write(row % 3, row + 1, `${line} #${(row + n) % 17}`, { transformers: [] });
    }
    out.unclip();
    out.write(5, 4, c.bgRed('overlap'), { transformers: [(s) => c.bold(s)] });
    out.write(0, 11, `line one\n${c.green('line two')} too long for the frame ${'x'.repeat(50)}`, {
      transformers: [],
    });
    return out.get().output;
  }

  it('draws the same frames, frame after frame, including past the cache limit', () => {
    // 300 frames of ~12 new texts each pass the 256-line cache limit several times.
    for (let n = 0; n < 300; n++) expect(frame(edited.Output, n)).toBe(frame(original.Output, n));
  });

  it('measures the same sizes before and after the cache is emptied', () => {
    for (let i = 0; i < 5000; i++) {
      const text = `${lines[i % lines.length]!} ${i}${i % 7 === 0 ? '\nsecond line' : ''}`;
      expect(edited.measureText(text)).toEqual(original.measureText(text));
    }
  });
});
