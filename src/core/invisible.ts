/**
 * Characters that change how text looks without being seen: bidirectional controls (a stored
 * `safe\u202Egnp.exe` displays as `safeexe.png`), zero-width and other invisible characters (a
 * `\u200B` inside a word, Unicode tag characters that smuggle ASCII past a reader) and C0/C1 controls.
 * The webview shows each as a visible marker (`U+202E`) instead of applying it; this module finds them
 * and names them. Pure: no DOM, used by the webview and the unit tests.
 *
 * The set is VS Code's own (`InvisibleCharacters` in src/vs/base/common/strings.ts, which its editor's
 * Unicode highlighting marks), without the four characters text is made of (space, tab, line feed,
 * carriage return), plus the bidi controls and the C0/C1 controls VS Code draws with
 * `editor.renderControlCharacters`. Kept here rather than taken from a package: VS Code does not
 * publish the table as a library, and no package on hand names these characters.
 */

/** A piece of a string: plain text, or one character shown as a marker. */
export type InvisibleRun =
  | { readonly kind: 'text'; readonly text: string }
  | {
      readonly kind: 'invisible';
      /** The character itself (two UTF-16 units for a code point beyond U+FFFF). */
      readonly char: string;
      /** `U+202E` */
      readonly code: string;
      /** Its Unicode name, e.g. `RIGHT-TO-LEFT OVERRIDE` (for tag characters, what the tag stands for). */
      readonly name: string;
      /** Bidi controls reorder the text around them; the others hide or join it. */
      readonly bidi: boolean;
    };

const NAMES: Readonly<Record<number, string>> = {
  0x00: 'NULL',
  0x07: 'BELL',
  0x08: 'BACKSPACE',
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0xa0: 'NO-BREAK SPACE',
  0xad: 'SOFT HYPHEN',
  0x34f: 'COMBINING GRAPHEME JOINER',
  0x61c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x17b4: 'KHMER VOWEL INHERENT AQ',
  0x17b5: 'KHMER VOWEL INHERENT AA',
  0x180b: 'MONGOLIAN FREE VARIATION SELECTOR ONE',
  0x180c: 'MONGOLIAN FREE VARIATION SELECTOR TWO',
  0x180d: 'MONGOLIAN FREE VARIATION SELECTOR THREE',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x1cbb: 'UNASSIGNED (Georgian Mtavruli block)',
  0x1cbc: 'UNASSIGNED (Georgian Mtavruli block)',
  0x2000: 'EN QUAD',
  0x2001: 'EM QUAD',
  0x2002: 'EN SPACE',
  0x2003: 'EM SPACE',
  0x2004: 'THREE-PER-EM SPACE',
  0x2005: 'FOUR-PER-EM SPACE',
  0x2006: 'SIX-PER-EM SPACE',
  0x2007: 'FIGURE SPACE',
  0x2008: 'PUNCTUATION SPACE',
  0x2009: 'THIN SPACE',
  0x200a: 'HAIR SPACE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x202f: 'NARROW NO-BREAK SPACE',
  0x205f: 'MEDIUM MATHEMATICAL SPACE',
  0x2060: 'WORD JOINER',
  0x2061: 'FUNCTION APPLICATION',
  0x2062: 'INVISIBLE TIMES',
  0x2063: 'INVISIBLE SEPARATOR',
  0x2064: 'INVISIBLE PLUS',
  0x2065: 'RESERVED FORMAT CHARACTER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x206a: 'INHIBIT SYMMETRIC SWAPPING',
  0x206b: 'ACTIVATE SYMMETRIC SWAPPING',
  0x206c: 'INHIBIT ARABIC FORM SHAPING',
  0x206d: 'ACTIVATE ARABIC FORM SHAPING',
  0x206e: 'NATIONAL DIGIT SHAPES',
  0x206f: 'NOMINAL DIGIT SHAPES',
  0x2800: 'BRAILLE PATTERN BLANK',
  0x3000: 'IDEOGRAPHIC SPACE',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
  0xfffc: 'OBJECT REPLACEMENT CHARACTER',
  0x133fc: 'EGYPTIAN HIEROGLYPH (blank in most fonts)',
  0x1d173: 'MUSICAL SYMBOL BEGIN BEAM',
  0x1d174: 'MUSICAL SYMBOL END BEAM',
  0x1d175: 'MUSICAL SYMBOL BEGIN TIE',
  0x1d176: 'MUSICAL SYMBOL END TIE',
  0x1d177: 'MUSICAL SYMBOL BEGIN SLUR',
  0x1d178: 'MUSICAL SYMBOL END SLUR',
  0x1d179: 'MUSICAL SYMBOL BEGIN PHRASE',
  0x1d17a: 'MUSICAL SYMBOL END PHRASE',
  0xe0001: 'LANGUAGE TAG',
  0xe007f: 'CANCEL TAG',
};

