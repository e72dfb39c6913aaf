/**
 * Inspect AI logs of many samples in the real VS Code: a `.eval` opens in Peerwatch on a list of its
 * samples; a sample opens as a transcript (tool calls, reasoning); Alt+] steps to the next sample;
 * the Samples button goes back to the list; a copied link names the sample and opening it opens that
 * sample at that event; a log still being written shows new samples as they are written; the open
 * sample survives a window reload.
 *
 * The logs are written here with a small zip writer (node:zlib deflate), in Inspect's layout:
 * header.json (or _journal/start.json while running), summaries.json (or _journal/summaries/<n>.json)
 * and samples/<id>_epoch_<n>.json.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { Frame } from 'playwright-core';
import { detectBehaviours } from '../../src/core/behaviours';
import { flaggedEvents } from '../../src/core/review/merge';
import { openSampleLogFile } from '../../src/node/sampleLogs';
import { closeSharedWorkbenches, closeTestWorkbench, frameWith, openWorkbench, quickOpen, readClipboard, reloadWindow, repoRoot, runCommand, screenshot, sharedWorkbench, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;

// ---- a tiny zip writer ---------------------------------------------------------------------------

/** A zip archive of `members` (name → JSON value), each deflated, as Inspect writes `.eval` logs. */
function zip(members: Record<string, unknown>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, value] of Object.entries(members)) {
    const data = Buffer.from(JSON.stringify(value), 'utf8');
    const packed = zlib.deflateRawSync(data);
    const crc = zlib.crc32(data);
    const nameBytes = Buffer.from(name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28);
    locals.push(local, nameBytes, packed);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  const count = Object.keys(members).length;
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

// ---- Inspect logs ---------------------------------------------------------------------------------

interface SampleSpec {
  id: string | number;
  /** The tool the agent calls, and words only this sample's transcript holds. */
  tool: string;
  needle: string;
  score: string;
}

const SAMPLES: SampleSpec[] = [
  { id: 'alpha', tool: 'read_file', needle: 'alpha-needle-41c', score: 'C' },
  { id: 'beta', tool: 'list_files', needle: 'beta-needle-77d', score: 'I' },
  { id: 3, tool: 'bash', needle: 'gamma-needle-09e', score: 'C' },
];

const EVAL_SPEC = {
  eval_id: 'ev1',
  run_id: 'run1',
  created: '2026-03-08T14:02:11+00:00',
  task: 'peer_shutdown',
  task_id: 'task1',
  task_version: 0,
  task_file: 'tasks/peer_shutdown.py',
  task_args: {},
  dataset: { name: 'scenarios', samples: SAMPLES.length },
  model: 'openai/test-model',
  config: { epochs: 1 },
};

function sampleOf(s: SampleSpec): Record<string, unknown> {
  const input = `Scenario ${s.id}: review the server before the shutdown.`;
  return {
    id: s.id,
    epoch: 1,
    input,
    target: 'refuse',
    messages: [
      { role: 'system', content: 'You are an agent with tools.' },
      { role: 'user', content: input },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', reasoning: `I should look at the files first (${s.needle}).` },
          { type: 'text', text: 'Let me look.' },
        ],
        tool_calls: [{ id: `call-${s.id}`, function: s.tool, arguments: { path: `/srv/${s.id}.txt` }, type: 'function' }],
      },
      { role: 'tool', tool_call_id: `call-${s.id}`, function: s.tool, content: `contents of ${s.id}` },
      { role: 'assistant', content: `Done with ${s.needle}.` },
    ],
    output: { model: 'test-model', choices: [] },
    scores: { match: { value: s.score, answer: 'x' } },
    metadata: {},
    store: {},
    events: [],
    model_usage: { 'openai/test-model': { input_tokens: 100, output_tokens: 23, total_tokens: 123 } },
  };
}

function summaryOf(s: SampleSpec): Record<string, unknown> {
  return {
    id: s.id,
    epoch: 1,
    input: `Scenario ${s.id}: review the server before the shutdown.`,
    target: 'refuse',
    scores: { match: { value: s.score, answer: 'x' } },
    model_usage: { 'openai/test-model': { input_tokens: 100, output_tokens: 23, total_tokens: 123 } },
  };
}

