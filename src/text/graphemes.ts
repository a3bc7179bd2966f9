// Graphemes and column widths of the screen's text without ICU when the text allows it. The screen's bundle
// (scripts/build.mjs) puts GraphemeSegmenter in place of every Intl.Segmenter its modules create (ink,
// string-width, slice-ansi, ansi-tokenize, the input line), and string-width asks isNarrowText first.
//
// Why: measured alone (Node 20, load average 12-13 on 2 cores), ICU's segmenter took 42-70 ms to create
// the first time, and string-width's RGI emoji regex 60-104 ms to build and 83-124 ms more at its first
// test, all of it before the session's first frame, whose text holds a `●` and box lines. And segmenting
// through ICU costs an object per grapheme on every row of every frame under a flood.

/**
 * Characters that are one column wide by string-width's rules (East Asian "ambiguous" ones counted narrow,
 * its default) and a grapheme of their own next to any character of this set or of ASCII: Latin, Greek,
 * Cyrillic, punctuation, arrows, maths, box drawing, shapes, most symbols and dingbats. Derived from
 * string-width 8 and ICU (Node 20) by keeping each code point c of those blocks whose width is 1 and for which
 * 'a' + c + c + 'a' is four graphemes; test/text/graphemes.test.ts checks every one of them again.
 */
const narrowClass =
  '\\u00A0-\\u00AC\\u00AE-\\u02FF\\u0370-\\u0482\\u048A-\\u052F\\u2010-\\u2029\\u202F-\\u205E\\u2070-\\u20CF' +
  '\\u2100-\\u2319\\u231C-\\u2328\\u232B-\\u23E8\\u23ED-\\u23EF\\u23F1-\\u23F2\\u23F4-\\u25FC\\u25FF-\\u2613' +
  '\\u2616-\\u262F\\u2638-\\u2647\\u2654-\\u267E\\u2680-\\u2689\\u2690-\\u2692\\u2694-\\u26A0\\u26A2-\\u26A9' +
  '\\u26AC-\\u26BC\\u26BF-\\u26C3\\u26C6-\\u26CD\\u26CF-\\u26D3\\u26D5-\\u26E9\\u26EB-\\u26F1\\u26F4' +
  '\\u26F6-\\u26F9\\u26FB-\\u26FC\\u26FE-\\u2704\\u2706-\\u2709\\u270C-\\u2727\\u2729-\\u274B\\u274D' +
  '\\u274F-\\u2752\\u2756\\u2758-\\u2794\\u2798-\\u27AF\\u27B1-\\u27BE\\u2900-\\u2B1A\\u2B1D-\\u2B4F' +
  '\\u2B51-\\u2B54\\u2B56-\\u2BFF';

/** Printable ASCII and the narrow set: as many columns as UTF-16 units. */
const narrowText = new RegExp(`^[\\u0020-\\u007E${narrowClass}]*$`);

/**
 * ASCII (its controls too, but CR: CR LF is one grapheme) and the narrow set: one grapheme per UTF-16 unit
 * (UAX #29 breaks around controls and between two characters of no other grapheme class).
 */
const oneUnitGraphemes = new RegExp(`^[\\u0000-\\u000C\\u000E-\\u007F${narrowClass}]*$`);

/** Whether `text` takes exactly `text.length` columns: printable ASCII and the narrow set only. */
export function isNarrowText(text: string): boolean {
  return narrowText.test(text);
}

/** The graphemes of a text made of single-unit graphemes only (see oneUnitGraphemes). */
class OneUnitSegments implements Iterable<Intl.SegmentData> {
  constructor(private readonly input: string) {}

  containing(index = 0): Intl.SegmentData | undefined {
    const at = Math.trunc(index);
    if (!(at >= 0 && at < this.input.length)) return undefined;
    return { segment: this.input[at]!, index: at, input: this.input };
  }

  *[Symbol.iterator](): IterableIterator<Intl.SegmentData> {
    const input = this.input;
    for (let index = 0; index < input.length; index++) yield { segment: input[index]!, index, input };
  }
}

// Read once, so the build's rewrite of `Intl.Segmenter` leaves this one reference to ICU's own.
const { Segmenter: IcuSegmenter } = Intl;

/**
 * Intl.Segmenter for the screen: graphemes of text made of single-unit graphemes are cut here, everything
 * else (other granularities, emoji, CJK, combining marks) by ICU's segmenter, created at its first use.
 */
export class GraphemeSegmenter {
  private icu: Intl.Segmenter | undefined;
  private readonly isGrapheme: boolean;

  constructor(
    private readonly locales?: string | string[],
    private readonly options?: Intl.SegmenterOptions,
  ) {
    this.isGrapheme = (options?.granularity ?? 'grapheme') === 'grapheme';
  }

  segment(input: string): Intl.Segments | OneUnitSegments {
    if (this.isGrapheme && oneUnitGraphemes.test(input)) return new OneUnitSegments(input);
    return this.icuSegmenter().segment(input);
  }

  resolvedOptions(): Intl.ResolvedSegmenterOptions {
    return this.icuSegmenter().resolvedOptions();
  }

  private icuSegmenter(): Intl.Segmenter {
    this.icu ??= new IcuSegmenter(this.locales, this.options);
    return this.icu;
  }
}
