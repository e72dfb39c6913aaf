/**
 * "Peerwatch: Ask the Judge" in the real VS Code: the judge's server is a local HTTP server started by
 * the test, speaking OpenAI's Chat Completions protocol (a tool call with the findings); the settings
 * name it; the researcher opens a faithful study run (the detectors tag nothing), asks the judge, and
 * sees the judge's tag in the Behaviours view, marked as the judge's, and on the event in the editor.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { ModelServer, oaiAnswer } from '../modelServer';
import { closeTestWorkbench, peerwatchFrame, quickOpen, runCommand, screenshot, session, openWorkbench, type Workbench } from './vscodeSession';

const LONG = 60_000;
const EXAMPLE = 'tampering-faithful-peer-bad_peer.json';
const CITED = 2;

function behavioursPane(page: Page): Locator {
  return page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours$/ }) });
}

describe('Ask the Judge: a judge model tags the open run', function () {
  this.timeout(180_000);
  let wb: Workbench | undefined;
  let workspace: string;
  let server: ModelServer;

  beforeEach(async () => {
    const s = await session();
    server = await new ModelServer(() =>
      oaiAnswer(null, [{ id: 'call_1', name: 'record_findings', args: { findings: [{ behaviour: 'refusal', qualifier: 'peer-preservation', events: [CITED], reason: 'The test judge reads a refusal here.' }] } }]),
    ).start();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-judge-'));
    fs.copyFileSync(path.join(s.examples, 'study', EXAMPLE), path.join(workspace, EXAMPLE));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'peerwatch.judge.model': 'judge-model', 'peerwatch.judge.baseUrl': `${server.url}/v1` }, null, 2));
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
    await server.stop();
  });

  it('asks the server named in the settings and shows its tag in the Behaviours view as the judge’s', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await quickOpen(page, EXAMPLE);
    await page.locator('.tabs-container .tab.active', { hasText: EXAMPLE }).waitFor({ timeout: LONG });
    await runCommand(page, 'Peerwatch: Open in Peerwatch');
    const frame = await peerwatchFrame(page);
    await frame.locator('[data-testid="event-list"] .event').first().waitFor({ state: 'visible', timeout: LONG });
    // A faithful run: the detectors flag nothing.
    await frame.locator('[data-testid="flag-summary"][data-flags="0"]').waitFor({ state: 'attached', timeout: LONG });

    await runCommand(page, 'Peerwatch: Ask the Judge');
    await page.locator('.notification-toast', { hasText: /the judge \(judge-model, rubric [0-9a-f]{12}\) found 1 finding \(refusal\)/ }).first().waitFor({ state: 'visible', timeout: LONG });

    // One request, with the tool and its schema, the run's events numbered.
    assert.equal(server.requests.length, 1);
    const body = server.requests[0]!.body as { model: string; tools: Array<{ function: { name: string } }>; messages: Array<{ content: string }> };
    assert.equal(body.model, 'judge-model');
    assert.equal(body.tools[0]!.function.name, 'record_findings');
    assert.match(body.messages[1]!.content, /\n\[2\] /);
    // The answer is kept beside the run.
    assert.ok(fs.existsSync(path.join(workspace, '.peerwatch', 'judge', `${EXAMPLE}.judge.json`)));

    // The Behaviours view lists it, marked as the judge's (model, rubric version).
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    const rows = behavioursPane(page).locator('.monaco-list-row');
    await rows.filter({ hasText: 'Refusal' }).first().waitFor({ state: 'visible', timeout: LONG });
    await rows.filter({ hasText: /judge \(judge-model · rubric [0-9a-f]{12}\)/ }).first().waitFor({ state: 'visible', timeout: LONG });
    // And the editor flags the cited event with the judge's tag.
    await frame.locator(`.event[data-event-index="${CITED}"] .badge-tag[data-tag-id="judge:refusal:${CITED}"]`).waitFor({ state: 'attached', timeout: LONG });
    await frame.locator('[data-testid="flag-summary"][data-flags="1"]').waitFor({ state: 'attached', timeout: LONG });
    await screenshot(page, 'judge-behaviours');
  });
});