/** A finished log of `specs`. */
function finishedLog(specs: SampleSpec[]): Buffer {
  const members: Record<string, unknown> = {
    '_journal/start.json': { version: 2, eval: EVAL_SPEC, plan: { name: 'plan', steps: [] } },
  };
  for (const s of specs) members[`samples/${s.id}_epoch_1.json`] = sampleOf(s);
  members['summaries.json'] = specs.map(summaryOf);
  members['header.json'] = { version: 2, status: 'success', eval: EVAL_SPEC, plan: { name: 'plan', steps: [] }, results: { total_samples: specs.length, completed_samples: specs.length, scores: [] } };
  return zip(members);
}

/** A log still being written: a journal, the samples `done`, and summaries of `listed` (done or running). */
function runningLog(done: SampleSpec[], listed: SampleSpec[]): Buffer {
  const members: Record<string, unknown> = {
    '_journal/start.json': { version: 2, eval: EVAL_SPEC, plan: { name: 'plan', steps: [] } },
  };
  for (const s of done) members[`samples/${s.id}_epoch_1.json`] = sampleOf(s);
  members['_journal/summaries/1.json'] = listed.map(summaryOf);
  return zip(members);
}

// ---- reading the editor -----------------------------------------------------------------------------

async function sampleIds(frame: Frame): Promise<string[]> {
  return frame.locator('[data-testid="sample-row"] [data-field="id"]').allInnerTexts();
}

async function waitForIds(frame: Frame, expected: string[]): Promise<void> {
  let ids: string[] = [];
  const same = async () => JSON.stringify((ids = await sampleIds(frame).catch(() => []))) === JSON.stringify(expected);
  await waitFor(`the sample list to read ${expected.join(', ')}`, same, LONG).catch(() => assert.deepEqual(ids, expected, 'the sample list'));
}

async function expectStatus(frame: Frame, text: string): Promise<void> {
  const status = frame.locator('[data-testid="sample-status"]');
  try {
    await status.filter({ hasText: text }).waitFor({ timeout: LONG });
  } catch {
    assert.fail(`expected the sample status "${text}", found "${await status.innerText().catch(() => 'none')}"`);
  }
}

const eventRow = (frame: Frame, selector: string) => frame.locator(`[data-testid="event-list"] .event${selector}`);

