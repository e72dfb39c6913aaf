/**
 * The sample list's first drawing of a long list (src/webview/samples.ts), in a plain Chromium page:
 * a new page gets the log's first rows before the whole list (SamplesMessage.total). They are drawn
 * only when they are what the list shows first (the log's order, unfiltered, scrolled and selected
 * among them); the host is told which rows show (samplesShown, which Next Flagged Sample and the CSV
 * follow, and tagging waits for) only once the whole list is there.
 */
import { strict as assert } from 'node:assert';
import type { Page } from 'playwright-core';
import type { SamplesViewState } from '../../src/webview/samples';
import * as path from 'node:path';
import { renderPage } from './renderPage';
import { repoRoot } from './vscodeSession';

interface Drawn {
  /** showsFirstRows for the first 100 rows of 10,000. */
  drawsFirst: boolean;
  /** After drawing those first rows: the rows in the page, the count, what the host was told. */
  first?: { keys: string[]; count: string; shown: number[] };
  /** After the whole list. */
  whole?: { keys: string[]; count: string; shown: number[] };
}

describe("The sample list drawn from a long list's first rows (samples.ts)", function () {
  this.timeout(60_000);
  let page: Page;

  before(async () => {
    page = await renderPage({ './src/webview/samples': ['SamplesView'], './src/core/packedSampleRows': ['packSampleRows'] });
    // The editor's own stylesheet: the list scrolls in its scroller, as in the editor.
    await page.addStyleTag({ path: path.join(repoRoot, 'media', 'editor.css') });
    await page.setViewportSize({ width: 1000, height: 700 });
  });
  after(async () => page?.close());

  /** A view with `state` (as a page made again from its saved state has) given the first 100 rows of 10,000, then all of them. */
  const draw = (state: SamplesViewState): Promise<Drawn> =>
    // The list draws the rows in view as it is given them (virtualList.ts asks for them and places them
    // at once), so what it holds is read right after.
    page.evaluate((state) => {
      type Row = { key: string; id: string; epoch: number; scores: Record<string, string>; complete: boolean };
      const { SamplesView, packSampleRows } = (window as unknown as { PW: { SamplesView: any; packSampleRows: (rows: Row[]) => unknown } }).PW;
      const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ key: `${i + 1}#1`, id: String(i + 1), epoch: 1, scores: { match: i % 3 ? 'C' : 'I' }, complete: true }));
      const message = (n: number, total?: number) => ({ type: 'samples', fileName: 'many.eval', format: 'inspect-eval', live: false, samples: packSampleRows(rows(n)), ...(total ? { total } : {}), diagnostics: [], diagnosticCount: 0 });
      const shown: number[] = [];
      const view = new SamplesView({ open() {}, changed() {}, shown: (keys: string[]) => shown.push(keys.length) }, state);
      const app = document.createElement('main');
      app.id = 'app';
      app.append(view.element);
      document.body.replaceChildren(app);
      const seen = () => ({
        keys: [...document.querySelectorAll('[data-testid="sample-row"]')].map((r) => r.getAttribute('data-key')!),
        count: document.querySelector('[data-testid="sample-count"]')!.textContent!,
        shown: [...shown],
      });
      const first = message(100, 10_000);
      const out: Drawn = { drawsFirst: view.showsFirstRows(first) };
      if (out.drawsFirst) {
        view.render(first);
        view.shown();
        out.first = seen();
      }
      view.render(message(10_000));
      if (!out.drawsFirst) view.shown();
      out.whole = seen();
      return out;
    }, state);

  it('draws the first rows of a list in the log’s order, and tells the host which rows show once it has them all', async () => {
    const d = await draw({});
    assert.equal(d.drawsFirst, true);
    assert.equal(d.first?.keys[0], '1#1');
    assert.ok(d.first!.keys.length > 5 && d.first!.keys.length <= 100, `the rows in view: ${d.first!.keys.length}`);
    assert.equal(d.first?.count, '10000 samples', 'the count is the whole list’s');
    assert.deepEqual(d.first?.shown, [], 'the host is not told of the first rows as if they were the list');
    assert.deepEqual(d.whole?.keys.slice(0, d.first!.keys.length), d.first?.keys, 'the same rows in the same place once the list is whole');
    assert.deepEqual(d.whole?.shown, [10_000]);
    assert.equal(d.whole?.count, '10000 samples');
  });

  it('a list that is sorted, filtered, scrolled or selected past the first rows waits for every row', async () => {
    const cases: Array<[string, SamplesViewState, string]> = [
      ['sorted by sample, highest first', { sort: { column: 'id', descending: true } }, '10000#1'],
      ['filtered', { filter: '9999' }, '9999#1'],
      ['a score chosen', { score: { name: 'match', value: 'I' } }, '1#1'],
      ['unflagged only (no sample is tagged yet: none)', { flagged: false }, ''],
      ['scrolled to sample 5000', { anchor: { pos: 4999, offset: 0 } }, '5000#1'],
      ['at its end', { anchor: { pos: 9990, offset: 0, atEnd: true } }, '10000#1'],
      ['sample 5000 selected', { selected: '5000#1' }, '5000#1'],
    ];
    for (const [what, state, expected] of cases) {
      const d = await draw(state);
      assert.equal(d.drawsFirst, false, what);
      if (expected) assert.ok(d.whole?.keys.includes(expected), `${what}: ${expected} shows once the list is whole (${d.whole?.keys.slice(0, 5).join(', ')}…)`);
      else assert.deepEqual(d.whole?.keys, [], what);
    }
    const near = await draw({ selected: '3#1', anchor: { pos: 1, offset: 0 } });
    assert.equal(near.drawsFirst, true, 'scrolled and selected among the first rows');
    assert.ok(near.first?.keys.includes('3#1'));
  });

  it('End (or down from the last first row) pressed before the whole list comes goes to the end once it has come', async () => {
    const got = await page.evaluate(() => {
      type Row = { key: string; id: string; epoch: number; scores: Record<string, string>; complete: boolean };
      const { SamplesView, packSampleRows } = (window as unknown as { PW: { SamplesView: any; packSampleRows: (rows: Row[]) => unknown } }).PW;
      const rows = (n: number): Row[] => Array.from({ length: n }, (_, i) => ({ key: `${i + 1}#1`, id: String(i + 1), epoch: 1, scores: {}, complete: true }));
      const message = (n: number, total?: number) => ({ type: 'samples', fileName: 'many.eval', format: 'inspect-eval', live: false, samples: packSampleRows(rows(n)), ...(total ? { total } : {}), diagnostics: [], diagnosticCount: 0 });
      const out: Record<string, { before: string | undefined; after: string | undefined; inPage: boolean }> = {};
      for (const [what, keys, state] of [
        ['End', ['End'], {}],
        ['G', ['G'], {}],
        ['j from the last first row', ['j'], { selected: '100#1' }],
      ] as Array<[string, string[], object]>) {
        const view = new SamplesView({ open() {}, changed() {}, shown() {} }, state);
        document.body.replaceChildren(view.element);
        view.render(message(100, 10_000));
        view.shown();
        for (const key of keys) view.key(new KeyboardEvent('keydown', { key }));
        const before = view.state.selected as string | undefined;
        view.render(message(10_000));
        const after = view.state.selected as string | undefined;
        out[what] = { before, after, inPage: !!document.querySelector(`[data-testid="sample-row"][data-key="${after}"]`) };
      }
      return out;
    });
    assert.deepEqual(got['End'], { before: undefined, after: '10000#1', inPage: true }, 'End waits for the whole list, then selects and shows its last row');
    assert.deepEqual(got['G'], { before: undefined, after: '10000#1', inPage: true });
    assert.deepEqual(got['j from the last first row'], { before: '100#1', after: '101#1', inPage: true });
  });
});
