/**
 * Behaviour tags in a real VS Code: the Behaviours sidebar lists an example run's tags, selecting one
 * reveals and highlights its events, F8 / Shift+F8 cycle through the flags with the status bar and
 * the tree following, the editor's flag count, F8's "of N" and the rows with a badge agree (a flag is
 * a flagged event), and review judgements (a dismissal, a manual tag) are undoable, saved to the
 * sidecar `<log>.review.json` and shown again after reopening.
 *
 * The example is copied into a fresh folder so the sidecar is written there, never into examples/.
 * What the sidebar should list is computed with the same core the extension uses (detectBehaviours,
 * describeEvent) and checked against what examples/README.md says the run shows.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { detectBehaviours, describeEvent, qualifierShort, type Tag } from '../../src/core/behaviours';
import { parseTranscript } from '../../src/core/formats';
import type { Transcript } from '../../src/core/model';
import { flaggedEvents } from '../../src/core/review/merge';
import { closeSharedWorkbenches, peerwatchFrame, quickOpen, releaseWorkbench, runCommand, screenshot, session, sharedWorkbench, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const EXAMPLE = 'tampering-shutdown-tampering-exfiltration-peer-good_peer.json';
/** What examples/README.md says a reviewer should find in this run. */
const README_BEHAVIOURS = ['shutdown-tampering', 'exfiltration'];
const REVIEWER = 'UI Test Reviewer';
/** Two tags that share events: exfiltration (events 6, 10, 11) and false-completion (6, 11, 15). */
const OVERLAPPING = 'exfiltration_deletion-exfiltration-false-completion-peer-good_peer.json';

const row = (frame: Frame, index: number) => frame.locator(`[data-testid="event-list"] .event[data-event-index="${index}"]`);

async function focusedIndex(frame: Frame): Promise<number> {
  const focused = frame.locator('[data-testid="event-list"] .event.focused');
  await focused.first().waitFor({ state: 'visible', timeout: LONG });
  return Number(await focused.first().getAttribute('data-event-index'));
}

/** How long a view, the status bar or the sidecar may take to follow a key press or a click. */
const FOLLOW = 30_000;

/** The pane of the "Behaviours" view (not "Behaviours in Folder"). */
function behavioursPane(page: Page): Locator {
  return page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours$/ }) });
}

function flagStatus(page: Page): Locator {
  return page.locator('.statusbar-item', { hasText: /Flag \d+ of \d+|flags?$|No flags/ }).first();
}

async function statusText(page: Page): Promise<string> {
  return (await flagStatus(page).innerText()).trim();
}

async function openInPeerwatch(wb: Workbench, name: string): Promise<Frame> {
  await quickOpen(wb.page, name);
  await wb.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: LONG });
  await runCommand(wb.page, 'Peerwatch: Open in Peerwatch');
  const frame = await peerwatchFrame(wb.page);
  await row(frame, 0).waitFor({ state: 'visible', timeout: LONG });
  return frame;
}

/** "shutdown-tampering (peer), exfiltration (peer)": the tags on a flagged event, as the status bar names them. */
const tagLabels = (ts: readonly Tag[]) => ts.map((t) => `${t.behaviour} (${qualifierShort(t.qualifier)})`).join(', ');

/** Waits until the editor has the run's tags (the flag summary in its toolbar says how many flagged events). */
async function waitForTags(frame: Frame, flags: number): Promise<void> {
  await frame.locator(`[data-testid="flag-summary"][data-flags="${flags}"]`).waitFor({ state: 'attached', timeout: LONG });
}

