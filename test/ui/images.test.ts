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
import { closeSharedWorkbenches, closeTestWorkbench, frameWith, quickOpen, repoRoot, runCommand, screenshot, sharedWorkbench, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';
import { renderPage } from './renderPage';
import type { Page } from 'playwright-core';

const LONG = 60_000;
const fixtures = path.join(repoRoot, 'test', 'fixtures', 'editor');

describe('Images and groups in the editor', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let workspace: string;

  // Both tests only read these files: they share one window on one folder (sharedWorkbench).
  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-images-'));
    for (const f of ['image-sample.eval', 'groups.runlog.jsonl']) fs.copyFileSync(path.join(fixtures, f), path.join(workspace, f));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb);
    wb = undefined;
  });

  after(async () => {
    await closeSharedWorkbenches();
    fs.rmSync(workspace, { recursive: true, force: true });
  });

  it("shows an Inspect sample's image with its alt text, and describes an image that is not what it says", async () => {
    wb = await sharedWorkbench(workspace);
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
    wb = await sharedWorkbench(workspace);
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

describe('Images and group headers: render.ts contract in a plain Chromium page', function () {
  this.timeout(120_000);
  let page: Page | undefined;
  const PNG64 = fs.readFileSync(path.join(fixtures, 'tiny.png')).toString('base64');
  const JPEG64 = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20, 7)]).toString('base64');

  before(async () => {
    page = await renderPage(['renderImages', 'renderGroupHead', 'renderHeader']);
  });
  after(async () => page?.close());

  it('makes an <img> only of data that is base64 of the shown type it declares; anything else is described', async () => {
    // Parts as a run log could hold them: the page checks again, whatever the reader did.
    const parts = [
      { alt: 'good "><script>window.bad=1</script>', mediaType: 'image/png', data: PNG64 },
      { alt: 'jpeg declared png', mediaType: 'image/png', data: JPEG64 },
      { alt: 'svg', mediaType: 'image/svg+xml', data: Buffer.from('<svg onload="window.bad=1"/>').toString('base64') },
      { alt: 'not base64', mediaType: 'image/png', data: `${PNG64.slice(0, 12)}" onerror="window.bad=1` },
      { alt: 'type with parameters', mediaType: 'image/png;charset=x', data: PNG64 },
      { alt: 'a link', url: 'https://example.com/x.png', omitted: 'it is a link, which Peerwatch does not fetch' },
    ];
    const out = await page!.evaluate((ps) => {
      const PW = (window as unknown as { PW: typeof import('../../src/webview/render') }).PW;
      const wrap = PW.renderImages(ps);
      document.getElementById('list')!.append(wrap);
      return {
        imgs: [...wrap.querySelectorAll('img')].map((i) => ({ alt: i.alt, src: i.getAttribute('src')!.slice(0, 30), attrs: i.getAttributeNames().sort() })),
        omitted: [...wrap.querySelectorAll('[data-testid="image-omitted"]')].map((n) => n.textContent),
        scripts: wrap.querySelectorAll('script').length,
        bad: (window as unknown as { bad?: number }).bad,
      };
    }, parts);
    assert.deepEqual(out.imgs, [{ alt: 'good "><script>window.bad=1</script>', src: 'data:image/png;base64,iVBORw0K', attrs: ['alt', 'class', 'data-testid', 'src', 'title'] }]);
    assert.equal(out.scripts, 0);
    assert.equal(out.bad, undefined);
    assert.equal(out.omitted.length, 5);
    assert.match(out.omitted[0]!, /jpeg declared png \(image not shown: its data is a JPEG \(declared image\/png/);
    assert.match(out.omitted[1]!, /svg \(image not shown: its media type "image\/svg\+xml" is not one the editor shows/);
    assert.match(out.omitted[2]!, /not base64 \(image not shown: its data is not base64 \(character "\\"" at offset 12\)/);
    assert.match(out.omitted[3]!, /type with parameters \(image not shown: its media type "image\/png;charset=x"/);
    assert.match(out.omitted[4]!, /a link \(image not shown: it is a link, which Peerwatch does not fetch\)https:\/\/example\.com\/x\.png/);
  });

  it('a group header is a button row saying whether it is open; folded, it stands for the event it starts at', async () => {
    const out = await page!.evaluate(() => {
      const PW = (window as unknown as { PW: typeof import('../../src/webview/render') }).PW;
      const open = PW.renderGroupHead({ id: 's1', kind: 'span', name: 'solver', count: 6, folded: false, depth: 0 }, 1, false);
      const folded = PW.renderGroupHead({ id: 'a1', kind: 'agent', name: 'researcher', callId: 'call-7', count: 2, folded: true, depth: 1 }, 3, true);
      const pick = (n: HTMLElement) => ({ text: n.textContent, role: n.getAttribute('role'), expanded: n.getAttribute('aria-expanded'), index: n.dataset.eventIndex ?? null, isEvent: n.classList.contains('event'), tab: n.getAttribute('tabindex') });
      return [pick(open), pick(folded)];
    });
    assert.deepEqual(out, [
      { text: 'Span solver · 6 events', role: 'button', expanded: 'true', index: null, isEvent: false, tab: '0' },
      { text: 'Agent researcher · 2 events · run by tool call call-7', role: 'button', expanded: 'false', index: '3', isEvent: true, tab: '0' },
    ]);
  });

  it('the header names the reader and format, and a guessed reading as a warning', async () => {
    const out = await page!.evaluate(() => {
      const PW = (window as unknown as { PW: typeof import('../../src/webview/render') }).PW;
      const base = { format: 'json', peerInstantiation: [], metadata: {} } as unknown as Parameters<typeof PW.renderHeader>[1];
      const sure = PW.renderHeader('a.json', { ...base, reader: { name: 'Claude Code session' } }, false);
      const guessed = PW.renderHeader('b.json', { ...base, reader: { name: 'message lists found anywhere', guess: { path: '$.data.turns', note: '12 role/content objects' } } }, false);
      const text = (root: HTMLElement, id: string) => root.querySelector<HTMLElement>(`[data-testid="${id}"]`)?.textContent ?? null;
      return { sure: [text(sure, 'reader'), text(sure, 'reader-guess')], guessed: [text(guessed, 'reader'), text(guessed, 'reader-guess')] };
    });
    assert.deepEqual(out.sure, ['Read as Claude Code session (json)', null]);
    assert.deepEqual(out.guessed, ['Read as message lists found anywhere (json)', ' Guessed: no known format matched; read $.data.turns — 12 role/content objects']);
  });
});
