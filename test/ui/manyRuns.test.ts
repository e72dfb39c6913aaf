/**
 * A file of many runs in the real VS Code: tau2-bench results (a real file from the tau2 leaderboard,
 * test/fixtures/real/trajectory-array/) open in Peerwatch on the list of their simulations with each
 * one's reward, and a run opens from the list as a transcript with its tool calls.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeTestWorkbench, frameWith, openWorkbench, quickOpen, repoRoot, runCommand, screenshot, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const NAME = 'tau2-ironforge-deepseek-4sims.json';

type Json = Record<string, unknown>;

describe('files of many runs in the editor', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let workspace: string;

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-runs-'));
    fs.copyFileSync(path.join(repoRoot, 'test', 'fixtures', 'real', 'trajectory-array', NAME), path.join(workspace, NAME));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it('opens one run from a file of many runs', async () => {
    const sims = (JSON.parse(fs.readFileSync(path.join(workspace, NAME), 'utf8')) as Json)['simulations'] as Json[];
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await quickOpen(page, NAME);
    await page.locator('.tabs-container .tab.active', { hasText: NAME }).waitFor({ timeout: LONG });
    await runCommand(page, 'Peerwatch: Open in Peerwatch');
    const frame = await frameWith(page, '[data-testid="sample-list"]');

    // One row per simulation, in the file's order, each with its own reward.
    const expected = sims.map((s) => String(s['task_id']));
    let ids: string[] = [];
    await waitFor(
      `the run list to read ${expected.join(', ')}`,
      async () => JSON.stringify((ids = await frame.locator('[data-testid="sample-row"] [data-field="id"]').allInnerTexts().catch(() => []))) === JSON.stringify(expected),
      LONG,
    ).catch(() => assert.deepEqual(ids, expected, 'the run list'));
    for (const s of sims) {
      const row = frame.locator(`[data-testid="sample-row"][data-key="${String(s['task_id'])}#1"]`);
      assert.match(await row.locator('[data-field="scores"]').innerText(), new RegExp(`reward: ${(s['reward_info'] as Json)['reward']}\\b`));
    }
    assert.match(await frame.locator('[data-testid="samples-header"]').innerText(), /deepseek\/deepseek-chat/);
    await screenshot(page, 'many-runs-list');

    // The third simulation opens as a transcript, its first tool call the one its messages hold first.
    const third = sims[2]!;
    await frame.locator(`[data-testid="sample-row"][data-key="${String(third['task_id'])}#1"]`).click();
    await frame.locator('[data-testid="sample-status"]', { hasText: `Sample 3 of ${sims.length}: ${String(third['task_id'])} (epoch 1)` }).waitFor({ timeout: LONG });
    const toolCalls = frame.locator('[data-testid="event-list"] .event[data-kind="tool_call"]');
    await toolCalls.first().waitFor({ timeout: LONG });
    const firstCall = (third['messages'] as Json[]).flatMap((m) => (Array.isArray(m['tool_calls']) ? (m['tool_calls'] as Json[]) : []))[0]!;
    assert.match(await toolCalls.first().innerText(), new RegExp(String(firstCall['name'])));
    await screenshot(page, 'many-runs-run');
  });
});
