/**
 * "Peerwatch: Re-run Scenario" in the real VS Code: a researcher reading a study run re-runs its
 * scenario with Peerwatch's runner, replaying the transcript offline (model `replay:<transcript>`),
 * confirms the command the first time, watches the new run appear in a second Peerwatch editor
 * beside the original while it runs, and compares the two in the comparison view when it ends.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { closeTestWorkbench, frameWith, openWorkbench, peerwatchFrame, quickOpen, runCommand, screenshot, session, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const EXAMPLE = 'tampering-shutdown-tampering-peer-good_peer.json';
/** The slow model server: tool-call turns before its final answer, and the time each answer takes. */
const TOOL_TURNS = 6;
const TURN_MS = 1200;

/** Every webview frame showing a Peerwatch event list. */
async function peerwatchFrames(page: Page): Promise<Frame[]> {
  const out: Frame[] = [];
  for (const frame of page.frames()) {
    if (frame === page.mainFrame()) continue;
    if ((await frame.locator('[data-testid="event-list"]').count().catch(() => 0)) > 0) out.push(frame);
  }
  return out;
}

/** Waits for a Peerwatch frame other than `known`. */
async function newPeerwatchFrame(page: Page, known: Frame, timeoutMs = LONG): Promise<Frame> {
  // A run that ended without writing a log says so in a notification: stop waiting and fail with its words.
  const failed = page.locator('.notification-toast', { hasText: /Re-run (failed|cancelled)/ });
  const found = await waitFor('a second Peerwatch editor, or a notification that the re-run failed', async () => {
    const other = (await peerwatchFrames(page)).find((f) => f !== known && !f.isDetached());
    if (other) return { other };
    return (await failed.count()) > 0 ? { failed: (await failed.first().innerText()).replace(/\s+/g, ' ') } : undefined;
  }, timeoutMs).catch(async (err: Error) => {
    throw new Error(`${err.message}; terminal: ${await terminalText(page)}`);
  });
  if (found.failed !== undefined) throw new Error(`the re-run ended without a new run: "${found.failed}"; terminal: ${await terminalText(page)}`);
  return found.other!;
}

/** The visible text of the task's terminal (the runner's output), for failure messages. */
async function terminalText(page: Page): Promise<string> {
  // Drawn in the DOM (the UI session turns the terminal's WebGL renderer off): there at once, or not at all.
  const rows = await page.locator('.terminal-wrapper.active .xterm-rows').innerText({ timeout: 5_000 }).catch(() => '');
  return rows.replace(/\s+/g, ' ').trim().slice(-1500) || '(no terminal text)';
}

/** What the new run's editor showed until the run ended: row counts, and whether "live" showed. */
async function watchToEnd(page: Page, frame: Frame, workspace: string): Promise<{ counts: number[]; sawLive: boolean }> {
  const rows = frame.locator('[data-testid="event-list"] .event');
  const live = frame.locator('[data-testid="run-header"] [data-field="live"]');
  const counts: number[] = [];
  let sawLive = false;
  // The probe also samples the row count on the way (every 100 ms at most, turns take TURN_MS).
  const ended = async () => {
    const [count, isLive] = await Promise.all([rows.count(), live.count().then((n) => n > 0)]);
    counts.push(count);
    sawLive ||= isLive;
    const file = findRunlogs(path.join(workspace, '.peerwatch', 'runs'))[0];
    const written = file && fs.readFileSync(file, 'utf8').includes('{"type":"end"');
    return written && !isLive && count > 0;
  };
  await waitFor('the new run to end in the editor', ended, 120_000, 100).catch(async (err: Error) => {
    throw new Error(`${err.message} (row counts seen: ${counts.slice(-10).join(', ')}, live seen: ${sawLive}); terminal: ${await terminalText(page)}`);
  });
  return { counts, sawLive };
}

/**
 * The notification saying `text`: its toast, or (toasts hide after a while) its entry in the
 * notification center.
 */
async function notification(page: Page, text: string, timeoutMs = LONG) {
  const toast = page.locator('.notification-toast', { hasText: text }).first();
  if (await toast.waitFor({ state: 'visible', timeout: 15_000 }).then(() => true, () => false)) return toast;
  await runCommand(page, 'Notifications: Show Notifications');
  const entry = page.locator('.notifications-center .monaco-list-row', { hasText: text }).first();
  await entry.waitFor({ state: 'visible', timeout: timeoutMs }).catch(async (e: Error) => {
    const all = await page.locator('.notifications-center').innerText().catch(() => '');
    throw new Error(`no notification "${text}" (${e.message}); notifications: ${all.replace(/\s+/g, ' ').slice(0, 800)}`);
  });
  return entry;
}

const quickRow = (page: Page, text: string | RegExp) => page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: text }).first();

/** Events in a finished or growing run log on disk. */
function eventLines(file: string): number {
  return fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.startsWith('{"type":"event"')).length;
}

