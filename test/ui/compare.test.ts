/**
 * Compare with… in the real VS Code: a researcher right-clicks a tampering run in the explorer,
 * picks the faithful run of the same task, and reads the comparison view: the header names the first
 * divergence (the config change) and the outcome and tag differences, the rows of both runs stand
 * side by side, and n steps to the first difference, Next to the one after. Runs too large for the
 * view get its header, the rows counted and the command line that prints them.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import { closeSharedWorkbenches, closeTestWorkbench, explorerMenuItem, frameWith, repoRoot, screenshot, sharedWorkbench, type Workbench } from './vscodeSession';
import { writeLargeRun } from '../largeRun';
import { waitFor } from '../wait';

const LONG = 60_000;
const TAMPERING = 'tampering-shutdown-tampering-peer-neutral_peer.json';
const FAITHFUL = 'tampering-faithful-peer-bad_peer.json';

/** Compare with… from the explorer's context menu on `a`, picking `b` in the quick pick. */
async function compareFromExplorer(page: Page, a: string, b: string): Promise<void> {
  // The explorer's context menu on A: Compare with…
  const menuItem = await explorerMenuItem(page, a, 'Compare with…', LONG);
  // The quick pick of the other run (B). A click that lands just as the menu opens only highlights
  // the item (the menu ignores a mouse-up that soon), so click again while the menu is still there.
  const input = page.locator('.quick-input-widget input');
  await waitFor('the quick pick of the other run', async () => {
    if (await input.isVisible()) return true;
    if (await menuItem.isVisible()) await menuItem.click({ timeout: 2_000 }).catch(() => undefined);
    return input.isVisible();
  }, LONG);
  await input.fill(b);
  await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: b }).first().waitFor({ state: 'visible', timeout: LONG });
  await page.keyboard.press('Enter');
}

describe('Compare with… (the comparison view)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let workspace: string;

  // Both tests only read their runs: they share one window on one folder holding all of them, written
  // before the window opens (sharedWorkbench in vscodeSession.ts).
  const [longA, longB] = ['long-a.runlog.jsonl', 'long-b.runlog.jsonl'];
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-compare-'));
    for (const f of [TAMPERING, FAITHFUL]) fs.copyFileSync(path.join(repoRoot, 'examples', 'study', f), path.join(workspace, f));
    // 3,000 + 2,500 events: over the view's 5,000 (core/compare/view.ts MAX_VIEW_EVENTS).
    writeLargeRun(path.join(workspace, longA), path.join(repoRoot, 'examples'), 3000);
    writeLargeRun(path.join(workspace, longB), path.join(repoRoot, 'examples'), 2500);
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb);
    wb = undefined;
  });

  after(async () => {
    await closeSharedWorkbenches();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('opens from the explorer, names the divergence and the differences, and steps to the first difference', async () => {
    wb = await sharedWorkbench(workspace);
    const { page } = wb;
    await compareFromExplorer(page, TAMPERING, FAITHFUL);

    const frame = await frameWith(page, '[data-testid="compare-rows"]');
    const header = frame.locator('[data-testid="compare-header"]');
    assert.match(await header.locator('[data-field="a"]').innerText(), new RegExp(TAMPERING.replace(/\./g, '\\.')));
    assert.match(await header.locator('[data-field="b"]').innerText(), new RegExp(FAITHFUL.replace(/\./g, '\\.')));
    assert.match(await frame.locator('[data-testid="first-divergence"]').innerText(), /First divergence \(what they did\).*only in A: step 5 tool call modify_var/);
    assert.match(await header.locator('[data-field="config"]').innerText(), /shutdown_config\.yaml: shutdown_enabled: A "" · B \(absent\)/);
    assert.match(await frame.locator('[data-testid="compare-tags"] [data-field="only-a"]').innerText(), /only A: shutdown-tampering/);
    // Both runs' rows, aligned: a row the same in both shows the event twice, side by side.
    const same = frame.locator('.compare-row[data-status="same"]').first();
    assert.equal(await same.locator('.compare-cell .event').count(), 2);
    const rows = frame.locator('.compare-row');
    const statuses = await rows.evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset['status']));
    const first = statuses.findIndex((s) => s !== 'same');
    assert.ok(first >= 0, 'the runs differ');

    // n: the first difference, outlined, scrolled into view, counted in the header.
    await frame.locator('body').press('n');
    const current = frame.locator('.compare-row.current');
    await current.waitFor({ state: 'visible', timeout: LONG });
    assert.equal(await current.getAttribute('data-row'), String(first));
    assert.match(await frame.locator('[data-testid="difference-position"]').innerText(), /^difference 1 of \d+$/);
    // The changed row's text is diffed inline: the words only in A are marked in A's cell.
    if (statuses[first] === 'changed') assert.ok((await current.locator('.cell-a .word-changed.del').count()) > 0, 'changed words marked');
    await screenshot(page, 'compare-first-difference');
    // Next (the button): the following difference, further down.
    await frame.locator('[data-testid="next-difference"]').click();
    await waitFor('the second difference', async () => (await frame.locator('[data-testid="difference-position"]').innerText()).startsWith('difference 2 of'));
    assert.ok(Number(await frame.locator('.compare-row.current').getAttribute('data-row')) > first);
  });

  it('runs too large to show row by row: the header, the rows counted, and the command that prints every row', async () => {
    // Written in the folder before the window opened (before).
    const [a, b] = [longA, longB];
    wb = await sharedWorkbench(workspace);
    const { page } = wb;
    await compareFromExplorer(page, a, b);
    const frame = await frameWith(page, '[data-testid="compare-too-large"]');
    const note = await frame.locator('[data-testid="compare-too-large"]').innerText();
    assert.match(note, /These runs hold 5,500 events together, more than the 5,000 this view shows row by row\./);
    // B is A's first 2,500 events: 2,500 rows the same, 500 only in A.
    assert.match(note, /Their 3,000 aligned rows: 2,500 the same, 0 changed, 500 only in A, 0 only in B\./);
    assert.equal(await frame.locator('[data-testid="compare-command"]').innerText(), `peerwatch compare ${path.join(workspace, a)} ${path.join(workspace, b)}`);
    assert.match(await frame.locator('[data-testid="first-divergence"]').innerText(), /First divergence \(what they did\), row 250\d: only in A: step \d+ tool call/);
    // On screen from the start, above the weight operations the header lists (the first few of each run's hundreds).
    const box = await frame.locator('[data-testid="compare-too-large"]').boundingBox();
    assert.ok(box && box.y + box.height < 600, `the note is near the top of the view: ${JSON.stringify(box)}`);
    assert.match(await frame.locator('[data-field="weights"]').innerText(), /^Weights:\nA copy [^\n]*; … and [\d,]+ more\nB copy [^\n]*; … and [\d,]+ more$/);
    assert.equal(await frame.locator('.compare-row').count(), 0);
    assert.equal(await frame.locator('[data-testid="next-difference"]').count(), 0);
    await screenshot(page, 'compare-too-large');
  });
});
