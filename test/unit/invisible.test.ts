import { strict as assert } from 'node:assert';
import { describeInvisible, hasInvisible, isInvisibleCodePoint, showInvisible, splitInvisible, type InvisibleRun } from '../../src/core/invisible';

/** The runs joined back into the string they came from. */
const join = (runs: InvisibleRun[]) => runs.map((r) => (r.kind === 'text' ? r.text : r.char)).join('');
/** The runs as a reviewer reads them: text, and `[U+202E]` for a marker. */
const shown = (runs: InvisibleRun[]) => runs.map((r) => (r.kind === 'text' ? r.text : `[${r.code}]`)).join('');

describe('invisible characters (core/invisible)', () => {
  it('splits a right-to-left override out of a file name, in stored order, with its name', () => {
    const runs = splitInvisible('safe\u202Egnp.exe');
    assert.deepEqual(runs, [
      { kind: 'text', text: 'safe' },
      { kind: 'invisible', char: '\u202E', code: 'U+202E', name: 'RIGHT-TO-LEFT OVERRIDE', bidi: true },
      { kind: 'text', text: 'gnp.exe' },
    ]);
  });

  it('names every bidi control and marks it as bidi', () => {
    const bidi: Array<[number, string]> = [
      [0x202a, 'LEFT-TO-RIGHT EMBEDDING'],
      [0x202b, 'RIGHT-TO-LEFT EMBEDDING'],
      [0x202c, 'POP DIRECTIONAL FORMATTING'],
      [0x202d, 'LEFT-TO-RIGHT OVERRIDE'],
      [0x202e, 'RIGHT-TO-LEFT OVERRIDE'],
      [0x2066, 'LEFT-TO-RIGHT ISOLATE'],
      [0x2067, 'RIGHT-TO-LEFT ISOLATE'],
      [0x2068, 'FIRST STRONG ISOLATE'],
      [0x2069, 'POP DIRECTIONAL ISOLATE'],
      [0x200e, 'LEFT-TO-RIGHT MARK'],
      [0x200f, 'RIGHT-TO-LEFT MARK'],
      [0x061c, 'ARABIC LETTER MARK'],
    ];
    for (const [cp, name] of bidi) {
      const runs = splitInvisible(`a${String.fromCodePoint(cp)}b`);
      assert.equal(runs.length, 3, name);
      const m = runs[1]!;
      assert.ok(m.kind === 'invisible' && m.bidi && m.name === name, `${cp.toString(16)}: ${JSON.stringify(m)}`);
    }
  });

  it('marks zero-width and other invisible characters, not bidi', () => {
    const cases: Array<[string, string]> = [
      ['\u200B', 'U+200B ZERO WIDTH SPACE'],
      ['\u200C', 'U+200C ZERO WIDTH NON-JOINER'],
      ['\u200D', 'U+200D ZERO WIDTH JOINER'],
      ['\u2060', 'U+2060 WORD JOINER'],
      ['\uFEFF', 'U+FEFF ZERO WIDTH NO-BREAK SPACE'],
      ['\u00AD', 'U+00AD SOFT HYPHEN'],
      ['\u00A0', 'U+00A0 NO-BREAK SPACE'],
      ['\u3164', 'U+3164 HANGUL FILLER'],
      ['\uFE0F', 'U+FE0F VARIATION SELECTOR-16'],
      ['\u001B', 'U+001B ESCAPE'],
      ['\u0000', 'U+0000 NULL'],
    ];
    for (const [ch, described] of cases) {
      const runs = splitInvisible(`x${ch}y`);
      const m = runs[1];
      assert.ok(m && m.kind === 'invisible' && !m.bidi, described);
      assert.equal(`${m.code} ${m.name}`, described);
      assert.equal(describeInvisible(ch.codePointAt(0)!), described);
    }
  });

  it('reads astral characters whole: Unicode tags that hide ASCII and the variation selectors supplement', () => {
    // "hi" written in tag characters (U+E0068 U+E0069): invisible in most fonts, read by models.
    const smuggled = `ok${String.fromCodePoint(0xe0068, 0xe0069)}`;
    const runs = splitInvisible(smuggled);
    assert.equal(shown(runs), 'ok[U+E0068][U+E0069]');
    assert.equal((runs[1] as { name: string }).name, "TAG for 'h' (hidden ASCII)");
    assert.equal(join(runs), smuggled);
    assert.equal(shown(splitInvisible(`a${String.fromCodePoint(0xe0100)}`)), 'a[U+E0100]');
    // An ordinary astral character (an emoji) is text, and so is a lone high surrogate of a tag's block.
    assert.equal(shown(splitInvisible('a😀b')), 'a😀b');
    assert.equal(shown(splitInvisible('a\uDB40b')), 'a\uDB40b');
  });

  it('leaves the characters text is made of alone: space, tab, newline, CR, letters of every script', () => {
    const text = 'line one\tx\r\nשלום عربي 中文 café — “quoted” …';
    assert.deepEqual(splitInvisible(text), [{ kind: 'text', text }]);
    assert.equal(hasInvisible(text), false);
    for (const cp of [0x09, 0x0a, 0x0d, 0x20, 0x41, 0x5d0]) assert.equal(isInvisibleCodePoint(cp), false, cp.toString(16));
    assert.deepEqual(splitInvisible(''), []);
  });

  it('gives the input back when its runs are joined, for many characters in a row and at both ends', () => {
    const text = '\u202E\u200B\u200Bmid\u2066dle\uFEFF';
    const runs = splitInvisible(text);
    assert.equal(join(runs), text);
    assert.equal(shown(runs), '[U+202E][U+200B][U+200B]mid[U+2066]dle[U+FEFF]');
    assert.equal(hasInvisible(text), true);
  });

  it('writes markers into plain text for tooltips and option labels', () => {
    assert.equal(showInvisible('safe\u202Egnp.exe'), 'safe⟨U+202E⟩gnp.exe');
    assert.equal(showInvisible('plain'), 'plain');
  });

  it('splits a megabyte of text with markers every few characters quickly', () => {
    const text = 'abc\u200Bdef\u202E'.repeat(120_000);
    const t0 = Date.now();
    const runs = splitInvisible(text);
    assert.equal(runs.length, 480_000);
    assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
  });
});
