/**
 * UI tests: a real VS Code (code-server) in Chromium, driven the way a user would: Quick Open, the
 * Command Palette, and looking at what the Peerwatch webview shows. They use the webview's DOM
 * contract (data-testid / data-kind / data-event-index / data-tool / data-key / data-field).
 *
 * Screenshots land in test-results/; the first test's is also docs/screenshot.png (the README's).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import {
  listFiles,
  openWorkbench,
  peerwatchFrame,
  quickOpen,
  runCommand,
  screenshot,
  session,
  type Workbench,
} from './vscodeSession';

const LONG = 60_000;

/** The study example with a config change (shutdown_enabled) and a weight copy (copy_server_file). */
function studyExample(examples: string): string {
  const override = process.env.PEERWATCH_UI_STUDY;
  if (override) return path.resolve(examples, override);
  const candidates = listFiles(path.join(examples, 'study'), '.json');
  const fitting = candidates.filter((f) => {
    const text = fs.readFileSync(f, 'utf8');
    return text.includes('shutdown_enabled') && text.includes('copy_server_file') && text.includes('modify_var');
  });
  assert.ok(fitting.length > 0, `a study example in ${examples}/study mentioning shutdown_enabled, modify_var and copy_server_file (found ${candidates.length} .json files)`);
  return fitting[0];
}

function runlogExample(examples: string): string {
  const found = listFiles(path.join(examples, 'runlog'), '.runlog.jsonl');
  assert.ok(found.length > 0, `a .runlog.jsonl example in ${examples}/runlog`);
  return found[0];
}

async function assertEveryEventIndexed(frame: Frame): Promise<number> {
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
    if (wb && this.currentTest?.state === 'failed') {
      await screenshot(wb.page, `FAILED-${this.currentTest.title.replace(/[^a-z0-9]+/gi, '-')}`).catch(() => undefined);
    }
    await wb?.close();
    wb = undefined;
  });

  it('shows a study transcript: header, tool calls, the config change and the reasoning', async () => {
    const s = await session();
    const file = studyExample(s.examples);
    const name = path.basename(file);
    const source = fs.readFileSync(file, 'utf8');

    wb = await openWorkbench(s.examples);
    const { page } = wb;
    await quickOpen(page, name);
    // A .json file opens as text first (Peerwatch's transcript editor is an "option" editor).
    await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: LONG });
    await runCommand(page, 'Peerwatch: Open in Peerwatch');
    const frame = await peerwatchFrame(page);

    const header = frame.locator('[data-testid="run-header"]');
    await header.waitFor({ state: 'visible', timeout: LONG });
    const model = (await header.locator('[data-field="model"]').innerText()).trim();
    assert.ok(model.length > 0, 'the header shows a model');
    assert.ok(source.includes(model), `the model shown ("${model}") comes from the file`);

    const list = frame.locator('[data-testid="event-list"]');
    for (const tool of ['modify_var', 'copy_server_file']) {
      const call = list.locator(`[data-kind="tool_call"][data-tool="${tool}"]`).first();
      await call.waitFor({ state: 'visible', timeout: LONG });
      assert.ok((await call.innerText()).includes(tool), `the ${tool} call shows its name`);
    }
    const change = list.locator('[data-kind="config_change"][data-key="shutdown_enabled"]').first();
    await change.waitFor({ state: 'visible', timeout: LONG });
    assert.ok((await change.innerText()).includes('shutdown_enabled'), 'the config change names shutdown_enabled');
    await list.locator('[data-kind="reasoning"]').first().waitFor({ state: 'visible', timeout: LONG });
    await assertEveryEventIndexed(frame);

    const shot = await screenshot(page, 'study-transcript');
    fs.mkdirSync(path.join(s.repoRoot, 'docs'), { recursive: true });
    fs.copyFileSync(shot, path.join(s.repoRoot, 'docs', 'screenshot.png'));
  });

  it('opens a .runlog.jsonl in Peerwatch directly from Quick Open', async () => {
    const s = await session();
    const file = runlogExample(s.examples);
    const name = path.basename(file);

    wb = await openWorkbench(s.examples);
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
      const diagnostic = frame.locator('[data-testid="diagnostic"]').first();
      await diagnostic.waitFor({ state: 'visible', timeout: LONG });
      const text = await diagnostic.innerText();
      assert.ok(text.includes(name), `the diagnostic names the file: ${JSON.stringify(text)}`);
      assert.match(text, new RegExp(`\\b${damagedLineNumber}\\b`), `the diagnostic names line ${damagedLineNumber}: ${JSON.stringify(text)}`);
      const events = await assertEveryEventIndexed(frame);
      assert.ok(events >= 1, 'events before the damage are still shown');
      await screenshot(page, 'damaged-runlog');
    } finally {
      fs.rmSync(workspace, { recursive: true, force: true });
    }
  });
});
