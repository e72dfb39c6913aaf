/**
 * UI tests: a real VS Code (code-server) in Chromium, driven the way a user would: Quick Open, the
 * Command Palette, and looking at what the Peerwatch webview shows. They use the webview's DOM
 * contract (data-testid / data-kind / data-event-index / data-tool / data-key / data-field).
 *
 * Screenshots land in test-results/ (the README's picture is taken by behaviours.test.ts).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import {
  listFiles,
  closeSharedWorkbenches,
  closeTestWorkbench,
  openWorkbench,
  peerwatchFrame,
  quickOpen,
  runCommand,
  screenshot,
  session,
  sharedWorkbench,
  type Workbench,
} from './vscodeSession';

const LONG = 60_000;

/**
 * Study examples to open: the one whose transcript changes shutdown_enabled through modify_var (a
 * config change), and the one that copies weights with copy_server_file. One file may be both.
 * PEERWATCH_UI_STUDY names a file for both.
 */
function studyExample(examples: string, needles: string[], avoid?: string): string {
  const override = process.env.PEERWATCH_UI_STUDY;
  if (override) return path.resolve(examples, override);
  const candidates = listFiles(path.join(examples, 'study'), '.json');
  const mentions = (f: string, words: string[]) => {
    const text = fs.readFileSync(f, 'utf8');
    return words.every((n) => text.includes(n));
  };
  const fitting = candidates.filter((f) => mentions(f, needles));
  assert.ok(fitting.length > 0, `a study example in ${examples}/study mentioning ${needles.join(', ')} (of ${candidates.length} .json files)`);
  // Prefer a transcript with both a config change and a weight copy; else one not used already.
  if (avoid) return fitting.find((f) => f !== avoid) ?? fitting[0];
  return fitting.find((f) => mentions(f, [...CONFIG_CHANGE, ...WEIGHT_COPY])) ?? fitting[0];
}
const CONFIG_CHANGE = ['shutdown_enabled', 'modify_var'];
const WEIGHT_COPY = ['copy_server_file'];

/** Opens a study file the way a user would: Quick Open (as text), then "Peerwatch: Open in Peerwatch". */
async function openStudyInPeerwatch(wb: Workbench, file: string): Promise<Frame> {
  const name = path.basename(file);
  const { page } = wb;
  await quickOpen(page, name);
  // A .json file opens as text first (Peerwatch's transcript editor is an "option" editor).
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: LONG });
  await runCommand(page, 'Peerwatch: Open in Peerwatch');
  return peerwatchFrame(page);
}

async function assertHeaderShowsModel(frame: Frame, source: string): Promise<string> {
  const header = frame.locator('[data-testid="run-header"]');
  await header.waitFor({ state: 'visible', timeout: LONG });
  const shown = (await header.locator('[data-field="model"]').first().innerText()).trim();
  // The field may carry a label ("Model") besides the value: one of its lines is the file's model string.
  const model = shown
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l.length > 0 && source.includes(JSON.stringify(l)));
  assert.ok(model, `the header's model field (${JSON.stringify(shown)}) shows a model string from the file`);
  return model;
}

async function assertToolCallShown(frame: Frame, tool: string): Promise<void> {
  const call = frame.locator(`[data-testid="event-list"] [data-kind="tool_call"][data-tool="${tool}"]`).first();
  await call.waitFor({ state: 'visible', timeout: LONG });
  assert.ok((await call.innerText()).includes(tool), `the ${tool} call shows its name`);
}

/** Picks a tool in the editor's tool filter ('' for all tools). */
async function filterTool(frame: Frame, tool: string): Promise<void> {
  await frame.locator('[data-testid="tool-filter"]').selectOption(tool);
  // The list is rebuilt when the host answers: wait for its counts to say the filter is on (or off),
  // so that rows of the list before the filter are not taken for rows of the new one.
  const counts = frame.locator('[data-testid="counts"]');
  if (tool) await counts.filter({ hasText: / of / }).waitFor({ timeout: LONG });
  else await counts.filter({ hasNotText: / of / }).waitFor({ timeout: LONG });
  await frame.locator('[data-testid="event-list"] .event').first().waitFor({ state: 'visible', timeout: LONG });
}