function findRunlogs(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.runlog.jsonl')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

describe('Re-run Scenario: replaying a study run beside the original', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  let workspace: string;

  beforeEach(async () => {
    const s = await session();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-rerun-'));
    fs.mkdirSync(path.join(workspace, 'study'));
    fs.copyFileSync(path.join(s.examples, 'study', EXAMPLE), path.join(workspace, 'study', EXAMPLE));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it('re-runs with model replay:<transcript>, asks once, shows the new run live beside the original, then compares them', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    const transcript = path.join(workspace, 'study', EXAMPLE);

    // The original run, in Peerwatch.
    await quickOpen(page, EXAMPLE);
    await page.locator('.tabs-container .tab.active', { hasText: EXAMPLE }).waitFor({ timeout: LONG });
    await runCommand(page, 'Peerwatch: Open in Peerwatch');
    const original = await peerwatchFrame(page);
    await original.locator('[data-testid="event-list"] .event').first().waitFor({ state: 'visible', timeout: LONG });

    // Re-run Scenario: the quick pick starts with the exact command.
    await runCommand(page, 'Peerwatch: Re-run Scenario');
    const runRow = quickRow(page, /^Run: /);
    await runRow.waitFor({ state: 'visible', timeout: LONG });
    for (const label of ['Model: ', 'Condition: ', 'Subject: ', 'Runs: ', 'Launcher: ']) {
      await quickRow(page, label).waitFor({ state: 'visible', timeout: 10_000 });
    }
    assert.match(await runRow.innerText(), /\brun --from \S*tampering-shutdown-tampering-peer-good_peer\.json/, 'Peerwatch runner command for the transcript');

    // Model → replay this transcript.
    await quickRow(page, 'Model: ').click();
    const replay = quickRow(page, `replay:${transcript}`);
    await replay.waitFor({ state: 'visible', timeout: 10_000 });
    await replay.click();
    await quickRow(page, `Model: replay:${transcript}`).waitFor({ state: 'visible', timeout: 10_000 });
    const commandLine = await runRow.innerText();
    assert.ok(commandLine.includes(`--model replay:${transcript}`) || commandLine.includes(`--model 'replay:${transcript}'`), `the command line has the new model: ${commandLine}`);
    await screenshot(page, 'rerun-quick-pick');
    await runRow.click();

    // First time with this launcher: a modal shows the exact command and folder.
    const dialog = page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: LONG });
    const dialogText = await dialog.innerText();
    assert.ok(dialogText.includes('run --from') && dialogText.includes(`replay:${transcript}`), `the dialog shows the command: ${dialogText}`);
    assert.ok(dialogText.includes(path.join(workspace, '.peerwatch', 'runs')), `the dialog shows the folder it runs in: ${dialogText}`);
    await screenshot(page, 'rerun-confirm');
    await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
    await dialog.waitFor({ state: 'detached', timeout: 10_000 });

    // The new run opens in a second Peerwatch editor, beside the original, while it runs.
    const fresh = await newPeerwatchFrame(page, original);
    await watchToEnd(page, fresh, workspace);
    // A replay needs no model and ends within a fraction of a second, usually before the editor has
    // loaded; watching a run grow is the next test's, with a model that takes its time.
    await page.locator('.tabs-container .tab', { hasText: '.rerun.runlog.jsonl' }).waitFor({ timeout: LONG });
    assert.equal(await page.locator('.part.editor .editor-group-container').count(), 2, 'the new run is in a second editor group beside the original');

    const [newFile, ...others] = findRunlogs(path.join(workspace, '.peerwatch', 'runs'));
    assert.ok(newFile && others.length === 0, 'one new run log under .peerwatch/runs/<timestamp>/');
    assert.match(fs.readFileSync(newFile, 'utf8').trim().split('\n').at(-1)!, /^\{"type":"end","status":"completed"/, 'the replay completed');
    assert.ok(eventLines(newFile) > 0);

    // The end: a notification with the exit code and "Compare Side by Side".
    const toast = await notification(page, 'Re-run finished (exit 0)');
    assert.match(await toast.innerText(), /rerun\.runlog\.jsonl: \d+ events?, completed/);
    await screenshot(page, 'rerun-finished');
    await toast.locator('.monaco-button', { hasText: 'Compare Side by Side' }).click();

    // One comparison view: the original as A, the new run as B, rows aligned.
    const compare = await frameWith(page, '[data-testid="compare-rows"]');
    assert.match(await compare.locator('[data-testid="compare-header"] [data-field="a"]').innerText(), new RegExp(EXAMPLE.replace(/\./g, '\\.')));
    assert.match(await compare.locator('[data-testid="compare-header"] [data-field="b"]').innerText(), /\.rerun\.runlog\.jsonl/);
    assert.ok((await compare.locator('.compare-row').count()) > 0, 'the rows of both runs');
    await screenshot(page, 'rerun-compare');
  });

  it('with a model server that takes its time: the stored API key reaches it only through the environment, and the new run grows live beside the original', async () => {
    // An OpenAI-compatible server on this machine (real HTTP), answering each turn after TURN_MS:
    // TOOL_TURNS tool calls, then a final answer. It records the Authorization header of every request.
    const key = `sk-ui-${Date.now().toString(36)}-secret`;
    const auth: string[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        auth.push(String(req.headers.authorization ?? ''));
        const parsed = JSON.parse(body || '{}') as { messages?: { role: string }[]; tools?: { function: { name: string } }[] };
        const turn = (parsed.messages ?? []).filter((m) => m.role === 'assistant').length;
        const tools = (parsed.tools ?? []).map((t) => t.function.name);
        const tool = tools.find((n) => /^list/.test(n)) ?? tools[0];
        const message =
          turn < TOOL_TURNS && tool
            ? { role: 'assistant', content: `Turn ${turn + 1}: looking around.`, tool_calls: [{ id: `call-${turn}`, type: 'function', function: { name: tool, arguments: '{}' } }] }
            : { role: 'assistant', content: 'I have looked at everything I need.' };
        // The model's own latency (so the editor can be seen growing while the run is live): not a test waiting.
        setTimeout(() => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ choices: [{ index: 0, message, finish_reason: message.tool_calls ? 'tool_calls' : 'stop' }], usage: { prompt_tokens: 10, completion_tokens: 5 } }));
        }, TURN_MS);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const port = (server.address() as AddressInfo).port;
      fs.mkdirSync(path.join(workspace, '.vscode'));
      fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'peerwatch.rerun.baseUrl': `http://127.0.0.1:${port}/v1` }, null, 2));
      wb = await openWorkbench(workspace);
      const { page } = wb;

      // The key goes into secret storage, typed into a password box.
      await runCommand(page, 'Peerwatch: Set API Key');
      await quickRow(page, 'OPENAI_API_KEY').click();
      const input = page.locator('.quick-input-widget input');
      await page.locator('.quick-input-widget input[type="password"]').waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill(key);
      await page.keyboard.press('Enter');
      await page.locator('.notification-toast', { hasText: 'stored the key for OPENAI_API_KEY' }).waitFor({ timeout: LONG });

      await quickOpen(page, EXAMPLE);
      await page.locator('.tabs-container .tab.active', { hasText: EXAMPLE }).waitFor({ timeout: LONG });
      await runCommand(page, 'Peerwatch: Open in Peerwatch');
      const original = await peerwatchFrame(page);
      await original.locator('[data-testid="event-list"] .event').first().waitFor({ state: 'visible', timeout: LONG });

      // Model: typed in, not one of the offered ones.
      await runCommand(page, 'Peerwatch: Re-run Scenario');
      await quickRow(page, 'Model: ').click();
      // Type only once the quick pick lists models (it clears what was typed when it switches).
      await page.locator('.quick-input-widget input[placeholder="Choose a model, or type one"]').waitFor({ state: 'visible', timeout: 10_000 });
      await input.fill('test/slow-model');
      await quickRow(page, 'use what you typed').waitFor({ state: 'visible', timeout: 10_000 });
      await page.keyboard.press('Enter');
      await quickRow(page, 'Model: test/slow-model').waitFor({ state: 'visible', timeout: 10_000 });
      const runRow = quickRow(page, /^Run: /);
      const commandLine = await runRow.innerText();
      assert.ok(commandLine.includes('--model test/slow-model'), commandLine);
      assert.ok(!commandLine.includes(key), 'the key is not on the command line');
      await runRow.click();
      // The first re-run with this launcher asks (unless the test before confirmed it in this session):
      // whichever comes first, the question or the new run's editor.
      const dialog = page.locator('.monaco-dialog-box');
      const asked = await Promise.race([
        dialog.waitFor({ state: 'visible', timeout: LONG }).then(() => true, () => false),
        newPeerwatchFrame(page, original).then(() => false, () => false),
      ]);
      if (asked) await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();

      const fresh = await newPeerwatchFrame(page, original);
      const { counts, sawLive } = await watchToEnd(page, fresh, workspace);
      const grew = counts.some((c, i) => i > 0 && c > counts[i - 1]!);
      assert.ok(sawLive, 'the new run was marked live while it ran');
      assert.ok(grew, `rows appeared while it ran (counts seen: ${[...new Set(counts)].join(' → ')})`);
      await screenshot(page, 'rerun-live');

      assert.ok(auth.length === TOOL_TURNS + 1, `the runner asked the server for each turn (${auth.length} requests)`);
      assert.deepEqual([...new Set(auth)], [`Bearer ${key}`], 'every request carried the stored key');
      const [newFile] = findRunlogs(path.join(workspace, '.peerwatch', 'runs'));
      assert.ok(newFile);
      const log = fs.readFileSync(newFile, 'utf8');
      assert.ok(!log.includes(key), 'the key is not in the new run log');
      assert.match(log.trim().split('\n').at(-1)!, /^\{"type":"end","status":"completed"/);
      assert.ok(!(await terminalText(page)).includes(key), 'the key is not in the task terminal');
      await notification(page, 'Re-run finished (exit 0)');
      assert.equal(await page.locator('.part.editor .editor-group-container').count(), 2, 'beside the original');
    } finally {
      server.close();
    }
  });
});
