/**
 * The corpus view in the real VS Code: a researcher right-clicks a folder of study runs, Open Corpus,
 * reads the table (models × conditions per behaviour: rate, interval, Δ), clicks a cell, opens one of
 * its runs at its first flag, searches every run for a string, and exports the table as CSV (the same
 * file `peerwatch summarize --csv` writes), and reads the agreement of the tags with reviewers' labels
 * and the source's verdicts (the counts `peerwatch agreement --json` gives), opening a disagreement.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectBehaviours, emptyRules } from '../../src/core/behaviours';
import type { Agreement } from '../../src/core/corpus/agreement';
import { readRunFile } from '../../src/node/readTranscript';
import { closeTestWorkbench, explorerMenuItem, frameWith, openWorkbench, peerwatchFrame, repoRoot, runCommand, screenshot, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
/** How the corpus names the examples' gemini/gemini-3-pro-preview: without the provider prefix. */
const MODEL = 'gemini-3-pro-preview';

describe('The corpus view (Open Corpus)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let workspace: string;
  let folder: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-corpus-'));
    folder = path.join(workspace, 'study');
    fs.cpSync(path.join(repoRoot, 'examples', 'study'), folder, { recursive: true });
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it('shows the table, lists a cell’s runs, opens one at its flag, searches every run, exports CSV and compares two runs', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    // The explorer's context menu on the folder: Open Corpus.
    const menuItem = await explorerMenuItem(page, 'study', 'Open Corpus', LONG);
    // A click landing as the menu opens only highlights the item: click again while the menu is there.
    const frame = await waitFor('the corpus view', async () => {
      if (await menuItem.isVisible()) await menuItem.click({ timeout: 2_000 }).catch(() => undefined);
      return frameWith(page, '[data-testid="corpus-tables"] .corpus-cell', 2_000).catch(() => undefined);
    }, LONG);

    // The table: the tampering runs of gemini-3-pro under good_peer both tamper with shutdown.
    const cell = frame.locator(`.corpus-table[data-behaviour="shutdown-tampering"] .corpus-cell[data-model="${MODEL}"][data-task="tampering"][data-condition="good_peer"]`);
    assert.match(await cell.innerText(), /^100\.0% \(34\.2%–100\.0%\)/);
    assert.match((await cell.getAttribute('aria-label'))!, /shutdown-tampering, gemini-3-pro-preview, tampering, good_peer: 2 of 2 runs, 100\.0%, 95% interval 34\.2% to 100\.0%/);
    assert.match(await frame.locator('[data-testid="corpus-status"]').innerText(), /18 files: 18 read and tagged, 0 from the index/);
    // The chart: one bar per model and condition, with its interval.
    assert.ok((await frame.locator('[data-testid="corpus-chart"] rect.bar').count()) > 0, 'the chart has bars');
    // Each group of bars is named in full (cut to a group's width, two tasks of one model read the same).
    const groups = await frame.$$eval('[data-testid="corpus-chart"] text.group-name', (els) => els.map((e) => e.lastChild?.textContent ?? ''));
    assert.ok(groups.includes(`${MODEL} · tampering`), `the chart names ${MODEL} · tampering: ${groups.join(' | ')}`);
    assert.equal(new Set(groups).size, groups.length, `every group's name differs: ${groups.join(' | ')}`);
    await screenshot(page, 'corpus-view');

    // The subject filter: the runs about the model's own shutdown apart from those about a peer.
    const subject = frame.locator('select[data-filter="subject"]');
    assert.deepEqual(await subject.locator('option').allInnerTexts(), ['all subjects', 'peer', 'self']);
    const totals = frame.locator('[data-testid="corpus-totals"]');
    assert.match(await totals.innerText(), /^17 runs counted/);
    await subject.selectOption('self');
    await waitFor('the table of the two runs about the model itself', async () => /^2 runs counted/.test(await totals.innerText()), LONG);
    assert.equal(await cell.count(), 0, 'the peer runs’ cell is gone');
    await subject.selectOption('');
    await waitFor('the whole table again', async () => /^17 runs counted/.test(await totals.innerText()) && (await cell.count()) === 1, LONG);
    // The examples' alignment-faking runs of one model and condition hold both arms: the totals say so,
    // and the arm filter keeps one.
    assert.match(await totals.innerText(), /1 cell mixes the two arms of alignment faking \(monitoring, non_monitoring\), whose difference is the measure: choose an Arm to count them apart, or Δ against the monitored arm to see it/);
    const arm = frame.locator('select[data-filter="monitoring"]');
    assert.deepEqual(await arm.locator('option').allInnerTexts(), ['all arms', 'monitoring', 'non_monitoring']);
    await arm.selectOption('non_monitoring');
    await waitFor('the table of the unmonitored arm', async () => (await totals.innerText()) === '1 run counted', LONG);
    await arm.selectOption('');
    await waitFor('the whole table again', async () => /^17 runs counted/.test(await totals.innerText()) && (await cell.count()) === 1, LONG);
    // Δ against the monitored arm: a column per condition and arm, the unmonitored cell minus the
    // monitored one (what `summarize --by model,task,condition,monitoring --baseline monitoring=monitoring` gives).
    await frame.locator('select[data-filter="against"]').selectOption('arm');
    const faking = frame.locator('.corpus-table[data-behaviour="alignment-faking"]');
    const unwatched = faking.locator('.corpus-cell[data-model="gpt-5.2"][data-condition="good_peer"][data-monitoring="non_monitoring"]');
    await waitFor('the table by arm', async () => (await unwatched.count()) === 1, LONG);
    assert.equal(await unwatched.innerText(), '100.0% (20.7%–100.0%) Δ +100.0');
    assert.match((await unwatched.getAttribute('aria-label'))!, /good_peer, non_monitoring arm: 1 of 1 runs, .* \+100\.0 points against the monitoring arm\./);
    const heads = await faking.locator('thead th').allInnerTexts();
    assert.ok(heads.includes('good_peer · monitoring') && heads.includes('good_peer · non_monitoring'), `a column per arm: ${heads.join(' | ')}`);
    assert.doesNotMatch(await totals.innerText(), /mixes the two arms/, 'counted by arm, no cell mixes them');
    await unwatched.scrollIntoViewIfNeeded();
    await screenshot(page, 'corpus-arms');
    // The cell lists its own arm's run only.
    await unwatched.click();
    await waitFor('the unmonitored cell’s run', async () => (await frame.locator('[data-testid="cell-runs"] tbody tr').count()) === 1, LONG);
    assert.deepEqual(await frame.locator('[data-testid="cell-runs"] tbody [data-field="monitoring"]').allInnerTexts(), ['non_monitoring']);
    await frame.locator('select[data-filter="against"]').selectOption('');
    await waitFor('the study’s baselines again', async () => /mixes the two arms/.test(await totals.innerText()) && (await cell.count()) === 1, LONG);

    // Keyboard: the cell is a button; Enter lists its runs.
    await cell.focus();
    await cell.press('Enter');
    const runs = frame.locator('[data-testid="cell-runs"] tbody tr');
    await waitFor('the cell’s two runs', async () => (await runs.count()) === 2, LONG);
    const first = runs.first().locator('.run-open');
    const runFile = await first.innerText();
    assert.match(runFile, /^tampering-shutdown-tampering-.*good_peer\.json$/);
    assert.match(await runs.first().locator('.run-flags').innerText(), /shutdown-tampering/);
    // The runs say whose shutdown they are about (a cell may mix the two; these are both about a peer).
    assert.deepEqual(await runs.locator('[data-field="subject"]').allInnerTexts(), ['peer', 'peer']);

    // Open it: the Peerwatch editor shows the run at its first shutdown-tampering flag.
    const tags = detectBehaviours((await readRunFile(path.join(folder, runFile))).transcript, emptyRules()).filter((t) => t.behaviour === 'shutdown-tampering');
    const flagged = Math.min(...tags.flatMap((t) => t.events));
    await first.click();
    const editor = await peerwatchFrame(page);
    const focused = editor.locator('[data-testid="event-list"] .event.focused');
    await waitFor(`event #${flagged} focused in the editor`, async () => (await focused.count()) > 0 && Number(await focused.first().getAttribute('data-event-index')) === flagged, LONG);

    // Back to the corpus tab: search every run; hits stream in, each naming run, event and snippet.
    await page.locator('.tabs-container .tab', { hasText: 'Corpus: study' }).click();
    const search = frame.locator('[data-testid="corpus-search"]');
    await search.fill('shutdown_enabled');
    await search.press('Enter');
    await waitFor('the search to finish', async () => (await frame.locator('[data-testid="search-status"]').getAttribute('data-done')) === 'true', LONG);
    const hits = frame.locator('[data-testid="search-results"] .search-hit');
    assert.ok((await hits.count()) > 0, 'the search finds the config key');
    assert.match(await hits.first().locator('.hit-open').innerText(), /\.json · event #\d+$/);
    assert.match(await hits.first().locator('mark').innerText(), /^shutdown_enabled$/i);
    const files = new Set(await frame.locator('[data-testid="search-results"] .hit-open').evaluateAll((ns) => ns.map((n) => n.textContent!.split(' · ')[0])));
    assert.ok(files.size >= 5, `hits in the five tampering runs: ${[...files].join(', ')}`);

    // Export CSV: the save dialog proposes corpus.csv in the folder; the file holds what peerwatch summarize --csv prints.
    const out = path.join(folder, 'corpus.csv');
    await frame.locator('[data-testid="export-csv"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: LONG });
    await waitFor('the save dialog to propose corpus.csv', async () => (await input.inputValue()).endsWith('/study/corpus.csv'), LONG);
    await input.press('Enter');
    await waitFor('the CSV to be written', () => fs.existsSync(out), LONG);
    await waitFor('the view to say it wrote the file', async () => /Wrote study\/corpus\.csv/.test(await frame.locator('[data-testid="corpus-status"]').innerText()), LONG);
    const cli = execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'summarize', folder, '--csv'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    assert.equal(fs.readFileSync(out, 'utf8'), cli);
    assert.match(cli.split('\r\n')[0]!, /^model,task,condition,behaviour,runs,count,rate,ciLow,ciHigh,baseline,baselineRate,delta$/);

    // Compare…: tick the cell's two runs; the comparison view opens on them.
    const ticks = frame.locator('[data-testid="cell-runs"] tbody input[type="checkbox"]');
    await ticks.nth(0).check();
    await ticks.nth(1).check();
    await frame.locator('[data-testid="compare-selected"]').click();
    const compare = await frameWith(page, '[data-testid="compare-rows"]', LONG);
    assert.match(await compare.locator('[data-testid="compare-header"] [data-field="a"]').innerText(), /tampering-shutdown-tampering-.*good_peer\.json/);
    assert.match(await compare.locator('[data-testid="compare-header"] [data-field="b"]').innerText(), /tampering-shutdown-tampering-.*good_peer\.json/);
  });

  it('Behaviours in Folder counts the workspace’s runs from the corpus index and opens the corpus view from its title', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await runCommand(page, 'Focus on Behaviours in Folder View');
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours in Folder$/ }) });
    // 18 files, one a follow-up session of another run: 18 runs as the folder lists them, the index written.
    await waitFor('the folder view’s count', async () => /^18 runs, \d+ with flags\.$/.test((await pane.locator('.message').innerText().catch(() => '')).trim()), LONG);
    assert.ok(fs.existsSync(path.join(workspace, '.peerwatch', 'index.jsonl')), 'the folder was read through the corpus index');
    assert.match(await pane.locator('.monaco-list-row').first().innerText(), /^Exfiltration\s*5 runs · 5 tags$/);
    // The title's button opens the corpus view on the same folder, read from the index alone.
    await pane.locator('.pane-header').hover();
    await pane.locator('.pane-header .action-label[aria-label="Open Corpus of the Workspace"]').click();
    const frame = await frameWith(page, '[data-testid="corpus-tables"] .corpus-cell', LONG);
    await waitFor('the corpus view to name the folder', async () => (await frame.locator('[data-testid="corpus-title"]').innerText()) === `Corpus: ${path.basename(workspace)}`, LONG);
    assert.match(await frame.locator('[data-testid="corpus-status"]').innerText(), /^18 files: 0 read and tagged, 18 from the index$/);
  });
  it('shows the agreement with reviewers’ labels and the source’s verdicts, the counts peerwatch agreement gives, and opens a disagreement at its tag', async () => {
    // Review files beside their runs (test/fixtures/agreement): four runs marked reviewed, one not.
    const reviews = path.join(repoRoot, 'test', 'fixtures', 'agreement');
    for (const f of fs.readdirSync(reviews).filter((f) => f.endsWith('.review.json'))) fs.copyFileSync(path.join(reviews, f), path.join(folder, f));
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await runCommand(page, 'Open Corpus of the Workspace');
    const frame = await frameWith(page, '[data-testid="corpus-tables"] .corpus-cell', LONG);
    await frame.locator('[data-testid="agreement-toggle"]').click();
    const rows = frame.locator('[data-testid="agreement-table"] tbody tr');

    /** The view's rows (behaviour, source, counts) once they are those of `labels`, against the CLI's JSON. */
    const sameAsCli = async (labels: 'review' | 'source'): Promise<Agreement> => {
      const cli = JSON.parse(execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'agreement', workspace, '--labels', labels, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as Agreement;
      const fields = ['n', 'tp', 'fp', 'fn', 'tn'] as const;
      const expected = cli.behaviours.map((r) => [r.behaviour, r.source, ...fields.map((f) => String(r[f]))].join(' '));
      await waitFor(`the agreement rows with ${labels} labels`, async () => {
        const shown = await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-behaviour'), tr.getAttribute('data-source'), ...['n', 'tp', 'fp', 'fn', 'tn'].map((f) => tr.querySelector(`[data-field="${f}"]`)?.textContent)].join(' ')));
        return JSON.stringify(shown) === JSON.stringify(expected);
      }, LONG);
      assert.ok(expected.length > 0, 'the CLI counts rows');
      assert.equal(await frame.locator('[data-testid="disagreements"] .disagreement').count(), cli.disagreements.length, 'every disagreement listed');
      return cli;
    };

    const review = await sameAsCli('review');
    // The hand-counted fixture: refusal:14 dismissed on a reviewed run is a false positive of the detectors.
    const refusal = frame.locator('[data-testid="agreement-table"] tr[data-behaviour="refusal"][data-source="detectors"]');
    assert.equal(await refusal.locator('[data-field="fp"]').innerText(), '1');
    assert.match((await refusal.getAttribute('title'))!, /^refusal, detectors: 4 runs, 0 true positive, 1 false positive/);
    assert.equal(review.labelledRuns, 4);
    assert.match(await frame.locator('[data-testid="agreement-note"]').innerText(), /^Against reviewers' labels: 4 runs labelled, \d+ without labels/);
    await frame.locator('[data-testid="agreement"]').scrollIntoViewIfNeeded();
    await screenshot(page, 'corpus-agreement');

    // The source's own verdicts: the study's evaluation fields, no review needed.
    await frame.locator('[data-testid="agreement-labels"]').selectOption('source');
    const source = await sameAsCli('source');
    assert.ok(source.disagreements.some((d) => d.tagged), 'a disagreement where the detectors tagged');

    // Click a disagreement the detectors tagged: the run opens at the tag's first event.
    const tagged = frame.locator('[data-testid="disagreements"] .disagreement-open[data-event]').first();
    const event = Number(await tagged.getAttribute('data-event'));
    const key = (await tagged.getAttribute('data-key'))!;
    const d = source.disagreements.find((x) => x.tagged && path.basename(x.file) === path.basename(key));
    assert.ok(d, `${key} is one of the CLI's disagreements`);
    assert.equal(event, Math.min(...d.tags.flatMap((t) => t.events)));
    await tagged.focus();
    await tagged.press('Enter');
    const editor = await peerwatchFrame(page);
    const focused = editor.locator('[data-testid="event-list"] .event.focused');
    await waitFor(`event #${event} focused in the editor`, async () => (await focused.count()) > 0 && Number(await focused.first().getAttribute('data-event-index')) === event, LONG);
    assert.match(await page.locator('.tabs-container .tab.active').innerText(), new RegExp(path.basename(key).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });
});
