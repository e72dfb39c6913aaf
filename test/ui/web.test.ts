/**
 * Peerwatch as a web extension (vscode.dev, github.dev): code-server started with the user setting
 * `remote.extensionKind: {"peerwatch.peerwatch": ["web"]}`, which runs the extension's `browser` entry
 * (dist/web/extension.js) in VS Code's web worker extension host instead of its Node `main` (docs/web.md).
 * In that host a study run and an Inspect `.eval` open, their tags show in the editor and the Behaviours
 * view, and a review is saved to the sidecar beside the log through `vscode.workspace.fs`; the re-run
 * commands are not in the palette; an `.eval` over the size setting asks first (it is read whole there).
 *
 * This file starts its own code-server (the setting is the user's, and the other UI tests run the Node
 * host); the browser is the shared one. Expectations come from the same core, read in Node.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { detectBehaviours, type Tag } from '../../src/core/behaviours';
import { parseTranscript } from '../../src/core/formats';
import { flaggedEvents } from '../../src/core/review/merge';
import { reviewSidecarPath } from '../../src/core/review/sidecar';
import { cellText } from '../../src/core/corpus/corpusTable';
import type { SummaryRow } from '../../src/core/corpus/summarize';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { frameWith, peerwatchFrame, quickOpen, repoRoot, runCommand, screenshot, session, VIEWPORT, type CodeServer, type SharedSession, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const STUDY_RUN = 'tampering-shutdown-tampering-exfiltration-peer-good_peer.json';
const EVAL = 'peer_tampering.eval';
const REVIEWER = 'Web Reviewer';

const row = (frame: Frame, index: number) => frame.locator(`[data-testid="event-list"] .event[data-event-index="${index}"]`);

/** The pane of the "Behaviours" view (not "Behaviours in Folder"). */
function behavioursPane(page: Page): Locator {
  return page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours$/ }) });
}

/** Dismisses `tag` (on the run's first flagged event) with its badge's ✗ in the editor, saves (Ctrl+S) and gives the sidecar's JSON once written. */
async function dismissAndSave(page: Page, frame: Frame, tag: Tag, sidecar: string): Promise<{ verdicts: Record<string, { verdict: string; by: string }> }> {
  assert.equal(fs.existsSync(sidecar), false, 'no sidecar before the review');
  // F8 from the top of the run goes to the first flag (the list draws only the rows on screen).
  await row(frame, 0).click({ position: { x: 4, y: 4 } });
  await page.keyboard.press('F8');
  const badge = row(frame, tag.events[0]!).locator(`.badge-tag[data-tag-id="${tag.id}"]`);
  await badge.waitFor({ state: 'visible', timeout: LONG });
  await badge.locator('[data-action="tag-dismiss"]').click();
  await badge.and(frame.locator('[data-verdict="dismissed"]')).waitFor({ state: 'attached', timeout: LONG });
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'visible', timeout: LONG });
  await row(frame, tag.events[0]!).click({ position: { x: 4, y: 4 } });
  await page.keyboard.press('Control+S');
  await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: LONG });
  await waitFor(`${path.basename(sidecar)} to be written`, async () => fs.existsSync(sidecar), LONG);
  return JSON.parse(fs.readFileSync(sidecar, 'utf8'));
}

