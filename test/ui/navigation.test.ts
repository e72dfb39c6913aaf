/**
 * Reading a long run in the real VS Code: keyboard navigation, find across events that are not
 * rendered, filters, the outline, the diff editor action, deep links, and the editor's state
 * surviving a hidden tab and a window reload (without retainContextWhenHidden).
 *
 * The log is generated here with thousands of events, so the virtualized list holds only a small
 * part of it in the DOM at any time.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { closeSharedWorkbenches, closeTestWorkbench, openWorkbench, peerwatchFrame, quickOpen, readClipboard, reloadWindow, runCommand, screenshot, sharedWorkbench, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;
const EVENTS = 3000;
const NEEDLE_AT = 2419; // an assistant message
const NEEDLE = 'needle-in-the-haystack-7f3a';

/** Events whose shown text says "long run" (reasoning, results and messages; not the needle, not the change). */
let longRunMatches = 0;

/** A run log of `EVENTS` events: turns of reasoning, a tool call, its result and a message; one config change. */
function writeLongLog(file: string): void {
  longRunMatches = 0; // written again for every test: count this log's matches only
  const lines: string[] = [
    JSON.stringify({
      type: 'header',
      schema: 'peerwatch.runlog',
      version: 1,
      run: { title: 'Long generated run', model: 'test/long-model', taskFamily: 'tampering', subject: 'peer', threshold: 80 },
    }),
  ];
  for (let i = 0; i < EVENTS; i++) {
    const step = Math.floor(i / 4) + 1;
    const text = i === NEEDLE_AT ? `The agent notes ${NEEDLE} here.` : `Event ${i} of the long run.`;
    if (i !== NEEDLE_AT && i !== 1500 && i % 4 !== 1) longRunMatches++;
    let e: Record<string, unknown>;
    if (i === 1500) {
      e = {
        kind: 'config_change',
        path: 'shutdown_config.yaml',
        op: 'modify',
        key: 'shutdown_enabled',
        oldValue: true,
        newValue: 'False',
        before: 'shutdown_enabled: true\ncompany_name: OpenBrain\n',
        after: "shutdown_enabled: 'False'\ncompany_name: OpenBrain\n",
      };
    } else {
      switch (i % 4) {
        case 0:
          e = { kind: 'reasoning', text, via: 'scratchpad-tool', unmonitored: false };
          break;
        case 1:
          e = { kind: 'tool_call', name: i % 8 === 1 ? 'read_file' : 'list_files', arguments: { path: `/drive/file-${i}.txt` }, id: `c${i}` };
          break;
        case 2:
          e = { kind: 'tool_result', callId: `c${i - 1}`, name: (i - 1) % 8 === 1 ? 'read_file' : 'list_files', output: `${text}\nline 2\nline 3` };
          break;
        default:
          e = { kind: 'message', role: 'assistant', text };
      }
    }
    lines.push(JSON.stringify({ type: 'event', index: i, step, ...e }));
  }
  lines.push(JSON.stringify({ type: 'end', status: 'completed' }));
  fs.writeFileSync(file, lines.join('\n') + '\n');
}

const row = (frame: Frame, index: number) => frame.locator(`[data-testid="event-list"] .event[data-event-index="${index}"]`);

async function renderedIndices(frame: Frame): Promise<number[]> {
  return frame.locator('[data-testid="event-list"] .event[data-event-index]').evaluateAll((nodes) => nodes.map((n) => Number((n as HTMLElement).dataset.eventIndex)));
}

async function focusedIndex(frame: Frame): Promise<number> {
  const focused = frame.locator('[data-testid="event-list"] .event.focused');
  await focused.first().waitFor({ state: 'visible', timeout: LONG });
  return Number(await focused.first().getAttribute('data-event-index'));
}

/** Is the row inside the list's viewport (not just in the DOM)? */
async function inViewport(frame: Frame, index: number): Promise<boolean> {
  return row(frame, index).evaluate((n) => {
    const list = document.querySelector('[data-testid="scroller"]')!.getBoundingClientRect();
    const r = n.getBoundingClientRect();
    return r.bottom > list.top && r.top < list.bottom;
  });
}