const BIDI = new Set([0x061c, 0x200e, 0x200f, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069]);

/** Is this code point shown as a marker? (VS Code's invisible set, bidi controls, C0/C1 controls; not space, tab, LF, CR.) */
export function isInvisibleCodePoint(cp: number): boolean {
  if (cp === 0x09 || cp === 0x0a || cp === 0x0d || cp === 0x20) return false;
  return (
    cp < 0x20 || // C0 controls
    (cp >= 0x7f && cp <= 0xa0) || // DEL, C1 controls, NO-BREAK SPACE
    cp in NAMES ||
    (cp >= 0x2000 && cp <= 0x200f) ||
    (cp >= 0x2028 && cp <= 0x202f) ||
    (cp >= 0x205f && cp <= 0x206f) ||
    (cp >= 0xfe00 && cp <= 0xfe0f) || // variation selectors
    (cp >= 0xfff0 && cp <= 0xfff8) || // unassigned specials
    (cp >= 0x1d173 && cp <= 0x1d17a) ||
    (cp >= 0xe0000 && cp <= 0xe007f) || // tags
    (cp >= 0xe0100 && cp <= 0xe01ef) // variation selectors supplement
  );
}

/** `U+202E` (at least four hex digits, upper case). */
export function codePointLabel(cp: number): string {
  return `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** The Unicode name of a marked character, or a description of its range. */
export function invisibleName(cp: number): string {
  const known = NAMES[cp];
  if (known) return known;
  if (cp >= 0xfe00 && cp <= 0xfe0f) return `VARIATION SELECTOR-${cp - 0xfe00 + 1}`;
  if (cp >= 0xe0100 && cp <= 0xe01ef) return `VARIATION SELECTOR-${cp - 0xe0100 + 17}`;
  if (cp >= 0xe0020 && cp <= 0xe007e) return `TAG for '${String.fromCharCode(cp - 0xe0000)}' (hidden ASCII)`;
  if (cp >= 0xe0000 && cp <= 0xe007f) return 'TAG (unassigned)';
  if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) return 'CONTROL CHARACTER';
  if (cp >= 0xfff0 && cp <= 0xfff8) return 'UNASSIGNED SPECIAL';
  return 'INVISIBLE CHARACTER';
}

/** `U+202E RIGHT-TO-LEFT OVERRIDE`: the hover text of a marker. */
export function describeInvisible(cp: number): string {
  return `${codePointLabel(cp)} ${invisibleName(cp)}`;
}

/**
 * A quick test for the common case (no character to mark), so plain text costs one regex scan. It
 * lists every range `isInvisibleCodePoint` accepts; astral ones through their high surrogates
 * (U+D834 for the musical symbols, U+DB40 for tags and the variation selectors supplement), which
 * `splitInvisible` then checks exactly.
 */
const MAYBE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u00A0\u00AD\u034F\u061C\u115F\u1160\u17B4\u17B5\u180B-\u180E\u1CBB\u1CBC\u2000-\u200F\u2028-\u202F\u205F-\u206F\u2800\u3000\u3164\uFE00-\uFE0F\uFEFF\uFFA0\uFFF0-\uFFF8\uFFFC\uD80C\uD834\uDB40]/;

/** Does the text hold a character that would be shown as a marker? */
export function hasInvisible(text: string): boolean {
  if (!MAYBE.test(text)) return false;
  return splitInvisible(text).some((r) => r.kind === 'invisible');
}

/**
 * The text as runs of plain text and single invisible characters, in stored order; joining every run's
 * `text` / `char` gives the input back. Text without such characters is one run (none when empty).
 */
export function splitInvisible(text: string): InvisibleRun[] {
  if (!MAYBE.test(text)) return text ? [{ kind: 'text', text }] : [];
  const runs: InvisibleRun[] = [];
  let start = 0;
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    if (isInvisibleCodePoint(cp)) {
      if (i > start) runs.push({ kind: 'text', text: text.slice(start, i) });
      runs.push({ kind: 'invisible', char: text.slice(i, i + width), code: codePointLabel(cp), name: invisibleName(cp), bidi: BIDI.has(cp) });
      start = i + width;
    }
    i += width;
  }
  if (start < text.length) runs.push({ kind: 'text', text: text.slice(start) });
  return runs;
}

/**
 * The text with each invisible character written as `⟨U+202E⟩`, for places that hold plain text only
 * (tooltips, `<option>` labels): there the character would act on the display just the same.
 */
export function showInvisible(text: string): string {
  if (!MAYBE.test(text)) return text;
  let out = '';
  for (const r of splitInvisible(text)) out += r.kind === 'text' ? r.text : `⟨${r.code}⟩`;
  return out;
}