describe('Behaviours: sidebar, flag navigation and review', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  let workspace: string;
  let file: string;
  let transcript: Transcript;
  let tags: Tag[];

  before(async () => {
    const s = await session();
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-behaviours-'));
    file = path.join(workspace, EXAMPLE);
    fs.copyFileSync(path.join(s.examples, 'study', EXAMPLE), file);
    fs.copyFileSync(path.join(s.examples, 'study', OVERLAPPING), path.join(workspace, OVERLAPPING));
    fs.mkdirSync(path.join(workspace, '.vscode'));
    fs.writeFileSync(path.join(workspace, '.vscode', 'settings.json'), JSON.stringify({ 'peerwatch.reviewer': REVIEWER }, null, 2));
    transcript = parseTranscript({ fileName: file, text: fs.readFileSync(file, 'utf8') });
    tags = detectBehaviours(transcript);
    assert.deepEqual([...new Set(tags.map((t) => String(t.behaviour)))].sort(), [...README_BEHAVIOURS].sort(), 'the detectors find what examples/README.md describes');
    assert.ok(tags.length >= 2, 'the run has at least two tags');
  });

  afterEach(async function () {
    if (wb) await screenshot(wb.page, `behaviours-${this.currentTest?.title.replace(/\W+/g, '-').slice(0, 60)}`).catch(() => undefined);
    await releaseWorkbench(this.currentTest, wb);
    wb = undefined;
  });
  // The tests share one window on the folder (reset between them: vscodeSession.ts); the folder goes with it.
  after(async () => {
    await closeSharedWorkbenches();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('lists the run\'s tags in the sidebar; selecting one reveals and highlights its events; F8 cycles through flags', async () => {
    wb = await sharedWorkbench(workspace);
    const { page } = wb;
    const frame = await openInPeerwatch(wb, EXAMPLE);
    const flagged = flaggedEvents(tags);
    const n = flagged.length;
    await waitForTags(frame, n);

    // The sidebar: behaviour → occurrences, labelled by step and tool of the first cited event.
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    const pane = behavioursPane(page);
    const rows = pane.locator('.monaco-list-row');
    for (const t of tags) {
      const d = describeEvent(transcript.events[t.events[0]!]!);
      const label = `${d.step !== undefined ? `Step ${d.step}` : `Event #${t.events[0]}`}${d.tool ? ` · ${d.tool}` : ''}`;
      await rows.filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: LONG });
    }
    for (const label of ['Shutdown tampering', 'Exfiltration']) await rows.filter({ hasText: label }).first().waitFor({ state: 'visible', timeout: LONG });

    // Selecting an occurrence reveals its first event and highlights every event it cites.
    const target = tags[tags.length - 1]!;
    const d = describeEvent(transcript.events[target.events[0]!]!);
    await rows.filter({ hasText: `Step ${d.step} · ${d.tool}` }).first().click();
    await waitFor(`event #${target.events[0]} to be focused`, async () => (await focusedIndex(frame)) === target.events[0], FOLLOW);
    await waitFor('the cited events to be highlighted', async () => {
      const lit = await frame.locator('.event.tag-highlight').evaluateAll((ns) => ns.map((n) => Number((n as HTMLElement).dataset.eventIndex)));
      return JSON.stringify(lit.sort((a, b) => a - b)) === JSON.stringify(target.events);
    }, FOLLOW);
    // A flag is a flagged event: the status bar counts events, and names the tags on this one.
    const at = flagged.findIndex((f) => f.event === target.events[0]);
    await waitFor('the status bar to name the selected flag', async () => (await statusText(page)).includes(`Flag ${at + 1} of ${n}: ${tagLabels(flagged[at]!.tags)}`), FOLLOW);

    // F8 / Shift+F8 with the editor focused: the editor, the status bar and the tree follow, and
    // each flagged event carries its tags (data-tags, and a badge per tag).
    await row(frame, flagged[n - 1]!.event).click();
    const expectFlag = async (k: number) => {
      const f = flagged[k]!;
      await waitFor(`F8 to reach flag ${k + 1} (event #${f.event})`, async () => (await focusedIndex(frame)) === f.event, FOLLOW);
      await waitFor(`the status bar to show flag ${k + 1}`, async () => (await statusText(page)).includes(`Flag ${k + 1} of ${n}: ${tagLabels(f.tags)}`), FOLLOW);
      const dk = describeEvent(transcript.events[f.tags[0]!.events[0]!]!);
      await pane.locator('.monaco-list-row.selected', { hasText: `Step ${dk.step} · ${dk.tool}` }).waitFor({ state: 'visible', timeout: LONG });
      const ids = ((await row(frame, f.event).getAttribute('data-tags')) ?? '').split(' ');
      for (const t of f.tags) {
        assert.ok(ids.includes(t.id), `event #${f.event} lists ${t.id} in data-tags (${ids.join(' ')})`);
        assert.match(await row(frame, f.event).locator(`.badge-tag[data-tag-id="${t.id}"]`).innerText(), new RegExp(`${t.behaviour} \\(${qualifierShort(t.qualifier)}\\)`));
      }
    };
    // From the last flag, F8 wraps around to the first, then steps through all of them.
    for (let k = 0; k < n; k++) {
      await page.keyboard.press('F8');
      await expectFlag(k);
    }
    await page.keyboard.press('Shift+F8');
    await expectFlag(n - 2);
    // The README's picture: a run with its flags in the sidebar, the editor and the status bar. Tests
    // write only to test-results/; `npm run screenshot` (scripts/screenshot.mjs) copies it to docs/.
    await screenshot(page, 'behaviours-sidebar');
  });

  it('one meaning for the flag count: the editor\'s count, F8\'s "of N" and the rows with a badge agree', async () => {
    const runFile = path.join(workspace, OVERLAPPING);
    const run = parseTranscript({ fileName: runFile, text: fs.readFileSync(runFile, 'utf8') });
    const runTags = detectBehaviours(run);
    // The case that told the counts apart: two tags, and an event both cite (2 tags, 6 citations, 4 events).
    const citations = runTags.flatMap((t) => t.events);
    assert.equal(runTags.length, 2, `two tags in ${OVERLAPPING}`);
    assert.ok(citations.length > new Set(citations).size, 'the two tags share an event');

    wb = await sharedWorkbench(workspace);
    const { page } = wb;
    const frame = await openInPeerwatch(wb, OVERLAPPING);
    const summary = frame.locator('[data-testid="flag-summary"]');
    let summaryText = '';
    await waitFor('the editor to count its flags', async () => /^\d+ flags?\b/.test((summaryText = (await summary.innerText()).trim())), FOLLOW);
    const headerCount = Number(/^(\d+)/.exec(summaryText)![1]);

    // The rows carrying an open tag badge, read from the list at its top and at its end.
    const rendered = new Set<number>();
    const badged = new Set<number>();
    const readRows = async () => {
      for (const r of await frame.locator('[data-testid="event-list"] .event[data-event-index]').evaluateAll((ns) =>
        ns.map((n) => ({ index: Number((n as HTMLElement).dataset.eventIndex), badge: !!n.querySelector('.badge-tag:not([data-verdict="dismissed"])') })),
      )) {
        rendered.add(r.index);
        if (r.badge) badged.add(r.index);
      }
    };
    await readRows();
    await row(frame, 0).click();
    await page.keyboard.press('End');
    await waitFor('End to reach the last event', async () => (await focusedIndex(frame)) === run.events.length - 1, FOLLOW);
    await readRows();
    assert.equal(rendered.size, run.events.length, 'every row was read');
    const badgeRows = [...badged].sort((a, b) => a - b);

    // F8 from the top steps through flagged events; the status bar's "of N" is the total.
    await page.keyboard.press('Home');
    await waitFor('Home to reach the first event', async () => (await focusedIndex(frame)) === 0, FOLLOW);
    const readFlag = async () => {
      const m = /Flag (\d+) of (\d+):/.exec(await statusText(page).catch(() => ''));
      return m ? { k: Number(m[1]), of: Number(m[2]) } : undefined;
    };
    const visited: number[] = [];
    let total = Infinity;
    for (let k = 1; k <= Math.min(total, 50); k++) {
      const from = await focusedIndex(frame);
      await page.keyboard.press('F8');
      let flag: { k: number; of: number } | undefined;
      await waitFor(`F8 to reach flag ${k}`, async () => (flag = await readFlag())?.k === k && (await focusedIndex(frame)) !== from, FOLLOW);
      total = flag!.of;
      visited.push(await focusedIndex(frame));
    }
    // One more F8 wraps around to the first.
    await page.keyboard.press('F8');
    await waitFor('F8 to wrap around to flag 1', async () => (await readFlag())?.k === 1 && (await focusedIndex(frame)) === visited[0], FOLLOW);

    assert.deepEqual(badgeRows, [...new Set(citations)].sort((a, b) => a - b), 'the rows with a badge are the events the tags cite');
    assert.equal(headerCount, badgeRows.length, `the editor says "${(await summary.innerText()).trim()}" for ${badgeRows.length} rows with a badge`);
    assert.equal(total, badgeRows.length, 'F8 counts the rows with a badge');
    assert.deepEqual(visited, badgeRows, 'F8 stops once on each row with a badge, in order');
    assert.match((await summary.getAttribute('title')) ?? '', new RegExp(`^${badgeRows.length} flagged events \\(2 tags\\)`));

    // The Behaviours view counts tags, and says on how many events they fall.
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    await behavioursPane(page).locator('.pane-header', { hasText: `2 tags on ${badgeRows.length} events` }).waitFor({ state: 'visible', timeout: LONG });
  });

  it('a dismissal and a manual tag are undoable, saved to the sidecar and shown again after reopening', async () => {
    wb = await sharedWorkbench(workspace);
    const { page } = wb;
    let frame = await openInPeerwatch(wb, EXAMPLE);
    const flags = flaggedEvents(tags).length;
    await waitForTags(frame, flags);
    const sidecar = `${file}.review.json`;
    assert.equal(fs.existsSync(sidecar), false, 'no sidecar before any judgement');
    const first = tags[0]!;
    // Dismissing the first tag unflags the events no other tag cites.
    const flagsWithoutFirst = flaggedEvents(tags.slice(1)).length;
    assert.ok(flagsWithoutFirst < flags);
    const badge = () => row(frame, first.events[0]!).locator(`.badge-tag[data-tag-id="${first.id}"]`);
    const activeTab = page.locator('.tabs-container .tab.active', { hasText: EXAMPLE });
    // Go to the first flag (F8 from the top of the run).
    await row(frame, 0).click();
    await page.keyboard.press('F8');
    await waitFor(`F8 to reach event #${first.events[0]}`, async () => (await focusedIndex(frame)) === first.events[0], FOLLOW);

    // Dismiss: struck through, its events no longer flagged, the editor is dirty.
    await badge().locator('[data-action="tag-dismiss"]').click();
    await badge().and(frame.locator('[data-verdict="dismissed"]')).waitFor({ state: 'attached', timeout: LONG });
    await waitForTags(frame, flagsWithoutFirst);
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'visible', timeout: LONG });

    // Undo (Ctrl+Z in the editor) restores the tag; redo dismisses it again.
    await row(frame, first.events[0]!).click();
    await page.keyboard.press('Control+Z');
    await badge().and(frame.locator('[data-verdict="open"]')).waitFor({ state: 'attached', timeout: LONG });
    await waitForTags(frame, flags);
    await page.keyboard.press('Control+Shift+Z');
    await badge().and(frame.locator('[data-verdict="dismissed"]')).waitFor({ state: 'attached', timeout: LONG });

    // A manual tag on an event no detector tagged: "+tag", pick a behaviour, write a note.
    // Move down (j) to the first event after the flag that no tag cites.
    const tagged = new Set(tags.flatMap((t) => t.events));
    const untagged = transcript.events.find((e) => e.index > first.events[0]! && !tagged.has(e.index))!;
    while ((await focusedIndex(frame)) < untagged.index) {
      const before = await focusedIndex(frame);
      await page.keyboard.press('j');
      await waitFor('j to move the focus', async () => (await focusedIndex(frame)) !== before, FOLLOW);
    }
    const target = row(frame, untagged.index);
    await target.locator('[data-action="add-tag"]').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: LONG });
    await input.fill('Refusal');
    await page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: 'Refusal' }).first().waitFor({ state: 'visible', timeout: LONG });
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget', { hasText: 'A note for other reviewers' }).waitFor({ state: 'visible', timeout: LONG });
    await input.fill('hedges instead of refusing openly');
    await page.keyboard.press('Enter');
    await target.locator('.badge-tag[data-origin="manual"][data-behaviour="refusal"]').waitFor({ state: 'attached', timeout: LONG });
    assert.match((await target.getAttribute('data-tags')) ?? '', /\bmanual:1\b/);

    // Save: the sidecar holds both judgements, with who and when; the log is unchanged.
    const logBefore = fs.readFileSync(file, 'utf8');
    await target.click();
    await page.keyboard.press('Control+S');
    await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: LONG });
    await waitFor('the sidecar to be written', async () => fs.existsSync(sidecar), FOLLOW);
    const saved = JSON.parse(fs.readFileSync(sidecar, 'utf8'));
    assert.equal(saved.version, 1);
    assert.equal(saved.verdicts[first.id].verdict, 'dismissed');
    assert.equal(saved.verdicts[first.id].by, REVIEWER);
    assert.ok(!Number.isNaN(Date.parse(saved.verdicts[first.id].at)), 'the verdict says when');
    assert.deepEqual(saved.added.map((a: { id: string; behaviour: string; events: number[]; note: string; by: string }) => [a.id, a.behaviour, a.events, a.note, a.by]), [
      ['manual:1', 'refusal', [untagged.index], 'hedges instead of refusing openly', REVIEWER],
    ]);
    assert.equal(fs.readFileSync(file, 'utf8'), logBefore, 'the log itself is never written');

    // Close and reopen: both judgements are back, in the editor and in the sidebar.
    await runCommand(page, 'View: Close All Editors');
    await activeTab.waitFor({ state: 'detached', timeout: LONG });
    frame = await openInPeerwatch(wb, EXAMPLE);
    await waitForTags(frame, flagsWithoutFirst + 1); // one dismissed, one manual added on an untagged event
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    const rows = behavioursPane(page).locator('.monaco-list-row');
    await rows.filter({ hasText: 'Refusal' }).first().waitFor({ state: 'visible', timeout: LONG });
    // Selecting each in the sidebar shows it in the editor: the dismissal struck through, the manual tag.
    // (Occurrence rows' descriptions start "dismissed · " / "manual · "; group rows only count them.)
    await rows.filter({ hasText: 'dismissed · ' }).first().click();
    await badge().and(frame.locator('[data-verdict="dismissed"]')).waitFor({ state: 'attached', timeout: LONG });
    await rows.filter({ hasText: 'manual · ' }).first().click();
    await row(frame, untagged.index).locator('.badge-tag[data-origin="manual"][data-behaviour="refusal"]').waitFor({ state: 'attached', timeout: LONG });
    await screenshot(page, 'behaviours-review');
  });
});
