/**
 * A log of many samples as a corpus, in the real VS Code (one page load): the sample list shows each
 * sample's flags once the worker has tagged it, the status bar how many samples are flagged, it sorts
 * by flag count from the Flags column button, and
 * f / Alt+F8 open the next flagged sample in the order shown, at its first flag.
 *
 * Fixture: test/unit/fixtures/inspect/peer_runs.eval; what each sample's flags should be is read here
 * with Peerwatch's own reader and detectors (the host test checks them against `peerwatch tag`).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { detectBehaviours } from '../../src/core/behaviours';
import { flaggedEvents } from '../../src/core/review/merge';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { closeTestWorkbench, frameWith, openWorkbench, quickOpen, repoRoot, screenshot, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;

describe('Sample flags: the flags column, sorting by it, Next Flagged Sample', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let workspace: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-sample-flags-'));
    fs.copyFileSync(path.join(repoRoot, 'test', 'unit', 'fixtures', 'inspect', 'peer_runs.eval'), path.join(workspace, 'peer_runs.eval'));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it('shows each sample’s flag count, sorts by it, and f / Alt+F8 open the flagged samples in that order', async () => {
    const log = await openSampleLogFile(path.join(workspace, 'peer_runs.eval'));
    assert.ok(log);
    const expected = new Map<string, { count: number; first?: number }>();
    for (const s of log.samples) {
      const flagged = flaggedEvents(detectBehaviours(await log.readSample(s.key)));
      expected.set(s.key, { count: flagged.length, ...(flagged.length ? { first: flagged[0]!.event } : {}) });
    }
    // Highest count first; equal counts keep the log's order.
    const byFlags = [...expected].map(([k, f], i) => ({ k, f, i })).sort((a, b) => b.f.count - a.f.count || a.i - b.i).map((x) => x.k);
    assert.notDeepEqual(byFlags, log.samples.map((s) => s.key), 'sorting by flags changes the order');

    wb = await openWorkbench(workspace);
    const { page } = wb;
    await quickOpen(page, 'peer_runs.eval');
    const frame = await frameWith(page, '[data-testid="sample-list"]');
    const counts = async () =>
      frame.locator('[data-testid="sample-row"]').evaluateAll((rows) => rows.map((r) => [(r as HTMLElement).dataset.key, r.querySelector<HTMLElement>('[data-field="flags"]')?.dataset.count]));
    await waitFor('every sample’s flag count', async () => JSON.stringify(await counts()) === JSON.stringify(log.samples.map((s) => [s.key, String(expected.get(s.key)!.count)])), LONG);
    // The status bar counts the flagged samples (not "Not tagged", as it said of a list).
    const flaggedSamples = [...expected.values()].filter((f) => f.count > 0).length;
    await page.locator('.statusbar-item', { hasText: `${flaggedSamples} of ${log.samples.length} samples flagged` }).waitFor({ timeout: LONG });
    assert.equal(await page.locator('.statusbar-item', { hasText: 'Not tagged' }).count(), 0);

    await frame.locator('[data-testid="sample-sort"][data-sort="flags"]').click();
    await waitFor('the list sorted by flags', async () => JSON.stringify((await counts()).map((c) => c[0])) === JSON.stringify(byFlags), LONG);
    assert.equal(await frame.locator('[data-testid="sample-sort"][data-sort="flags"]').getAttribute('aria-sort'), 'descending');
    await screenshot(page, 'sample-flags-sorted');

    // f opens the first flagged sample in the order shown, at its first flag.
    await frame.locator('[data-testid="samples-header"]').click();
    await page.keyboard.press('f');
    const first = byFlags[0]!;
    const firstFlag = frame.locator(`[data-testid="event-list"] .event[data-event-index="${expected.get(first)!.first}"]`);
    await firstFlag.waitFor({ timeout: LONG });
    await frame.locator('[data-testid="sample-status"]', { hasText: `(epoch ${first.split('#')[1]})` }).waitFor({ timeout: LONG });
    // Alt+F8 (Peerwatch: Next Flagged Sample) while a sample is open: the next one in that order.
    const second = byFlags[1]!;
    const secondRow = log.samples.findIndex((s) => s.key === second) + 1;
    await firstFlag.click({ position: { x: 4, y: 4 } }); // its corner: not a button in it
    await page.keyboard.press('Alt+F8');
    await page.locator('.statusbar-item', { hasText: `Sample ${secondRow} of ${log.samples.length}` }).waitFor({ timeout: LONG });
  });
});