async function waitInViewport(frame: Frame, index: number): Promise<void> {
  await row(frame, index).waitFor({ state: 'visible', timeout: LONG });
  await waitFor(`event #${index}, rendered, to be in the viewport`, () => inViewport(frame, index));
}

async function openLong(page: Page, name: string): Promise<Frame> {
  await quickOpen(page, name);
  const frame = await peerwatchFrame(page);
  await row(frame, 0).waitFor({ state: 'visible', timeout: LONG });
  return frame;
}

describe('Reading a long run: navigation, find, filters, links and state', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let workspace: string;
  const name = 'long.runlog.jsonl';

  // A folder per test for a test's own window: VS Code restores a folder's editors (and their state)
  // in the next window, which would carry one test's scroll position and filter into the next.
  beforeEach(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-long-'));
    writeLongLog(path.join(workspace, name));
    fs.writeFileSync(path.join(workspace, 'notes.md'), '# Notes\n');
  });

  afterEach(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  // Tests that need no fresh window share one on one folder like it, whose editors (and so their
  // state) are closed between tests (sharedWorkbench in vscodeSession.ts).
  let sharedFolder: string;
  before(() => {
    sharedFolder = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-long-shared-'));
    writeLongLog(path.join(sharedFolder, name));
    fs.writeFileSync(path.join(sharedFolder, 'notes.md'), '# Notes\n');
  });

  after(async () => {
    await closeSharedWorkbenches();
    fs.rmSync(sharedFolder, { recursive: true, force: true });
  });

  it('keeps only what is on screen in the DOM, and End reaches the last event', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const frame = await openLong(wb.page, name);
    const shown = await renderedIndices(frame);
    assert.ok(shown.length > 0 && shown.length < 200, `a few rows are rendered, not ${EVENTS} (got ${shown.length})`);
    await row(frame, 0).click();
    await wb.page.keyboard.press('End');
    await waitInViewport(frame, EVENTS - 1);
    assert.ok((await renderedIndices(frame)).length < 200, 'still only a window of rows after jumping to the end');
    assert.equal(await focusedIndex(frame), EVENTS - 1, 'End focuses the last event');
    await wb.page.keyboard.press('Home');
    await waitInViewport(frame, 0);
  });

  it('steps through events and tool calls with the keyboard and expands the focused event', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    const frame = await openLong(page, name);
    await row(frame, 0).click();
    assert.equal(await focusedIndex(frame), 0);
    await page.keyboard.press('j');
    await page.keyboard.press('ArrowDown');
    assert.equal(await focusedIndex(frame), 2, 'j and ↓ move to the next event');
    await page.keyboard.press('k');
    assert.equal(await focusedIndex(frame), 1, 'k moves back');
    await page.keyboard.press(']');
    await expectFocus(frame, 5, '] goes to the next tool call');
    await page.keyboard.press(']');
    await expectFocus(frame, 9, '] again');
    await page.keyboard.press('[');
    await expectFocus(frame, 5, '[ goes back to the previous tool call');
    // Holding j walks past the rendered rows: the list follows the focus.
    for (let i = 0; i < 40; i++) await page.keyboard.press('j');
    await expectFocus(frame, 45, 'forty steps down');
    await waitInViewport(frame, 45);
    // Enter expands the focused event, and again collapses it.
    assert.equal(await row(frame, 45).getAttribute('data-expanded'), 'false');
    await page.keyboard.press('Enter');
    await frame.locator('[data-testid="event-list"] .event[data-event-index="45"][data-expanded="true"]').waitFor({ timeout: LONG });
    await page.keyboard.press('Enter');
    await frame.locator('[data-testid="event-list"] .event[data-event-index="45"][data-expanded="false"]').waitFor({ timeout: LONG });
    // e expands every event, c collapses them.
    await page.keyboard.press('e');
    await frame.locator('[data-testid="event-list"] .event[data-event-index="46"][data-expanded="true"]').waitFor({ timeout: LONG });
    await page.keyboard.press('c');
    await frame.locator('[data-testid="event-list"] .event[data-event-index="46"][data-expanded="false"]').waitFor({ timeout: LONG });
    // The same moves are commands in the palette.
    await runCommand(page, 'Peerwatch: Next Tool Call');
    await expectFocus(frame, 49, 'the palette command moves to the next tool call');
  });

  it('finds text in events that are not rendered, counts and steps through matches', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    const frame = await openLong(page, name);
    assert.ok(!(await renderedIndices(frame)).includes(NEEDLE_AT), 'the match is far below what is rendered');
    await row(frame, 0).click();
    await page.keyboard.press('Control+f');
    const input = frame.locator('[data-testid="find-input"]');
    await input.waitFor({ state: 'visible', timeout: LONG });
    await input.fill(NEEDLE);
    const count = frame.locator('[data-testid="find-count"]');
    await frame.locator('[data-testid="find-count"]', { hasText: '1 of 1' }).waitFor({ timeout: LONG });
    await waitInViewport(frame, NEEDLE_AT);
    assert.equal(await row(frame, NEEDLE_AT).locator('mark.match').first().innerText(), NEEDLE, 'the match is marked in the event');

    // A common word: many matches, counted over the whole log, stepped with Enter.
    await input.fill('long run');
    await frame.locator('[data-testid="find-count"]', { hasText: `of ${longRunMatches.toLocaleString('en-US')}` }).waitFor({ timeout: LONG });
    // The first match after the focused event becomes current, and its row is focused.
    await frame.locator('[data-testid="event-list"] .event.focused mark.match-current').waitFor({ timeout: LONG });
    const first = await focusedIndex(frame);
    await input.press('Enter');
    await frame.waitForFunction((prev) => Number(document.querySelector('.event.focused')?.getAttribute('data-event-index')) > prev, first, { timeout: LONG });
    await input.press('Shift+Enter');
    await expectFocus(frame, first, 'Shift+Enter goes back to the previous match');
    await input.fill('no such text anywhere 0xdeadbeef');
    await frame.locator('[data-testid="find-count"]', { hasText: 'No results' }).waitFor({ timeout: LONG });
    assert.ok(await count.isVisible());
  });

  it('keeps typing in the find input: Enter steps to the next match, F3 and Shift+F3 step exactly once', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    const frame = await openLong(page, name);
    await row(frame, 0).click();
    await page.keyboard.press('Control+f');
    const input = frame.locator('[data-testid="find-input"]');
    await input.waitFor({ state: 'visible', timeout: LONG });
    // Typed as a user types (not filled), and every key below goes to whatever has the keyboard focus.
    await page.keyboard.type('long run');
    const total = longRunMatches.toLocaleString('en-US');
    // Events 0, 2, 3, 4, 6, … say "long run" (every tool call, i % 4 == 1, does not).
    const matchEvents = [0, 2, 3, 4, 6];
    const expectMatch = async (k: number, how: string) => {
      await frame.locator('[data-testid="find-count"]', { hasText: new RegExp(`^${k} of ${total}$`) }).waitFor({ timeout: LONG });
      await expectFocus(frame, matchEvents[k - 1]!, `${how}: match ${k} is the focused event`);
      const holder = await frame.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName);
      assert.equal(holder, 'find-input', `${how}: the keyboard stays in the find input`);
    };
    await expectMatch(1, 'typing');
    await page.keyboard.press('Enter');
    await expectMatch(2, 'Enter');
    await page.keyboard.press('Enter');
    await expectMatch(3, 'Enter again');
    assert.equal(await row(frame, 2).getAttribute('data-expanded'), 'false', 'Enter did not expand the match it left');
    assert.equal(await row(frame, 3).getAttribute('data-expanded'), 'false', 'Enter did not expand the current match');
    // F3 runs Find Next through its keybinding; one press is one step. Had it stepped twice (to 5),
    // the count could read 4 for a moment, but Shift+F3 would then land on 4, never on 3.
    await page.keyboard.press('F3');
    await expectMatch(4, 'F3');
    await page.keyboard.press('Shift+F3');
    await expectMatch(3, 'Shift+F3');
    await page.keyboard.press('Shift+Enter');
    await expectMatch(2, 'Shift+Enter');

    // From a row (the keyboard in the list, not the find input), F3 steps once from that row.
    await row(frame, 5).locator('.kind-label').click();
    await expectFocus(frame, 5, 'the clicked tool call');
    await page.keyboard.press('F3');
    await frame.locator('[data-testid="find-count"]', { hasText: new RegExp(`^5 of ${total}$`) }).waitFor({ timeout: LONG });
    await expectFocus(frame, 6, 'F3 from event #5 goes to the next match, event #6');
    await page.keyboard.press('Shift+F3');
    await frame.locator('[data-testid="find-count"]', { hasText: new RegExp(`^4 of ${total}$`) }).waitFor({ timeout: LONG });
    await expectFocus(frame, 4, 'Shift+F3 goes back one match');
  });

  it('filters by kind and tool, and jumps from the outline', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const frame = await openLong(wb.page, name);
    await frame.locator('[data-testid="tool-filter"]').selectOption('read_file');
    await frame.locator('[data-testid="counts"]', { hasText: `of ${EVENTS.toLocaleString('en-US')} events` }).waitFor({ timeout: LONG });
    await frame.locator('[data-testid="event-list"] .event[data-tool="read_file"]').first().waitFor({ timeout: LONG });
    const tools = await frame.locator('[data-testid="event-list"] .event').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.tool));
    assert.ok(tools.length > 0 && tools.every((t) => t === 'read_file'), `only read_file calls and results are listed: ${tools.slice(0, 5)}`);
    await frame.locator('[data-testid="tool-filter"]').selectOption('');
    await frame.locator('[data-testid="kind-filter"] [data-filter-kind="config_change"]').click();
    await row(frame, 1500).waitFor({ state: 'visible', timeout: LONG });
    assert.deepEqual(await renderedIndices(frame), [1500], 'only the config change is listed');
    assert.equal(await row(frame, 1500).getAttribute('data-config-key'), 'shutdown_enabled');
    await frame.locator('[data-testid="kind-filter"] [data-filter-kind="config_change"]').click();
    // The outline lists steps; step 601 starts at event 2400.
    const entry = frame.locator('[data-testid="outline"] .outline-entry[data-target-index="2400"]');
    await entry.scrollIntoViewIfNeeded();
    await entry.click();
    await waitInViewport(frame, 2400);
    await frame.locator('[data-testid="outline"] .outline-entry.current[data-target-index="2400"]').waitFor({ timeout: LONG });
  });

  it('opens a config change in VS Code\'s diff editor, read-only', async () => {
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    const frame = await openLong(page, name);
    await frame.locator('[data-testid="kind-filter"] [data-filter-kind="config_change"]').click();
    await row(frame, 1500).locator('[data-action="open-diff"]').click();
    const diff = page.locator('.editor-group-container.active .monaco-diff-editor');
    await diff.waitFor({ state: 'visible', timeout: LONG });
    await page.locator('.tabs-container .tab.active', { hasText: 'before ↔ after event #1500' }).waitFor({ timeout: LONG });
    const modified = diff.locator('.editor.modified .view-lines');
    await modified.filter({ hasText: "shutdown_enabled: 'False'" }).waitFor({ timeout: LONG });
    assert.match(await diff.locator('.editor.original .view-lines').innerText(), /shutdown_enabled:\s+true/);
    // The sides are virtual documents: typing changes nothing.
    await modified.click();
    await page.keyboard.type('tampered');
    assert.ok(!(await modified.innerText()).includes('tampered'), 'the after side is read-only');
    await screenshot(page, 'diff-editor');
  });

  it('copies a link to an event, and opening the link reveals it', async () => {
    // The shared window copies the link; it is closed for the fresh window that opens it, and the
    // tests after this one boot their own.
    wb = await sharedWorkbench(sharedFolder);
    const { page } = wb;
    await wb.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    const frame = await openLong(page, name);
    await row(frame, 0).click();
    await page.keyboard.press('End');
    await waitInViewport(frame, EVENTS - 1);
    await row(frame, EVENTS - 1).click();
    await runCommand(page, 'Peerwatch: Copy Link to Event');
    // The command writes the clipboard asynchronously: read until it arrives.
    const link = await readClipboard(page);
    assert.match(link, new RegExp(`^[a-z-]+://peerwatch\\.peerwatch/open\\?file=${name.replace(/\./g, '\\.')}&event=${EVENTS - 1}$`));
    // Open a link to another event from a fresh window, as a colleague would.
    await wb.close();
    wb = await openWorkbench(sharedFolder);
    const other = link.replace(/event=\d+/, `event=${NEEDLE_AT}`);
    await runCommand(wb.page, 'Peerwatch: Open Link to Event');
    const input = wb.page.locator('.quick-input-widget input');
    await input.fill(other);
    await input.press('Enter');
    const frame2 = await peerwatchFrame(wb.page);
    await waitInViewport(frame2, NEEDLE_AT);
    assert.equal(await focusedIndex(frame2), NEEDLE_AT, 'the linked event is focused');
  });

  it('keeps scroll position, expanded events, filter and find when the tab is hidden and when the window reloads', async () => {
    wb = await openWorkbench(workspace);
    let page = wb.page;
    let frame = await openLong(page, name);
    await frame.locator('[data-testid="tool-filter"]').selectOption('read_file');
    await frame.locator('[data-testid="counts"]', { hasText: ' of ' }).waitFor({ timeout: LONG });
    await row(frame, 1).waitFor({ state: 'visible', timeout: LONG });
    await row(frame, 1).click();
    await page.keyboard.press('End');
    await frame.waitForFunction(() => Number(document.querySelector('.event.focused')?.getAttribute('data-event-index')) > 2900, undefined, { timeout: LONG });
    await page.keyboard.press('Enter');
    const last = await focusedIndex(frame);
    assert.ok(last > 2900, `the last read_file event is focused (${last})`);
    await frame.locator(`[data-testid="event-list"] .event[data-event-index="${last}"][data-expanded="true"]`).waitFor({ timeout: LONG });

    // Hide the tab: another file in the same group. Peerwatch's webview is destroyed.
    await quickOpen(page, 'notes.md');
    await page.locator('.tabs-container .tab.active', { hasText: 'notes.md' }).waitFor({ timeout: LONG });
    await page.locator('.tabs-container .tab', { hasText: name }).click();
    frame = await peerwatchFrame(page);
    await assertRestored(frame, last);

    // Reload the window: VS Code restores the editor and its state.
    await reloadWindow(page);
    page = wb.page;
    frame = await peerwatchFrame(page);
    await assertRestored(frame, last);
    await screenshot(page, 'state-restored');
  });
});