/** Clicks the kind filter chip (again to turn it off). */
async function toggleKindFilter(frame: Frame, kind: string): Promise<void> {
  const chip = frame.locator(`[data-testid="kind-filter"] [data-filter-kind="${kind}"]`);
  const was = await chip.getAttribute('aria-pressed');
  await chip.click();
  await frame.locator(`[data-testid="kind-filter"] [data-filter-kind="${kind}"][aria-pressed="${was === 'true' ? 'false' : 'true'}"]`).waitFor({ timeout: LONG });
}

function runlogExample(examples: string): string {
  const found = listFiles(path.join(examples, 'runlog'), '.runlog.jsonl');
  assert.ok(found.length > 0, `a .runlog.jsonl example in ${examples}/runlog`);
  return found[0];
}

async function assertEveryEventIndexed(frame: Frame): Promise<number> {
  // Rows arrive from the host after the list is laid out: wait for the first one.
  await frame.locator('[data-testid="event-list"] .event').first().waitFor({ state: 'visible', timeout: LONG });
  const events = frame.locator('[data-testid="event-list"] .event');
  const total = await events.count();
  const indexed = await frame.locator('[data-testid="event-list"] .event[data-event-index][data-kind]').count();
  assert.ok(total > 0, 'the event list shows events');
  assert.equal(indexed, total, 'every event element has data-event-index and data-kind');
  return total;
}

