// The text memos detection keeps (src/core/behaviours/textMemo.ts) and the pattern loops it runs
// (firstAccepted, matchesOf, gated patterns in patterns.ts): readings must be exactly what reading
// the text afresh gives, whatever texts came before.
import { strict as assert } from 'node:assert';
import { memoByText, memoForRun, TextMap } from '../../src/core/textMemo';
import { firstAccepted, gated, matchesOf, mayMatch } from '../../src/core/behaviours/patterns';

/** A copy of `s` that is a different string object (as each run's parsed transcript holds). */
const fresh = (s: string): string => JSON.parse(JSON.stringify(s)) as string;

describe('text memos', () => {
  it('read a text once, then give its reading for the same text in a later run', () => {
    let reads = 0;
    const lines = memoByText((s: string) => {
      reads++;
      return s.split('\n').length;
    }, 8);
    const listing = '- filename: a.bin\n- filename: b.bin\n- filename: c.bin';
    assert.equal(lines(listing), 3);
    assert.equal(lines(fresh(listing)), 3);
    assert.equal(reads, 1);
  });

  it('tell apart texts of the same length that differ only between the characters they sample', () => {
    const a = 'x'.repeat(1000);
    // 1000 characters are sampled at 0, 32, 64, …: position 1 is not among them.
    const b = 'xy' + 'x'.repeat(998);
    const seen = memoByText((s: string) => s.indexOf('y'), 8);
    assert.equal(seen(a), -1);
    assert.equal(seen(b), 1);
    assert.equal(seen(fresh(a)), -1);
    assert.equal(seen(fresh(b)), 1);
  });

  it('keep every text right when more texts share a bucket than it keeps (a scenario\'s system prompts, one run name apart)', () => {
    let reads = 0;
    const runOf = memoByText((s: string) => {
      reads++;
      return /run (\d+)/.exec(s)![1];
    }, 64);
    const prompt = (n: number) => `You are GPT Agent 1.${'.'.repeat(200)} (bench run ${String(n).padStart(2, '0')})${'.'.repeat(200)}`;
    for (let round = 0; round < 2; round++) {
      for (let n = 0; n < 10; n++) assert.equal(runOf(fresh(prompt(n))), String(n).padStart(2, '0'));
    }
    // The first four are kept; the other six are read in each round.
    assert.equal(reads, 10 + 6);
  });

  it('are bounded: past the limit the oldest text goes first and is read again', () => {
    let reads = 0;
    const len = memoByText((s: string) => {
      reads++;
      return s.length;
    }, 3);
    for (const s of ['a', 'bb', 'ccc', 'dddd']) len(s);
    assert.equal(reads, 4);
    len('bb');
    len('dddd');
    assert.equal(reads, 4, 'the three newest are kept');
    assert.equal(len('a'), 1);
    assert.equal(reads, 5, 'the oldest was let go');
  });

  it('read a text over 16 K characters every time, and rightly', () => {
    let reads = 0;
    const big = 'z'.repeat(20_000);
    const count = memoByText((s: string) => {
      reads++;
      return s.length;
    }, 8);
    assert.equal(count(big), 20_000);
    assert.equal(count(big + 'z'), 20_001);
    assert.equal(reads, 2);
  });

  it('keep a reading of undefined or false as a reading', () => {
    let reads = 0;
    const none = memoByText(() => {
      reads++;
      return undefined;
    }, 8);
    none('text');
    none(fresh('text'));
    assert.equal(reads, 1);
  });

  it('for one run: each text read once, and a new run reads afresh', () => {
    let reads = 0;
    const read = (s: string) => {
      reads++;
      return s.toUpperCase();
    };
    const run1 = memoForRun(read);
    assert.equal(run1('report'), 'REPORT');
    assert.equal(run1(fresh('report')), 'REPORT');
    const run2 = memoForRun(read);
    assert.equal(run2('report'), 'REPORT');
    assert.equal(reads, 2);
  });

  it('a TextMap finds, replaces and forgets texts', () => {
    const m = new TextMap<number>();
    assert.equal(m.set('alpha', 1), true);
    assert.equal(m.set(fresh('alpha'), 2), true);
    assert.equal(m.size, 1);
    assert.equal(m.find('alpha')?.value, 2);
    m.delete(fresh('alpha'));
    assert.equal(m.find('alpha'), undefined);
    assert.equal(m.size, 0);
  });
});

describe('pattern loops', () => {
  it('matchesOf gives what matchAll gives, empty matches included, and starts over on each call', () => {
    const texts = ['Total: 12/20 = 60%, then 17/20.', '', 'aXbXc', '😀x😀'];
    for (const [re, s] of [
      [/\d+\/\d+/g, texts[0]!],
      [/X*/g, texts[2]!],
      [/x*/gu, texts[3]!],
      [/\d/g, texts[1]!],
    ] as const) {
      const want = [...s.matchAll(re)].map((m) => [m.index, m[0]]);
      assert.deepEqual([...matchesOf(re, s)].map((m) => [m.index, m[0]]), want, String(re));
      // A loop left early does not disturb the next.
      for (const _ of matchesOf(re, s)) break;
      assert.deepEqual([...matchesOf(re, s)].map((m) => [m.index, m[0]]), want, String(re));
    }
  });

  it('firstAccepted gives the first match its test accepts, or nothing', () => {
    const re = /\d+/g;
    assert.equal(firstAccepted(re, 'a1 b22 c333', (m) => m[0].length > 1)?.[0], '22');
    assert.equal(firstAccepted(re, 'a1 b22 c333', (m) => m[0].length > 3), undefined);
    assert.equal(firstAccepted(re, 'a1 b22 c333', () => true)?.index, 1);
  });

  it('a gated pattern runs only on text holding one of its words; one with none always runs', () => {
    const p = gated(/\bhuman (?:review|oversight)\b/i, 'human');
    assert.ok(p.re.global);
    assert.equal(mayMatch(p.needs, 'I request Human Review.'.toLowerCase()), true);
    assert.equal(mayMatch(p.needs, 'i request a review.'), false);
    assert.equal(mayMatch(gated(/x/).needs, 'anything'), true);
  });
});
