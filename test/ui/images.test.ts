/**
 * Images and groups in the real VS Code: an Inspect sample's ContentImage shows as an image (a checked
 * data: URL the CSP allows, size-capped, with its alt text) and an image whose bytes are not what it
 * says is described instead; a run log's agent group is folded under its tool call and unfolds and
 * folds again by click and by Enter, the scorer's group is marked as the grader's, and the header
 * names the reader.
 *
 * Fixtures: test/fixtures/editor/ (written by make-fixtures.mjs there).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeTestWorkbench, frameWith, openWorkbench, quickOpen, repoRoot, runCommand, screenshot, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'editor');

describe('Images and groups in the editor', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let workspace: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-images-'));
    for (const f of ['image-sample.eval', 'groups.runlog.jsonl']) fs.copyFileSync(path.join(fixtures, f), path.join(workspace, f));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it("shows an Inspect sample's image with its alt text, and describes an image that is not what it says", async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await quickOpen(page, 'image-sample.eval');
    const frame = await frameWith(page, '[data-testid="sample-row"][data-key="pic#1"]');
    await frame.locator('[data-testid="sample-row"][data-key="pic#1"]').click();
    const img = frame.locator('[data-testid="event-list"] .event[data-role="user"] img[data-testid="transcript-image"]');
    await img.waitFor({ state: 'visible', timeout: LONG });
    const alt = 'A checkerboard from the lab camera (alt-needle-5e2)';
    assert.equal(await img.getAttribute('alt'), alt);
    assert.match(await frame.locator('[data-testid="event-list"] .event[data-role="user"] figcaption').innerText(), /A checkerboard from the lab camera \(alt-needle-5e2\) · PNG, 100 bytes/);
    // The image decoded (the CSP let the data: URL through): its natural size is the PNG's, 24×16.
    const size = await waitFor('the image to decode', async () => {
      const s = await img.evaluate((n) => ({ w: (n as HTMLImageElement).naturalWidth, h: (n as HTMLImageElement).naturalHeight }));
      return s.w > 0 ? s : undefined;
    }, LONG);
    assert.deepEqual(size, { w: 24, h: 16 });
    // The tool's image claims PNG but holds text: described, never made an image.
    const omitted = frame.locator('[data-testid="event-list"] .event[data-kind="tool_result"] [data-testid="image-omitted"]');
    await omitted.waitFor({ timeout: LONG });
    assert.match(await omitted.innerText(), /zoomed view \(image not shown: its data is not a PNG/);
    assert.equal(await frame.locator('[data-testid="event-list"] .event[data-kind="tool_result"] img').count(), 0);
    await screenshot(page, 'inspect-image');
  });

  it('folds an agent group under its tool call, unfolds and folds it by click and Enter, marks the scorer as the grader', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await quickOpen(page, 'groups.runlog.jsonl');
    const frame = await frameWith(page, '[data-testid="group-header"]');
    assert.match(await frame.locator('[data-testid="reader"]').innerText(), /^Read as Inspect \.json \(runlog\)$/);
    const agent = frame.locator('[data-testid="group-header"][data-group-kind="agent"]');
    await agent.waitFor({ timeout: LONG });
    assert.equal(await agent.getAttribute('data-folded'), 'true', 'an agent run as a tool starts folded');
    assert.match(await agent.innerText(), /Agent researcher · 2 events · run by tool call call-research/);
    const span = frame.locator('[data-testid="group-header"][data-group-kind="span"]');
    assert.equal(await span.getAttribute('data-folded'), 'false', 'a span starts open');
    const scorer = frame.locator('[data-testid="group-header"][data-group-kind="scorer"]');
    assert.match(await scorer.innerText(), /Scorer model_graded_qa · 2 events · the grader's model calls, not the agent's/);
    const inner = frame.locator('[data-testid="event-list"] .event', { hasText: 'inner-needle-3b1' });
    assert.equal(await inner.count(), 0, "the agent's events are folded away");

    await agent.click();
    await inner.waitFor({ state: 'visible', timeout: LONG });
    await waitFor('the agent header to say it is open', async () => (await agent.getAttribute('data-folded')) === 'false', LONG);
    await screenshot(page, 'groups-unfolded');

    await agent.focus();
    await page.keyboard.press('Enter');
    await inner.waitFor({ state: 'detached', timeout: LONG });
    await waitFor('the agent header to say it is folded', async () => (await agent.getAttribute('data-folded')) === 'true', LONG);

    // Going to an event inside the folded group (a link here; F8 to a flag takes the same path) unfolds it.
    await runCommand(page, 'Peerwatch: Open Link to Event');
    const input = page.locator('.quick-input-widget input');
    await input.fill('vscode://peerwatch.peerwatch/open?file=groups.runlog.jsonl&event=4');
    await input.press('Enter');
    await frame.locator('[data-testid="event-list"] .event.focused[data-event-index="4"]').waitFor({ state: 'visible', timeout: LONG });
    assert.equal(await agent.getAttribute('data-folded'), 'false');
  });
});