describe('Peerwatch UI in a real VS Code (code-server + Chromium)', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb);
    wb = undefined;
  });
  // Tests on the examples folder share one window (reset between them: vscodeSession.ts).
  after(closeSharedWorkbenches);

  it('shows a study transcript with a config change and a weight copy: header, tool calls, the change, the copy and the reasoning', async () => {
    const s = await session();
    const file = studyExample(s.examples, [...CONFIG_CHANGE, ...WEIGHT_COPY]);
    const source = fs.readFileSync(file, 'utf8');
    wb = await sharedWorkbench(s.examples);
    const frame = await openStudyInPeerwatch(wb, file);

    await assertHeaderShowsModel(frame, source);
    // The list holds only what is on screen; a reader narrows it with the filters to find things.
    await filterTool(frame, 'modify_var');
    await assertToolCallShown(frame, 'modify_var');
    await filterTool(frame, 'copy_server_file');
    await assertToolCallShown(frame, 'copy_server_file');
    await filterTool(frame, '');
    const list = frame.locator('[data-testid="event-list"]');
    await toggleKindFilter(frame, 'file_change');
    const copy = list.locator('[data-kind="file_change"][data-op="copy"]').first();
    await copy.waitFor({ state: 'visible', timeout: LONG });
    assert.match(await copy.innerText(), /model_weight/, 'the weight copy names the weights file');
    await toggleKindFilter(frame, 'file_change');
    await toggleKindFilter(frame, 'reasoning');
    await list.locator('[data-kind="reasoning"]').first().waitFor({ state: 'visible', timeout: LONG });
    await toggleKindFilter(frame, 'reasoning');
    await toggleKindFilter(frame, 'config_change');
    const change = list.locator('[data-kind="config_change"][data-config-key~="shutdown_enabled"]').first();
    await change.waitFor({ state: 'visible', timeout: LONG });
    assert.ok((await change.innerText()).includes('shutdown_enabled'), 'the config change names shutdown_enabled');
    await assertEveryEventIndexed(frame);
    // Pick the change, then show everything again: the change stays in view, in its context.
    const changeIndex = await change.getAttribute('data-event-index');
    await change.click({ position: { x: 5, y: 5 } });
    await toggleKindFilter(frame, 'config_change');
    await list.locator('[data-kind="tool_call"]').first().waitFor({ state: 'visible', timeout: LONG });
    const again = list.locator(`[data-event-index="${changeIndex}"]`);
    await again.waitFor({ state: 'visible', timeout: LONG });
    assert.ok(await again.evaluate((n) => n.classList.contains('focused')), 'the picked change is still the focused event');
    await screenshot(wb.page, 'study-config-change');
  });

  it('shows a study transcript with a weight copy: the copy_server_file call', async () => {
    const s = await session();
    // Another transcript than the first test's when there is one (another model, another layout).
    const file = studyExample(s.examples, WEIGHT_COPY, studyExample(s.examples, CONFIG_CHANGE));
    const source = fs.readFileSync(file, 'utf8');
    wb = await sharedWorkbench(s.examples);
    const frame = await openStudyInPeerwatch(wb, file);

    await assertHeaderShowsModel(frame, source);
    await filterTool(frame, 'copy_server_file');
    await assertToolCallShown(frame, 'copy_server_file');
    await assertEveryEventIndexed(frame);
    await screenshot(wb.page, 'study-weight-copy');
  });

  it('opens a .runlog.jsonl in Peerwatch directly from Quick Open', async () => {
    const s = await session();
    const file = runlogExample(s.examples);
    const name = path.basename(file);

    wb = await sharedWorkbench(s.examples);
    const { page } = wb;
    await quickOpen(page, name);
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: LONG });
    const frame = await peerwatchFrame(page);
    await frame.locator('[data-testid="run-header"]').waitFor({ state: 'visible', timeout: LONG });
    await assertEveryEventIndexed(frame);
    // Peerwatch, not the text editor, is what the tab shows.
    assert.equal(await page.locator('.editor-group-container.active .monaco-editor .view-lines').count(), 0, 'no text editor in the active group');
    await screenshot(page, 'runlog-default-editor');
  });

  it('shows a diagnostic naming the file and line of a damaged run log, and the events before it', async () => {
    const s = await session();
    const original = runlogExample(s.examples);
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-damaged-'));
    try {
      // Keep the first ~2/3 of the lines and cut the next one in half: a truncated write.
      const lines = fs.readFileSync(original, 'utf8').split('\n').filter((l) => l.trim() !== '');
      assert.ok(lines.length >= 3, `${original} has at least 3 records`);
      const kept = Math.max(2, Math.floor((lines.length * 2) / 3));
      const cutLine = lines[Math.min(kept, lines.length - 1)];
      const damagedLineNumber = Math.min(kept, lines.length - 1) + 1;
      const name = `damaged-${path.basename(original)}`;
      fs.writeFileSync(
        path.join(workspace, name),
        lines.slice(0, damagedLineNumber - 1).join('\n') + '\n' + cutLine.slice(0, Math.floor(cutLine.length / 2)),
      );

      wb = await openWorkbench(workspace);
      const { page } = wb;
      await quickOpen(page, name);
      const frame = await peerwatchFrame(page);
      // The banner above the list names the first problem; its link goes to the marker in the list
      // where reading broke (below the events before it, which may fill the screen).
      const summary = frame.locator('[data-testid="diagnostic-summary"]');
      await summary.waitFor({ state: 'visible', timeout: LONG });
      const said = await summary.innerText();
      assert.ok(said.includes(name) && new RegExp(`:${damagedLineNumber}:`).test(said), `the banner names the file and line: ${JSON.stringify(said)}`);
      await summary.locator('[data-action="goto"]').click();
      const diagnostic = frame.locator('[data-testid="diagnostic"]').first();
      await diagnostic.waitFor({ state: 'visible', timeout: LONG });
      const text = await diagnostic.innerText();
      assert.ok(text.includes(name), `the diagnostic names the file: ${JSON.stringify(text)}`);
      assert.match(text, new RegExp(`\\b${damagedLineNumber}\\b`), `the diagnostic names line ${damagedLineNumber}: ${JSON.stringify(text)}`);
      const events = await assertEveryEventIndexed(frame);
      assert.ok(events >= 1, 'events before the damage are still shown');
      await diagnostic.scrollIntoViewIfNeeded();
      await screenshot(page, 'damaged-runlog');
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
  it('shows events appended to a run log in progress without re-rendering, and drops "live" at its end record', async () => {
    const s = await session();
    const original = listFiles(path.join(s.examples, 'runlog'), '.runlog.jsonl').find((f) => path.basename(f).startsWith('in-progress-'));
    assert.ok(original, 'an in-progress run log example in examples/runlog');
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-live-'));
    try {
      const name = 'growing.runlog.jsonl';
      const file = path.join(workspace, name);
      fs.copyFileSync(original, file);
      const before = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"event"')).length;

      wb = await openWorkbench(workspace);
      const { page } = wb;
      await quickOpen(page, name);
      const frame = await peerwatchFrame(page);
      const header = frame.locator('[data-testid="run-header"]');
      await header.locator('[data-field="live"]').waitFor({ state: 'visible', timeout: LONG });
      const events = frame.locator('[data-testid="event-list"] .event');
      await frame.locator(`[data-testid="event-list"] .event[data-event-index="${before - 1}"]`).waitFor({ timeout: LONG });
      const firstShown = await events.first().elementHandle();

      // The run goes on: a tool call and its result are appended, the way a runner writes them.
      const marker = `live-check-${Date.now()}`;
      fs.appendFileSync(file, JSON.stringify({ type: 'event', kind: 'tool_call', name: 'list_server_files', arguments: { ip: marker }, id: 'live-1' }) + '\n');
      const appended = frame.locator(`[data-testid="event-list"] .event[data-event-index="${before}"][data-kind="tool_call"]`);
      // Speed is for benchmarks; this bound only says the update arrives without a reload.
      await appended.waitFor({ state: 'visible', timeout: 10_000 });
      assert.ok((await appended.innerText()).includes(marker), 'the appended call shows its argument');
      assert.equal(await events.count(), before + 1, 'exactly one new event');
      assert.ok(await firstShown!.evaluate((n) => n.isConnected), 'events already shown were not rendered again');

      fs.appendFileSync(file, JSON.stringify({ type: 'end', status: 'completed' }) + '\n');
      await header.locator('[data-field="live"]').waitFor({ state: 'detached', timeout: 5000 });
      await screenshot(page, 'live-runlog');
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
  it('asks before opening a log larger than peerwatch.confirmOpenAboveMB, and opens it only when told to', async () => {
    const s = await session();
    const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-large-'));
    try {
      // A limit of 1 KB makes the example "too large" without writing a gigabyte.
      fs.mkdirSync(path.join(workspace, '.vscode'));
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'peerwatch.confirmOpenAboveMB': 0.001 }));
      const name = 'big.runlog.jsonl';
      fs.copyFileSync(runlogExample(s.examples), path.join(workspace, name));
      // A file of many runs, there before the window opens so that Quick Open lists it.
      const sims = 'sims.json';
      fs.copyFileSync(path.join(s.repoRoot, 'test', 'fixtures', 'real', 'trajectory-array', 'tau2-gpt-4.1-airline-1trial.json'), path.join(workspace, sims));
      wb = await openWorkbench(workspace);
      const { page } = wb;
      await quickOpen(page, name);
      const dialog = page.locator('.monaco-dialog-box');
      await dialog.waitFor({ state: 'visible', timeout: LONG });
      assert.match(await dialog.innerText(), /big\.runlog\.jsonl is [\d.]+ MB/);
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      const fatal = page.frameLocator('iframe.webview.ready').frameLocator('iframe').locator('[data-testid="fatal"]');
      await fatal.waitFor({ state: 'visible', timeout: LONG });
      assert.match(await fatal.innerText(), /was not opened.*peerwatch\.confirmOpenAboveMB/s);
      await runCommand(page, 'View: Close Editor');
      await quickOpen(page, name);
      await dialog.waitFor({ state: 'visible', timeout: LONG });
      await dialog.locator('.monaco-button', { hasText: 'Open Anyway' }).click();
      const frame = await peerwatchFrame(page);
      await frame.locator('[data-testid="event-list"] .event[data-event-index="0"]').waitFor({ state: 'visible', timeout: LONG });
      await runCommand(page, 'View: Close Editor');

      // A file of many runs is read whole too: it asks before reading it.
      await quickOpen(page, sims);
      await runCommand(page, 'Peerwatch: Open in Peerwatch');
      await dialog.waitFor({ state: 'visible', timeout: LONG });
      assert.match(await dialog.innerText(), /sims\.json is [\d.]+ MB/);
      assert.match(await dialog.innerText(), /a file of many runs too/);
      await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
      await fatal.waitFor({ state: 'visible', timeout: LONG });
      assert.match(await fatal.innerText(), /sims\.json \([\d.]+ MB\) was not opened/);
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});