describe('Peerwatch in the web worker extension host (vscode.dev, github.dev)', function () {
  this.timeout(240_000);
  let server: CodeServer | undefined;
  let workspace: string;
  let wb: Workbench | undefined;

  before(async () => {
    const s = await session();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-web-'));
    fs.copyFileSync(path.join(s.examples, 'study', STUDY_RUN), path.join(workspace, STUDY_RUN));
    fs.copyFileSync(path.join(s.examples, 'inspect', EVAL), path.join(workspace, EVAL));
    // A computed specifier keeps esbuild from bundling the runner library into the test.
    const lib = path.join(repoRoot, 'scripts', 'vscode-server.mjs');
    const { startCodeServer, uiTestSettings } = await import(/* @vite-ignore */ `file://${lib}`);
    server = await startCodeServer({
      folder: workspace,
      settings: { ...uiTestSettings, 'remote.extensionKind': { 'peerwatch.peerwatch': ['web'] }, 'peerwatch.reviewer': REVIEWER },
    });
    wb = await openWebWorkbench(s, workspace);
  });

  /** A window of this file's code-server on `folder`, with Peerwatch as the development extension (forced into the web worker). */
  async function openWebWorkbench(s: SharedSession, folder: string): Promise<Workbench> {
    const context = await s.browser.newContext({ viewport: VIEWPORT });
    const page = await context.newPage();
    const devPath = `vscode-remote://127.0.0.1:${server!.port}${path.resolve(s.extensionPath)}`;
    await page.goto(`${server!.url}?folder=${encodeURIComponent(folder)}&payload=${encodeURIComponent(JSON.stringify([['extensionDevelopmentPath', devPath]]))}`, {
      waitUntil: 'domcontentloaded',
      timeout: LONG,
    });
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ state: 'visible', timeout: LONG });
    return { page, context, close: () => context.close() };
  }

  afterEach(async function () {
    if (wb && this.currentTest?.state === 'failed') await screenshot(wb.page, `FAILED-web-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
    if (wb) await runCommand(wb.page, 'View: Close All Editors').catch(() => undefined);
  });

  after(async () => {
    await wb?.close();
    await server?.stop();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('runs in the web worker extension host', async () => {
    const { page } = wb!;
    await runCommand(page, 'Developer: Show Running Extensions');
    await page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'peerwatch.peerwatch' }).filter({ hasText: 'web worker' }).waitFor({ state: 'visible', timeout: LONG });
  });

  it('opens a study run, shows its tags in the editor and the Behaviours view, and saves a review beside it', async () => {
    const { page } = wb!;
    const file = path.join(workspace, STUDY_RUN);
    const tags = detectBehaviours(parseTranscript({ fileName: file, text: fs.readFileSync(file, 'utf8') }));
    assert.ok(tags.length >= 2, 'the example run has tags');
    await quickOpen(page, STUDY_RUN);
    await page.locator('.tabs-container .tab.active', { hasText: STUDY_RUN }).waitFor({ timeout: LONG });
    await runCommand(page, 'Peerwatch: Open in Peerwatch');
    const frame = await peerwatchFrame(page);
    await frame.locator(`[data-testid="flag-summary"][data-flags="${flaggedEvents(tags).length}"]`).waitFor({ state: 'attached', timeout: LONG });
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    const pane = behavioursPane(page);
    for (const label of ['Shutdown tampering', 'Exfiltration']) await pane.locator('.monaco-list-row', { hasText: label }).first().waitFor({ state: 'visible', timeout: LONG });
    await screenshot(page, 'web-study-run');

    // With a run open, Peerwatch's editor commands are in the palette (Copy Link to Event), the
    // re-run commands are not: nothing can start a process here.
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget input');
    const rows = page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
    await input.fill('>Peerwatch: Copy Link to Event');
    await rows.filter({ hasText: 'Peerwatch: Copy Link to Event' }).first().waitFor({ state: 'visible', timeout: LONG });
    await input.fill('>Peerwatch: Re-run Scenario');
    await rows.filter({ hasText: 'Copy Link to Event' }).first().waitFor({ state: 'detached', timeout: LONG });
    assert.equal(await rows.filter({ hasText: /Re-run Scenario|Compare Runs Side by Side|Set API Key/ }).count(), 0, 'no re-run command in the palette');
    await page.keyboard.press('Escape');

    const first = flaggedEvents(tags)[0]!.tags[0]!;
    const saved = await dismissAndSave(page, frame, first, path.join(workspace, reviewSidecarPath(STUDY_RUN)));
    assert.equal(saved.verdicts[first.id]?.verdict, 'dismissed');
    assert.equal(saved.verdicts[first.id]?.by, REVIEWER);
    assert.deepEqual(fs.readdirSync(workspace).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left beside the sidecar');
  });

  it('opens an Inspect .eval on its samples with their flags, opens a flagged sample and saves its review', async () => {
    const { page } = wb!;
    const log = await openSampleLogFile(path.join(workspace, EVAL));
    assert.ok(log);
    const expected: Array<[string, string]> = [];
    const sampleTags = new Map<string, Tag[]>();
    for (const s of log.samples) {
      const t = detectBehaviours(await log.readSample(s.key));
      sampleTags.set(s.key, t);
      expected.push([s.key, String(flaggedEvents(t).length)]);
    }
    const flagged = [...sampleTags].find(([, t]) => t.length > 0);
    assert.ok(flagged, 'a sample of the example log has tags');
    const [key, tags] = flagged;

    await quickOpen(page, EVAL);
    const frame = await frameWith(page, '[data-testid="sample-list"]');
    const counts = async () =>
      frame.locator('[data-testid="sample-row"]').evaluateAll((rs) => rs.map((r) => [(r as HTMLElement).dataset.key, r.querySelector<HTMLElement>('[data-field="flags"]')?.dataset.count]));
    // Tagged in the web worker host, sample by sample: the counts the CLI's reader and detectors give.
    await waitFor('each sample’s flag count', async () => JSON.stringify(await counts()) === JSON.stringify(expected), LONG);
    await screenshot(page, 'web-eval-samples');

    await frame.locator(`[data-testid="sample-row"][data-key="${key}"]`).click();
    const events = await peerwatchFrame(page);
    await events.locator(`[data-testid="flag-summary"][data-flags="${flaggedEvents(tags).length}"]`).waitFor({ state: 'attached', timeout: LONG });
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    await behavioursPane(page).locator('.monaco-list-row', { hasText: 'Shutdown tampering' }).first().waitFor({ state: 'visible', timeout: LONG });

    const first = flaggedEvents(tags)[0]!.tags[0]!;
    const saved = await dismissAndSave(page, events, first, path.join(workspace, reviewSidecarPath(EVAL, key)));
    assert.equal(saved.verdicts[first.id]?.verdict, 'dismissed');
  });

  it('opens the corpus view of a folder from the palette with the cells peerwatch summarize gives, searches its runs, and Behaviours in Folder counts them', async () => {
    // Its own window on a copy of examples/study: the corpus is read and tagged in the web worker host.
    const s = await session();
    const study = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-web-corpus-'));
    const cliIndex = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-web-corpus-index-'));
    try {
      fs.cpSync(path.join(s.examples, 'study'), study, { recursive: true });
      // What the CLI counts for examples/study (its index kept outside the repository).
      const cli = JSON.parse(
        execFileSync(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), 'summarize', path.join(repoRoot, 'examples', 'study'), '--json', '--index', path.join(cliIndex, 'index.jsonl')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
      ) as { rows: SummaryRow[]; runs: number; followups: number; files: { found: number } };
      const row = cli.rows.find((r) => r.behaviour === 'shutdown-tampering' && r.model === 'gemini-3-pro-preview' && r.task === 'tampering' && r.condition === 'good_peer');
      assert.ok(row, 'the CLI has the cell');
      const { page } = await openWebWorkbench(s, study);
      // Open Corpus asks for the folder; the dialog proposes the workspace folder, accepted with Enter.
      await runCommand(page, 'Peerwatch: Open Corpus');
      const input = page.locator('.quick-input-widget input');
      const frame = await waitFor('the corpus view', async () => {
        if (await input.isVisible().catch(() => false)) await input.press('Enter').catch(() => undefined);
        return frameWith(page, '[data-testid="corpus-tables"] .corpus-cell', 2_000).catch(() => undefined);
      }, LONG);
      const cell = frame.locator(`.corpus-table[data-behaviour="shutdown-tampering"] .corpus-cell[data-model="${row.model}"][data-task="tampering"][data-condition="good_peer"]`);
      assert.equal((await cell.innerText()).trim(), cellText(row), 'the cell as peerwatch summarize counts it');
      await waitFor('the corpus status', async () => new RegExp(`^${cli.files.found} files: ${cli.files.found} read and tagged, 0 from the index`).test(await frame.locator('[data-testid="corpus-status"]').innerText()), LONG);
      assert.ok(fs.existsSync(path.join(study, '.peerwatch', 'index.jsonl')), 'the index is written in the folder through vscode.workspace.fs');

      // Search every run (in the host here, file by file): hits stream in from each tampering run.
      const search = frame.locator('[data-testid="corpus-search"]');
      await search.fill('shutdown_enabled');
      await search.press('Enter');
      await waitFor('the search to finish', async () => (await frame.locator('[data-testid="search-status"]').getAttribute('data-done')) === 'true', LONG);
      assert.match(await frame.locator('[data-testid="search-results"] .search-hit mark').first().innerText(), /^shutdown_enabled$/i);
      const files = new Set(await frame.locator('[data-testid="search-results"] .hit-open').evaluateAll((ns) => ns.map((n) => n.textContent!.split(' · ')[0])));
      assert.ok(files.size >= 5, `hits in the five tampering runs: ${[...files].join(', ')}`);
      await screenshot(page, 'web-corpus');

      // Behaviours in Folder: the folder's runs (follow-ups are runs of their own there), from the index just written.
      await runCommand(page, 'Focus on Behaviours in Folder View');
      const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours in Folder$/ }) });
      await waitFor('the folder view’s count', async () => new RegExp(`^${cli.runs + cli.followups} runs, \\d+ with flags\\.$`).test((await pane.locator('.message').innerText().catch(() => '')).trim()), LONG);
      await page.context().close();
    } finally {
      fs.rmSync(study, { recursive: true, force: true });
      fs.rmSync(cliIndex, { recursive: true, force: true });
    }
  });

  it('asks before opening an .eval over the size setting, saying that the browser reads it whole', async () => {
    // Its own folder, whose settings (a limit of 1 KB, which makes the example "too large") are there
    // before the window opens. In Node an .eval is read by byte range and never asks.
    const s = await session();
    const small = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-web-limit-'));
    try {
      fs.copyFileSync(path.join(s.examples, 'inspect', EVAL), path.join(small, EVAL));
      fs.mkdirSync(path.join(small, '.vscode'));
      fs.writeFileSync(path.join(small, '.vscode', 'settings.json'), JSON.stringify({ 'peerwatch.confirmOpenAboveMB': 0.001 }));
      const { page } = await openWebWorkbench(s, small);
      await quickOpen(page, EVAL);
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: LONG });
      assert.match(await dialog.innerText(), /peer_tampering\.eval is [\d.]+ MB/);
      assert.match(await dialog.innerText(), /In VS Code for the Web, Peerwatch reads the whole file into memory/);
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      const fatal = page.frameLocator('iframe.webview.ready').frameLocator('iframe').locator('[data-testid="fatal"]');
      await fatal.waitFor({ state: 'visible', timeout: LONG });
      assert.match(await fatal.innerText(), /was not opened.*peerwatch\.confirmOpenAboveMB/s);
      await page.context().close();
    } finally {
      fs.rmSync(small, { recursive: true, force: true });
    }
  });
});
