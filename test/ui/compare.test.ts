/**
 * Compare with… in the real VS Code: a researcher right-clicks a tampering run in the explorer,
 * picks the faithful run of the same task, and reads the comparison view: the header names the first
 * divergence (the config change) and the outcome and tag differences, the rows of both runs stand
 * side by side, and n steps to the first difference, Next to the one after.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeTestWorkbench, frameWith, openWorkbench, repoRoot, screenshot, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const TAMPERING = 'tampering-shutdown-tampering-peer-neutral_peer.json';
const FAITHFUL = 'tampering-faithful-peer-bad_peer.json';

describe('Compare with… (the comparison view)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let workspace: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-compare-'));
    for (const f of [TAMPERING, FAITHFUL]) fs.copyFileSync(path.join(repoRoot, 'examples', 'study', f), path.join(workspace, f));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it('opens from the explorer, names the divergence and the differences, and steps to the first difference', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    // The explorer's context menu on the tampering run: Compare with…
    const item = page.locator('.explorer-folders-view .monaco-list-row', { hasText: TAMPERING });
    await item.waitFor({ state: 'visible', timeout: LONG });
    const menuItem = page.locator('.monaco-menu .action-item', { hasText: 'Compare with…' });
    // The menu lists the extension's entry once its contributions are read: open it again until then.
    await waitFor('"Compare with…" in the explorer context menu', async () => {
      await item.click({ button: 'right' });
      const shown = await menuItem.first().waitFor({ state: 'visible', timeout: 2_000 }).then(() => true, () => false);
      if (!shown) await page.keyboard.press('Escape');
      return shown;
    }, LONG);
    // The quick pick of the other run (B). A click that lands just as the menu opens only highlights
    // the item (the menu ignores a mouse-up that soon), so click again while the menu is still there.
    const input = page.locator('.quick-input-widget input');
    await waitFor('the quick pick of the other run', async () => {
      if (await input.isVisible()) return true;
      if (await menuItem.first().isVisible()) await menuItem.first().click({ timeout: 2_000 }).catch(() => undefined);
      return input.isVisible();
    }, LONG);
    await input.fill(FAITHFUL);
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: FAITHFUL }).first().waitFor({ state: 'visible', timeout: LONG });
    await page.keyboard.press('Enter');

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
});
