import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { GraphemeSegmenter, isNarrowText } from '../../src/text/graphemes.js';

const icu = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
const segmentsOf = (segments: Iterable<Intl.SegmentData>) =>
  [...segments].map(({ segment, index, input }) => ({ segment, index, input }));

/** Every UTF-16 unit isNarrowText accepts, found by asking it about each one. */
const narrowUnits = Array.from({ length: 0x10000 }, (_, unit) => String.fromCharCode(unit)).filter(
  (unit) => unit.charCodeAt(0) > 0x7e && isNarrowText(unit),
);

const texts = [
  '',
  'plain ASCII {"seq":7,"price":12.5}',
  '● open  ws://127.0.0.1:8080/  up 2.8s',
  '── following ── 3 in buffer ── › ↑ 1 sent ↓ 1 received · … ✓ ✕ ⚠',
  'tabs\tand\nnew lines\r\nand a lone CR\r and \x1b[1mescapes\x1b[22m',
  'héllo wörld ñ Ωμέγα Привет',
  'wide: 漢字テキスト',
  'emoji 👍🏽 🇫🇷 👨‍👩‍👧 ❤️ ⌚ ☕ 1️⃣ #⃣',
  'combining e\u0301 a\u0308 \u20dd and marks',
  'hangul 한글 \u1100\u1161\u11a8',
  'zero width \u200b\u200c\u200d\ufeff soft\u00adhyphen',
  'mixed ● 漢 ● e\u0301 ●',
];

describe('GraphemeSegmenter', () => {
  it('cuts every text into the same graphemes as ICU', () => {
    const mine = new GraphemeSegmenter(undefined, { granularity: 'grapheme' });
    for (const text of texts) {
      expect(segmentsOf(mine.segment(text))).toEqual(segmentsOf(icu.segment(text)));
      for (let at = -1; at <= text.length; at++)
        expect(mine.segment(text).containing(at)).toEqual(icu.segment(text).containing(at));
    }
  });

  it('leaves other granularities to ICU', () => {
    const words = new GraphemeSegmenter('en', { granularity: 'word' });
    const text = 'two words';
    expect(segmentsOf(words.segment(text))).toEqual(
      segmentsOf(new Intl.Segmenter('en', { granularity: 'word' }).segment(text)),
    );
    expect(words.resolvedOptions().granularity).toBe('word');
  });
});

describe('isNarrowText', () => {
  it('accepts only characters string-width counts one column, each a grapheme of its own', () => {
    expect(narrowUnits.length).toBeGreaterThan(3000);
    for (const unit of narrowUnits) {
      expect([unit, stringWidth(unit)]).toEqual([unit, 1]);
      expect([unit, [...icu.segment(`a${unit}${unit}a`)].length]).toEqual([unit, 4]);
    }
  });

  it('says a text is as wide as it is long exactly when it is made of those characters', () => {
    for (const text of texts) if (isNarrowText(text)) expect(stringWidth(text)).toBe(text.length);
    expect(isNarrowText('● open ── ↑↓ · … ✓ héllo Ωμέγα')).toBe(true);
    for (const wider of ['漢', '⌚', '👍', 'e\u0301', '\u200b', '\u00ad', '\t', '\x1b'])
      expect(isNarrowText(`● ${wider}`)).toBe(false);
  });
});