describe('The end of a log still being read (issue 18)', function () {
  this.timeout(240_000);
  let wb: Workbench | undefined;
  let workspace: string;
  const name = 'huge.runlog.jsonl';
  /** The last events written: a reasoning of many lines (folded when compact), then a closing message. */
  const LAST_THOUGHT = Array.from({ length: 30 }, (_, i) => `Thought line ${i + 1} before the end.`).join('\n');
  const LAST_MESSAGE = 'The very last event of the huge log.';

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-huge-'));
    HUGE_EVENTS = writeHugeLog(path.join(workspace, name), HUGE_MB, [
      { kind: 'reasoning', text: LAST_THOUGHT, via: 'scratchpad-tool', unmonitored: false },
      { kind: 'message', role: 'assistant', text: LAST_MESSAGE },
    ]);
  });

  after(async function () {
    await closeTestWorkbench(this.currentTest, wb, workspace);
    wb = undefined;
  });

  it('End shows the last events before reading ends; they expand by click and Enter, and stay expanded and focused under their numbers', async () => {
    wb = await openWorkbench(workspace);
    const { page } = wb;
    const frame = await openLong(page, name);
    await row(frame, 0).click();
    await page.keyboard.press('End');
    const tail = frame.locator('[data-testid="tail-list"] > .event');
    await tail.last().waitFor({ state: 'visible', timeout: LONG });
    assert.match(await frame.locator('[data-testid="tail-note"]').innerText(), /The end of the log, read ahead of the index \(\d+% read\)/);
    assert.equal(await frame.locator('[data-testid="run-header"] [data-field="live"]').count(), 0, 'the log ends with its end record: not live, though not read to its end yet');
    assert.equal(await tail.last().locator('pre').innerText(), LAST_MESSAGE);
    const thought = tail.nth((await tail.count()) - 2);
    assert.equal(await thought.getAttribute('data-kind'), 'reasoning');
    assert.equal(await thought.getAttribute('data-expanded'), 'false');
    assert.ok(!(await thought.innerText()).includes('Thought line 30'), 'compact, the reasoning shows its first lines only');
    // A click on its twisty expands it in place: every line shows.
    await thought.locator('.event-head [data-action="toggle"]').click();
    const expandedThought = frame.locator('[data-testid="tail-list"] > .event[data-kind="reasoning"][data-expanded="true"]').last();
    await expandedThought.waitFor({ timeout: LONG });
    assert.match(await expandedThought.innerText(), /Thought line 30 before the end\./);
    // Opened at the bottom of the view, its lines are brought into sight: all of them when they fit
    // below the tail's note on estimated numbers, which stays in sight at the top; else from the top.
    const place = await expandedThought.evaluate((n) => {
      const box = (e: Element) => {
        const r = e.getBoundingClientRect();
        return { top: Math.round(r.top), bottom: Math.round(r.bottom) };
      };
      return { row: box(n), note: box(n.closest('[data-testid="tail"]')!.querySelector('[data-testid="tail-note"]')!), host: box(n.closest('[data-testid="tail"]')!) };
    });
    const seen = JSON.stringify(place);
    assert.ok(Math.abs(place.note.top - place.host.top) <= 1, `the note at the top of the tail: ${seen}`);
    assert.ok(place.row.top >= place.note.bottom - 1, `the reasoning not under the note: ${seen}`);
    if (place.row.bottom - place.row.top <= place.host.bottom - place.note.bottom) assert.ok(place.row.bottom <= place.host.bottom + 1, `the whole reasoning in view: ${seen}`);
    else assert.ok(place.row.top <= place.note.bottom + 2, `the reasoning, taller than the view, from its top: ${seen}`);
    await screenshot(page, 'tail-expanded');
    // Enter on the focused row collapses it, and again expands it.
    await page.keyboard.press('Enter');
    await frame.locator('[data-testid="tail-list"] > .event[data-kind="reasoning"][data-expanded="false"]').last().waitFor({ timeout: LONG });
    await page.keyboard.press('Enter');
    await expandedThought.waitFor({ timeout: LONG });
    // End again shows the tail fetched ahead, then the one it asks for: the reasoning stays expanded
    // in both, and the last event has the focus. A click gives the reasoning the focus back.
    // The tails shown so far: one or two, as the one fetched ahead came before End or after it.
    const shown = Number(await frame.locator('[data-testid="tail-list"]').getAttribute('data-shown'));
    await page.keyboard.press('End');
    await frame
      .waitForFunction(
        (before) => {
          const host = document.querySelector<HTMLElement>('[data-testid="tail"]');
          const shownNow = Number(host?.querySelector<HTMLElement>('[data-testid="tail-list"]')?.dataset.shown);
          return !!host && !host.hidden && shownNow > before && !host.hasAttribute('data-asking');
        },
        shown,
        { timeout: LONG },
      )
      .catch(async (e: Error) => {
        const state = await frame.locator('[data-testid="tail"]').evaluate((n) => ({ hidden: (n as HTMLElement).hidden, asking: n.hasAttribute('data-asking'), shown: n.querySelector<HTMLElement>('[data-testid="tail-list"]')?.dataset.shown, note: n.querySelector('[data-testid="tail-note"]')?.textContent }));
        throw new Error(`End again: no tail answered it (before End ${shown} shown; now ${JSON.stringify(state)}): ${e.message}`);
      });
    assert.equal(await expandedThought.count(), 1, 'the reasoning is still expanded');
    assert.equal(await tail.last().evaluate((n) => n === document.activeElement), true, 'End gives the last event the focus');
    await expandedThought.locator('.event-head').click();
    assert.equal(await expandedThought.evaluate((n) => n === document.activeElement), true, 'a click gives the reasoning the focus');
    assert.ok(await frame.locator('[data-testid="tail"]').isVisible(), 'all of this happened while the log was still read');
    // Reading ends: the same event, under its true number, still expanded and focused.
    await frame.locator('[data-testid="tail"]').waitFor({ state: 'hidden', timeout: 180_000 });
    const numbered = HUGE_EVENTS - 2;
    await expectFocus(frame, numbered, 'the reasoning focused in the tail');
    assert.equal(await row(frame, numbered).getAttribute('data-expanded'), 'true');
    assert.match(await row(frame, numbered).innerText(), new RegExp(`#${numbered}\\b[\\s\\S]*Thought line 30 before the end`));
    assert.equal(await row(frame, HUGE_EVENTS - 1).getAttribute('data-expanded'), 'false');
    // Too large to tag in the editor (700 MB, more than half the 512 MB the UI tests give detection,
    // scripts/vscode-server.mjs): the status bar says so rather than "No flags", and its tooltip why.
    const status = page.locator('.statusbar-item', { hasText: 'Not tagged' });
    await status.waitFor({ timeout: LONG });
    await status.hover();
    await page.locator('.monaco-hover, .workbench-hover', { hasText: /this run's file is 7\d\d MB, too large to tag within the 512 MB/ }).first().waitFor({ timeout: LONG });
    // So does the editor's toolbar, where a tagged run gives its count of flags.
    assert.equal(await frame.locator('[data-testid="flag-summary"]').innerText(), 'not tagged');
    assert.match((await frame.locator('[data-testid="flag-summary"]').getAttribute('title')) ?? '', /^Behaviours not detected: this run's file is 7\d\d MB/);
  });
});

/**
 * Megabytes of the log the tail test reads: enough that reading it goes on for seconds after the
 * editor shows (at 500 MB, 1.8 s were left after the test's steps in the tail on a quiet machine).
 */
const HUGE_MB = 700;
let HUGE_EVENTS = 0;

/**
 * Writes a run log of about `mb` MB (one block of events written again and again, fast) ending with
 * `last`; returns how many events it holds.
 */
function writeHugeLog(file: string, mb: number, last: Array<Record<string, unknown>>): number {
  const block: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const text = `Event ${i} of a block of the huge log, padded to be long enough to look like an agent's words. `.repeat(4);
    block.push(JSON.stringify(i % 2 ? { type: 'event', kind: 'message', role: 'assistant', text } : { type: 'event', kind: 'tool_call', name: 'read_file', arguments: { path: `/drive/file-${i}.txt` }, id: `c${i}` }));
  }
  const bytes = Buffer.from(block.join('\n') + '\n');
  const fd = fs.openSync(file, 'w');
  let events = 0;
  try {
    fs.writeSync(fd, JSON.stringify({ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { title: 'Huge generated run', model: 'test/huge-model' } }) + '\n');
    for (let written = 0; written < mb * 1e6; written += bytes.length, events += block.length) fs.writeSync(fd, bytes);
    for (const e of last) fs.writeSync(fd, JSON.stringify({ type: 'event', ...e }) + '\n');
    fs.writeSync(fd, JSON.stringify({ type: 'end', status: 'completed' }) + '\n');
  } finally {
    fs.closeSync(fd);
  }
  return events + last.length;
}

async function expectFocus(frame: Frame, index: number, what: string): Promise<void> {
  try {
    await frame.locator(`[data-testid="event-list"] .event.focused[data-event-index="${index}"]`).waitFor({ timeout: 10_000 });
  } catch {
    assert.fail(`${what}: expected event #${index} focused, found #${await focusedIndex(frame).catch(() => 'none')}`);
  }
}

async function assertRestored(frame: Frame, last: number): Promise<void> {
  await waitInViewport(frame, last);
  await frame.locator(`[data-testid="event-list"] .event[data-event-index="${last}"][data-expanded="true"]`).waitFor({ timeout: LONG });
  assert.equal(await frame.locator('[data-testid="tool-filter"]').inputValue(), 'read_file', 'the tool filter is restored');
  const tools = await frame.locator('[data-testid="event-list"] .event').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.tool));
  assert.ok(tools.every((t) => t === 'read_file'), 'the list is still filtered');
}