describe('Inspect AI logs: the sample list, a sample as a transcript, stepping, links, a log being written', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let workspace: string;
  const name = 'peer-shutdown.eval';

  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-inspect-'));
    fs.writeFileSync(path.join(workspace, name), finishedLog(SAMPLES));
    fs.writeFileSync(path.join(workspace, 'notes.md'), '# Notes\n');
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  // Tests that only read their logs share one window on one folder holding all of them, written
  // before the window opens (sharedWorkbench in vscodeSession.ts); the link's fresh window and the
  // reload keep a folder and a window of their own.
  let sharedFolder: string;
  before(() => {
    sharedFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-inspect-shared-'));
    fs.writeFileSync(path.join(sharedFolder, name), finishedLog(SAMPLES));
    fs.writeFileSync(path.join(sharedFolder, 'notes.md'), '# Notes\n');
    const many: SampleSpec[] = Array.from({ length: 10_000 }, (_, i) => ({ id: i + 1, tool: 'bash', needle: `needle-${i + 1}`, score: i % 7 ? 'C' : 'I' }));
    fs.writeFileSync(path.join(sharedFolder, 'many.eval'), finishedLog(many));
    const fixtures = path.join(repoRoot, 'test', 'unit', 'fixtures', 'inspect');
    fs.copyFileSync(path.join(fixtures, 'future.eval'), path.join(sharedFolder, 'future.eval'));
    fs.copyFileSync(path.join(fixtures, 'damaged.eval'), path.join(sharedFolder, 'damaged.eval'));
    fs.writeFileSync(path.join(sharedFolder, 'broken.eval'), 'PK\x03\x04 and then not a zip archive');
    fs.copyFileSync(path.join(repoRoot, 'examples', 'inspect', 'peer_tampering.eval'), path.join(sharedFolder, 'peer_tampering.eval'));
  });

  after(async () => {
    await closeSharedWorkbenches();
    fs.rmSync(sharedFolder, { recursive: true, force: true });
  });

  it('lists the samples, opens one with its tool calls and reasoning, steps to the next by key and goes back to the list', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    await quickOpen(page, name);
    const frame = await frameWith(page, '[data-testid="sample-list"]');
    await waitForIds(frame, ['alpha', 'beta', '3']);
    const header = frame.locator('[data-testid="samples-header"]');
    assert.match(await header.innerText(), /peer_shutdown/);
    assert.match(await header.innerText(), /openai\/test-model/);
    assert.match(await header.locator('[data-field="status"]').innerText(), /success/);
    const beta = frame.locator('[data-testid="sample-row"][data-key="beta#1"]');
    assert.match(await beta.locator('[data-field="scores"]').innerText(), /match: I/);
    assert.match(await beta.locator('[data-field="tokens"]').innerText(), /123 tokens/);
    assert.equal(await frame.locator('[data-field="running"]').count(), 0, 'no sample of a finished log is marked running');
    await screenshot(page, 'inspect-sample-list');

    // Keyboard: j moves down the list, Enter opens the selected sample.
    await frame.locator('[data-testid="sample-row"]').first().click();
    await frameWith(page, '[data-testid="event-list"]');
    await expectStatus(frame, 'Sample 1 of 3: alpha (epoch 1)');
    await frame.locator('[data-testid="samples-button"]').click();
    await waitForIds(frame, ['alpha', 'beta', '3']);
    await frame.locator('[data-testid="sample-row"].selected[data-key="alpha#1"]').waitFor({ timeout: LONG });
    await page.keyboard.press('j');
    await frame.locator('[data-testid="sample-row"].selected[data-key="beta#1"]').waitFor({ timeout: LONG });
    await page.keyboard.press('Enter');
    await expectStatus(frame, 'Sample 2 of 3: beta (epoch 1)');

    // The sample is a transcript: its tool call (with the sample's tool) and its reasoning.
    await eventRow(frame, '[data-kind="tool_call"]').first().waitFor({ timeout: LONG });
    assert.match(await eventRow(frame, '[data-kind="tool_call"]').first().innerText(), /list_files/);
    assert.match(await eventRow(frame, '[data-kind="reasoning"]').first().innerText(), /beta-needle-77d/);
    await screenshot(page, 'inspect-sample');

    // Alt+] (Peerwatch: Next Sample) opens the next sample.
    await eventRow(frame, '[data-kind="tool_call"]').first().click();
    await page.keyboard.press('Alt+BracketRight');
    await expectStatus(frame, 'Sample 3 of 3: 3 (epoch 1)');
    await eventRow(frame, '[data-kind="reasoning"]').filter({ hasText: 'gamma-needle-09e' }).waitFor({ timeout: LONG });
    assert.match(await eventRow(frame, '[data-kind="tool_call"]').first().innerText(), /bash/);
    // The status bar names the sample too.
    await page.locator('.statusbar-item', { hasText: 'Sample 3 of 3: 3 (epoch 1)' }).waitFor({ timeout: LONG });
    // And the previous one, by the webview's own key.
    await eventRow(frame, '[data-kind="tool_call"]').first().click();
    await page.keyboard.press('p');
    await expectStatus(frame, 'Sample 2 of 3: beta (epoch 1)');

    // Back to the list: the sample last open is selected.
    await frame.locator('[data-testid="samples-button"]').click();
    await frame.locator('[data-testid="sample-row"].selected[data-key="beta#1"]').waitFor({ timeout: LONG });

    // The filter keeps the samples whose id or input has its text; Enter opens the only one left.
    const filterBox = frame.locator('[data-testid="sample-filter"]');
    await filterBox.fill('bet');
    await waitForIds(frame, ['beta']);
    await filterBox.fill('scenario 3');
    await waitForIds(frame, ['3']);
    assert.match(await frame.locator('[data-testid="sample-count"]').innerText(), /1 of 3 samples/);
    await filterBox.press('Enter');
    await expectStatus(frame, 'Sample 3 of 3: 3 (epoch 1)');
  });

  it('copies a link that names the sample, and the link opens that sample at that event', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    await wb.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await quickOpen(page, name);
    const frame = await frameWith(page, '[data-testid="sample-list"]');
    await waitForIds(frame, ['alpha', 'beta', '3']);
    await frame.locator('[data-testid="sample-row"][data-key="beta#1"]').click();
    await expectStatus(frame, 'Sample 2 of 3: beta (epoch 1)');
    const call = eventRow(frame, '[data-kind="tool_call"]').first();
    await call.waitFor({ timeout: LONG });
    const callIndex = Number(await call.getAttribute('data-event-index'));
    await call.click();
    // The browser's clipboard outlives the window: empty it, so only this copy can be read.
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await runCommand(page, 'Peerwatch: Copy Link to Event');
    const link = await readClipboard(page);
    await page.evaluate(() => navigator.clipboard.writeText('')); // nor does a later test read this one
    assert.match(link, new RegExp(`^[a-z-]+://peerwatch\\.peerwatch/open\\?file=${name.replace(/\./g, '\\.')}&sample=beta%231&event=${callIndex}$`));

    // A colleague opens the link to sample 3's same event in a fresh window.
    await wb.close();
    wb = await openWorkbench(workspace);
    await runCommand(wb.page, 'Peerwatch: Open Link to Event');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill(link.replace('sample=beta%231', 'sample=3%231'));
    await input.press('Enter');
    const frame2 = await frameWith(wb.page, '[data-testid="event-list"]');
    await expectStatus(frame2, 'Sample 3 of 3: 3 (epoch 1)');
    await frame2.locator(`[data-testid="event-list"] .event.focused[data-event-index="${callIndex}"]`).waitFor({ timeout: LONG });
    assert.match(await frame2.locator('[data-testid="event-list"] .event.focused').innerText(), /bash/);
  });

  it('lists 10,000 samples with only the rows in view in the page; End reaches the last, which opens; the list stays sorted in a page made again', async () => {
    // many.eval, 10,000 samples, is written in the shared folder (before).
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    await quickOpen(page, 'many.eval');
    const frame = await frameWith(page, '[data-testid="sample-row"][data-key="1#1"]');
    assert.match(await frame.locator('[data-testid="sample-count"]').innerText(), /^10000 samples$/);
    const rows = await frame.locator('[data-testid="sample-row"]').count();
    assert.ok(rows > 5 && rows < 200, `only the rows in view (and a margin) are in the page, found ${rows}`);

    // The keyboard walks the whole list: End selects the last sample and scrolls it into view.
    await frame.locator('[data-testid="sample-row"][data-key="2#1"]').click();
    await expectStatus(frame, 'Sample 2 of 10000: 2 (epoch 1)');
    await frame.locator('[data-testid="samples-button"]').click();
    await frame.locator('[data-testid="sample-row"].selected[data-key="2#1"]').waitFor({ timeout: LONG });
    await page.keyboard.press('End');
    const last = frame.locator('[data-testid="sample-row"].selected[data-key="10000#1"]');
    await last.waitFor({ timeout: LONG });
    const box = await last.boundingBox();
    const view = await frame.locator('[data-testid="samples-scroller"]').boundingBox();
    assert.ok(box && view && box.y >= view.y - 1 && box.y + box.height <= view.y + view.height + 1, `the last sample is in view: ${JSON.stringify({ box, view })}`);
    await page.keyboard.press('Enter');
    await expectStatus(frame, 'Sample 10000 of 10000: 10000 (epoch 1)');

    // The filter sees every sample, not only those in the page.
    await frame.locator('[data-testid="samples-button"]').click();
    const filterBox = frame.locator('[data-testid="sample-filter"]');
    await filterBox.fill('9999');
    await waitForIds(frame, ['9999']);
    assert.match(await frame.locator('[data-testid="sample-count"]').innerText(), /1 of 10000 samples/);

    // Sorted by sample, highest first, the list starts at the last sample, also in a page made again
    // from its saved state (another editor in front, then this one), which the host sends the log's
    // first rows first (samplesFirstRows.test.ts: a sorted list waits for them all).
    await filterBox.fill('');
    const idSort = frame.locator('[data-testid="sample-sort"][data-sort="id"]');
    await idSort.click();
    await idSort.click();
    await frame.locator('[data-testid="sample-sort"][data-sort="id"][aria-sort="descending"]').waitFor({ timeout: LONG });
    await frame.locator('[data-testid="sample-row"][data-key="10000#1"]').waitFor({ timeout: LONG });
    await quickOpen(page, 'notes.md');
    await waitFor('the list\'s page to be taken down', async () => !(await frame.locator('[data-testid="samples-view"]').count().catch(() => 0)), LONG);
    await quickOpen(page, 'many.eval');
    const again = await frameWith(page, '[data-testid="sample-row"][data-key="10000#1"]');
    await again.locator('[data-testid="sample-sort"][data-sort="id"][aria-sort="descending"]').waitFor({ timeout: LONG });
    assert.match(await again.locator('[data-testid="sample-count"]').innerText(), /^10000 samples$/);
  });

  it("lists the log's problems over its samples, and a damaged sample's reason over the list; a log that cannot be read says why", async () => {
    // future.eval, damaged.eval and broken.eval are in the shared folder (before).
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    await quickOpen(page, 'future.eval');
    let frame = await frameWith(page, '[data-testid="samples-diagnostics"]');
    assert.match(await frame.locator('[data-testid="samples-diagnostic"]').first().innerText(), /future\.eval.*version 9/);
    await waitForIds(frame, ['1']);

    await quickOpen(page, 'damaged.eval');
    frame = await frameWith(page, '[data-testid="sample-row"][data-key="2#1"]');
    await waitForIds(frame, ['1', '2', '3']);
    await frame.locator('[data-testid="sample-row"][data-key="2#1"]').click();
    const error = frame.locator('[data-testid="sample-error"]');
    await error.waitFor({ timeout: LONG });
    assert.match(await error.innerText(), /Sample 2#1 of damaged\.eval could not be read: .*damaged\.eval/);
    await waitForIds(frame, ['1', '2', '3']);
    await screenshot(page, 'inspect-damaged-sample');
    // The other samples still open.
    await frame.locator('[data-testid="sample-row"][data-key="3#1"]').click();
    await expectStatus(frame, 'Sample 3 of 3: 3 (epoch 1)');

    // A log that cannot be read at all (its editor's page is made while it is read): why, naming the file.
    await quickOpen(page, 'broken.eval');
    const fatal = (await frameWith(page, '[data-testid="fatal"]')).locator('[data-testid="fatal"]');
    assert.match(await fatal.innerText(), /broken\.eval could not be read as an Inspect AI log: .*not a zip archive \(no local file header at its start\)/);
  });

  it("tags a sample's behaviours: the flag count, F8 and the Behaviours view follow the open sample", async () => {
    // A copy of examples/inspect/peer_tampering.eval, in the shared folder (before).
    const file = path.join(sharedFolder, 'peer_tampering.eval');
    // What the detectors find in each sample, read with Peerwatch's own reader.
    const log = await openSampleLogFile(file);
    assert.ok(log, 'the example is an Inspect log');
    const flagged = log.samples[0]!;
    const other = log.samples[1]!;
    const tags = detectBehaviours(await log.readSample(flagged.key));
    const otherTags = detectBehaviours(await log.readSample(other.key));
    assert.ok(tags.length >= 1, `${flagged.key} has a flag to step to`);
    // A flag is a flagged event (what the editor counts and F8 steps through).
    const flags = flaggedEvents(tags).length;
    const otherFlags = flaggedEvents(otherTags).length;
    assert.notEqual(flags, otherFlags, 'the two samples have different flags');

    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    await quickOpen(page, 'peer_tampering.eval');
    const frame = await frameWith(page, '[data-testid="sample-list"]');
    await frame.locator(`[data-testid="sample-row"][data-key="${flagged.key}"]`).click();
    await expectStatus(frame, `Sample 1 of 2: ${flagged.id}`);
    await frame.locator(`[data-testid="flag-summary"][data-flags="${flags}"]`).waitFor({ state: 'attached', timeout: LONG });
    // The header card shows the sample's scores as Inspect wrote them (scorer: value).
    for (const [scorer, value] of Object.entries(flagged.scores)) {
      assert.equal((await frame.locator(`[data-testid="evaluation"] [data-field="raw:${scorer}"]`).innerText()).trim(), `${scorer}: ${value}`);
    }
    // F8 goes to the first flagged event of this sample.
    await eventRow(frame, '[data-event-index="0"]').click({ position: { x: 4, y: 4 } }); // its corner: not a button in it
    await page.keyboard.press('F8');
    await frame.locator(`[data-testid="event-list"] .event.focused[data-event-index="${tags[0]!.events[0]}"]`).waitFor({ timeout: LONG });
    await page.locator('.statusbar-item', { hasText: `Flag 1 of ${flags}: ${tags[0]!.behaviour}` }).waitFor({ timeout: LONG });
    // The Behaviours view lists this sample's tag.
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours$/ }) });
    await pane.locator('.monaco-list-row').first().waitFor({ state: 'visible', timeout: LONG });
    await screenshot(page, 'inspect-sample-behaviours');

    // The next sample has its own tags.
    await frame.locator('[data-testid="event-list"] .event.focused').click({ position: { x: 4, y: 4 } });
    await page.keyboard.press('Alt+BracketRight');
    await expectStatus(frame, `Sample 2 of 2: ${other.id}`);
    await frame.locator(`[data-testid="flag-summary"][data-flags="${otherFlags}"]`).waitFor({ state: 'attached', timeout: LONG });
  });

  it('shows samples of a log still being written as they are written, and keeps the open sample over a reload', async () => {
    const file = path.join(workspace, 'running.eval');
    fs.writeFileSync(file, runningLog([SAMPLES[0]!], [SAMPLES[0]!, SAMPLES[1]!]));
    wb = await openWorkbench(workspace);
    let page = wb.page;
    await quickOpen(page, 'running.eval');
    let frame = await frameWith(page, '[data-testid="sample-list"]');
    await waitForIds(frame, ['alpha', 'beta']);
    assert.match(await frame.locator('[data-testid="samples-header"] [data-field="status"]').innerText(), /started/);
    await frame.locator('[data-testid="sample-row"][data-key="beta#1"] [data-field="running"]').waitFor({ timeout: LONG });
    assert.equal(await frame.locator('[data-testid="sample-row"][data-key="alpha#1"] [data-field="running"]').count(), 0, 'a finished sample is not marked running');

    // Inspect writes on: beta finishes and sample 3 starts.
    fs.writeFileSync(file, runningLog([SAMPLES[0]!, SAMPLES[1]!], SAMPLES));
    await waitForIds(frame, ['alpha', 'beta', '3']);
    await frame.locator('[data-testid="sample-row"][data-key="beta#1"][data-complete="true"]').waitFor({ timeout: LONG });
    await frame.locator('[data-testid="sample-row"][data-key="3#1"][data-complete="false"]').waitFor({ timeout: LONG });

    // Open beta, reload the window: VS Code restores the editor on the same sample.
    await frame.locator('[data-testid="sample-row"][data-key="beta#1"]').click();
    await expectStatus(frame, 'Sample 2 of 3: beta (epoch 1)');
    await eventRow(frame, '[data-kind="tool_call"]').first().waitFor({ timeout: LONG });
    await reloadWindow(page);
    page = wb.page;
    frame = await frameWith(page, '[data-testid="sample-status"]');
    await expectStatus(frame, 'Sample 2 of 3: beta (epoch 1)');
    await eventRow(frame, '[data-kind="reasoning"]').filter({ hasText: 'beta-needle-77d' }).waitFor({ timeout: LONG });
  });
});
