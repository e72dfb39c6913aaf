/**
 * Hostile text in a real VS Code (code-server + Chromium), issue 14:
 *
 * - Invisible characters: a run whose message, tool argument, file path and header hold
 *   `safe\u202Egnp.exe` (a right-to-left override that makes it display as `safeexe.png`) and zero-width
 *   spaces shows each such character as a `U+202E` marker named on hover, in stored order, and find
 *   still marks and counts matches.
 * - XSS corpus: a run whose every text field (and its review sidecar) holds classic XSS payloads is
 *   opened, every event expanded and scrolled through, the Behaviours view opened: no payload runs (no
 *   global set in any frame, no dialog), no payload becomes an element, and the payloads are there as
 *   text.
 *
 * Runs are written by the tests into fresh folders. Screenshots: test-results/hostile-*.png.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { detectBehaviours } from '../../src/core/behaviours';
import { parseTranscript } from '../../src/core/formats';
import { closeTestWorkbench, openWorkbench, peerwatchFrame, quickOpen, readClipboard, runCommand, screenshot, type Workbench } from './vscodeSession';
import { waitFor } from '../wait';

const LONG = 60_000;

/** A run log (docs/runlog-format.md) from a header and events. */
function runlog(run: Record<string, unknown>, events: Array<Record<string, unknown>>, end?: Record<string, unknown>): string {
  const lines = [{ type: 'header', schema: 'peerwatch.runlog', version: 1, run: { metadata: {}, ...run } }, ...events.map((e) => ({ type: 'event', ...e }))];
  if (end) lines.push({ type: 'end', ...end });
  return lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
}

async function openRunlog(wb: Workbench, name: string): Promise<Frame> {
  await quickOpen(wb.page, name);
  await wb.page.locator('.tabs-container .tab.active', { hasText: name }).waitFor({ timeout: LONG });
  const frame = await peerwatchFrame(wb.page);
  await frame.locator('[data-testid="run-header"]').waitFor({ state: 'visible', timeout: LONG });
  await frame.locator('[data-testid="event-list"] .event[data-event-index]').first().waitFor({ state: 'visible', timeout: LONG });
  return frame;
}

const row = (frame: Frame, index: number) => frame.locator(`[data-testid="event-list"] .event[data-event-index="${index}"]`);

// ---- invisible characters ---------------------------------------------------------------------

const RLO = '\u202E';
const ZWSP = '\u200B';
const TRICK = `safe${RLO}gnp.exe`;

/**
 * What a reviewer sees of the first `safe…gnp.exe` in `loc`: its visible text, whether the stored
 * characters are in the DOM at all, and where "safe", the marker and "gnp.exe" are drawn, left to
 * right (an override in effect would draw "gnp.exe" reversed, left of "safe").
 */
async function trickSeen(loc: Locator): Promise<{ visible: string; rawChars: boolean; title: string | null; order: number[] | null }> {
  return loc.evaluate((root) => {
    const marker = Array.from(root.querySelectorAll<HTMLElement>('.invisible-char')).find((m) => m.previousSibling?.textContent?.endsWith('safe') && m.nextSibling?.textContent?.startsWith('gnp.exe'));
    let order: number[] | null = null;
    if (marker) {
      const rectOf = (node: Node, start: number, end: number) => {
        const r = document.createRange();
        r.setStart(node, start);
        r.setEnd(node, end);
        return r.getBoundingClientRect();
      };
      const before = marker.previousSibling!;
      const after = marker.nextSibling!;
      const safe = rectOf(before, before.textContent!.length - 4, before.textContent!.length);
      const m = marker.getBoundingClientRect();
      const gnp = rectOf(after, 0, 'gnp.exe'.length);
      order = [safe.left, safe.right, m.left, m.right, gnp.left];
    }
    return {
      visible: (root as HTMLElement).innerText,
      rawChars: /[\u202A-\u202E\u2066-\u2069\u200B-\u200F]/.test(root.textContent ?? ''),
      title: marker?.getAttribute('title') ?? null,
      order,
    };
  });
}

describe('Hostile text: invisible and bidi characters are shown, not applied', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;
  let workspace: string | undefined;
  const NAME = 'invisible.runlog.jsonl';

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-invisible-'));
    const text = runlog({ title: `Report ${TRICK}`, model: `gpt${ZWSP}-4o`, taskName: 'report' }, [
      { kind: 'message', role: 'user', text: 'Please file the quarterly report.' },
      { kind: 'message', role: 'assistant', step: 1, text: `I saved it as ${TRICK} and left a zero${ZWSP}width note.` },
      { kind: 'tool_call', step: 1, id: 'c1', name: 'write_file', arguments: { path: `/drive/${TRICK}`, content: 'quarterly numbers' } },
      { kind: 'tool_result', step: 1, callId: 'c1', name: 'write_file', output: 'ok' },
      { kind: 'file_change', step: 1, callId: 'c1', op: 'create', path: `/drive/${TRICK}`, after: `hello${ZWSP}world` },
    ]);
    fs.writeFileSync(path.join(workspace, NAME), text);
  });

  afterEach(async function () {
    if (wb && this.currentTest?.state === 'passed') await screenshot(wb.page, 'hostile-invisible').catch(() => undefined);
    await closeTestWorkbench(this.currentTest, wb);
    wb = undefined;
  });

  after(() => {
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('shows U+202E and U+200B as named markers in stored order in text, arguments, paths and the header; find still works', async () => {
    wb = await openWorkbench(workspace!);
    const { page } = wb;
    const frame = await openRunlog(wb, NAME);
    await row(frame, 0).click();
    await page.keyboard.press('e');
    await row(frame, 4).locator('.file-change').waitFor({ state: 'visible', timeout: LONG });

    const places: Array<[string, Locator]> = [
      ['the assistant message', row(frame, 1).locator('pre.text')],
      ['the tool argument', row(frame, 2).locator('[data-arg="path"] dd')],
      ['the file path', row(frame, 4).locator('.change-path')],
      ['the header title', frame.locator('[data-testid="run-header"] h1')],
    ];
    for (const [where, loc] of places) {
      const seen = await trickSeen(loc);
      assert.equal(seen.title, 'U+202E RIGHT-TO-LEFT OVERRIDE', `${where}: the marker names the character on hover (${seen.visible})`);
      assert.match(seen.visible, /safe\s*U\+202E\s*gnp\.exe/, `${where}: reads safe, U+202E, gnp.exe`);
      assert.ok(!/exe\.png/.test(seen.visible), `${where}: nothing reads as .png`);
      assert.equal(seen.rawChars, false, `${where}: the control characters themselves are not in the page`);
      const [safeLeft, safeRight, markLeft, markRight, gnpLeft] = seen.order!;
      assert.ok(safeLeft! < safeRight! && safeRight! <= markLeft! + 1 && markRight! <= gnpLeft! + 1, `${where}: drawn left to right in stored order: ${seen.order!.map(Math.round).join(', ')}`);
    }
    // Zero-width spaces: in the message, the file's content and the header's model.
    for (const [where, loc] of [
      ['the assistant message', row(frame, 1).locator('pre.text')],
      ['the file content', row(frame, 4).locator('pre.content')],
      ['the header model', frame.locator('[data-testid="run-header"] [data-field="model"] dd')],
    ] as Array<[string, Locator]>) {
      const marker = loc.locator('.invisible-char', { hasText: 'U+200B' });
      assert.equal(await marker.count(), 1, `${where}: one U+200B marker`);
      assert.equal(await marker.getAttribute('title'), 'U+200B ZERO WIDTH SPACE', where);
    }
    assert.match(await frame.locator('[data-testid="run-header"] [data-field="model"] dd').innerText(), /^gpt\s*U\+200B\s*-4o$/);

    // Find: the markers' own text is not a match (the host, which counts, never sees it); the host
    // counts the events holding "gnp.exe" (message, call, file change) and the rows mark it.
    await page.keyboard.press('Control+f');
    const input = frame.locator('[data-testid="find-input"]');
    await input.waitFor({ state: 'visible', timeout: LONG });
    await input.fill('U+202E');
    await frame.locator('[data-testid="find-count"]', { hasText: 'No results' }).waitFor({ timeout: LONG });
    assert.equal(await frame.locator('mark.match').count(), 0, 'a marker\'s text is not marked as a match');
    await input.fill('gnp.exe');
    await frame.locator('[data-testid="find-count"]', { hasText: /of 3$|^3 matches$/ }).waitFor({ timeout: LONG });
    await waitFor('gnp.exe marked in the message', async () => (await row(frame, 1).locator('mark.match').allInnerTexts()).join('|') === 'gnp.exe');
    assert.equal(await row(frame, 2).locator('[data-arg="path"] mark.match').innerText(), 'gnp.exe');
    assert.equal(await frame.locator('.invisible-char mark.match').count(), 0, 'no mark inside a marker');

    // Copying the message gives the text as stored (the characters, not the markers' "U+202E").
    await wb.context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await page.evaluate(() => navigator.clipboard.writeText(''));
    await row(frame, 1).locator('pre.text').evaluate((pre) => {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const sel = window.getSelection()!;
      sel.removeAllRanges();
      sel.addRange(range);
    });
    await page.keyboard.press('Control+c');
    assert.equal(await readClipboard(page), `I saved it as ${TRICK} and left a zero${ZWSP}width note.`);
  });
});

// ---- XSS corpus ---------------------------------------------------------------------------------

/** What every payload tries to do when it runs: set a global in its frame (or open a dialog). */
const RUN = 'window.__pw_xss=1';

/** Classic payloads: HTML and SVG injection, breaking out of attributes, styles and scripts, URL schemes, templates, markdown. */
const PAYLOADS: readonly string[] = [
  `<img src=x onerror="${RUN}">`,
  `<script>${RUN}</script>`,
  `<svg onload="${RUN}">`,
  `<svg><script>${RUN}</script></svg>`,
  `"><iframe srcdoc="<script>parent.__pw_xss=1</script>">`,
  `'><img src=x onerror=${RUN}>`,
  `javascript:${RUN}`,
  `<a href="javascript:${RUN}">click me</a>`,
  `</style><img src=x onerror="${RUN}">`,
  `</script><script>${RUN}</script>`,
  `</textarea><script>${RUN}</script>`,
  `</title><script>${RUN}</script>`,
  `<body onload="${RUN}">`,
  `<details open ontoggle="${RUN}">`,
  `<input autofocus onfocus="${RUN}">`,
  `<video><source onerror="${RUN}"></video>`,
  `<object data="javascript:${RUN}"></object>`,
  `<embed src="javascript:${RUN}">`,
  `<math><mtext><table><mglyph><style><img src=x onerror="${RUN}">`,
  `<div style="background:url(javascript:${RUN})">styled</div>`,
  `<meta http-equiv="refresh" content="0;url=javascript:${RUN}">`,
  `<base href="javascript:${RUN}//">`,
  `<form action="javascript:${RUN}"><button>go</button></form>`,
  `<marquee onstart="${RUN}">`,
  `<img src=x onerror=alert(1)>`,
  `<iframe src="javascript:alert(1)"></iframe>`,
  '${' + RUN + '}',
  `{{constructor.constructor('${RUN}')()}}`,
  `<%= ${RUN} %>`,
  `[click](javascript:${RUN})`,
  `![x](x" onerror="${RUN})`,
  `\\u003cimg src=x onerror=${RUN}\\u003e`,
  `&lt;img src=x onerror=${RUN}&gt;`,
];

/** Payloads three at a time, so each field holds a few and the run stays short. */
function chunks(): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < PAYLOADS.length; i += 3) out.push(PAYLOADS.slice(i, i + 3));
  return out;
}

/** A run log with payloads in every text field: header, each kind of event, arguments (keys and values), config, paths, the end. */
function hostileRun(): string {
  const events: Array<Record<string, unknown>> = [
    { kind: 'message', role: 'system', text: PAYLOADS.join('\n') },
    { kind: 'message', role: 'user', text: `Every payload on its own line:\n${PAYLOADS.join('\n')}` },
  ];
  chunks().forEach((c, i) => {
    const p = c.join(' ');
    const step = i + 1;
    const id = `call_${step}`;
    events.push(
      { kind: 'message', role: 'assistant', step, name: c[0], text: p },
      { kind: 'reasoning', step, via: 'scratchpad-tool', toolName: c[1] ?? c[0], unmonitored: true, text: p },
      { kind: 'tool_call', step, id, name: c[0], arguments: { [c[0]!]: p, path: c[c.length - 1], nested: { [c[1] ?? 'k']: [p, { [p]: c[0] }] }, n: step } },
      { kind: 'tool_result', step, callId: id, name: c[0], output: p, error: c[c.length - 1] },
      { kind: 'tool_call', step, id: `${id}_sh`, name: 'bash', arguments: { command: `echo '${p}' > /tmp/x && scp ${c[0]} backup:/weights/model.safetensors` } },
      {
        kind: 'config_change', step, callId: id, path: c[0], op: 'modify', key: c[1] ?? 'k', oldValue: c[0], newValue: p,
        before: `${c[1] ?? 'k'}: ${c[0]}\nshutdown_enabled: true\n`, after: `${c[1] ?? 'k'}: ${p}\nshutdown_enabled: true\n`, beforeKnown: true,
      },
      { kind: 'file_change', step, callId: id, op: 'copy', path: c[0], to: c[c.length - 1], host: c[1], toHost: '10.0.12.46', command: p, before: c[0], after: p },
      { kind: 'environment', fact: p, data: { [c[0]!]: p } },
    );
  });
  // A tampering the detectors tag, so the Behaviours view has a detected tag to show next to the review's.
  events.push({
    kind: 'config_change', step: 99, op: 'modify', path: 'config.yaml', key: 'shutdown_enabled', oldValue: 'true', newValue: 'False',
    before: 'shutdown_enabled: true\n', after: 'shutdown_enabled: False\n', beforeKnown: true,
  });
  const text = runlog(
    {
      title: PAYLOADS[0], model: PAYLOADS[1], taskName: PAYLOADS[2], agentName: PAYLOADS[3], condition: PAYLOADS[4], subjectName: PAYLOADS[5],
      dataset: PAYLOADS[6], harness: { kind: PAYLOADS[7], agent: PAYLOADS[8] }, metadata: { [PAYLOADS[9]!]: PAYLOADS[10] },
    },
    events,
    { status: 'completed', evaluation: { score: 1, thresholdVerdict: PAYLOADS[11], raw: { [PAYLOADS[12]!]: PAYLOADS[13] } }, finalState: { [PAYLOADS[14]!]: PAYLOADS[15] } },
  );
  // Every other line written with JSON's \u escapes for < > & ' (the same text once read): escaped variants.
  return text
    .split('\n')
    .map((l, i) => (i % 2 ? l.replace(/[<>&']/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`) : l))
    .join('\n');
}

/** A review sidecar whose notes, reviewer names, verdict keys and manual tags hold payloads. */
function hostileReview(logName: string, detectedTagId: string, eventCount: number): string {
  const at = '2026-03-08T14:02:11Z';
  const verdicts: Record<string, unknown> = {
    [detectedTagId]: { verdict: 'confirmed', note: PAYLOADS.join(' '), by: PAYLOADS[0], at },
  };
  PAYLOADS.forEach((p, i) => (verdicts[p] = { verdict: 'dismissed', behaviour: 'exfiltration', events: [i], note: p, by: p, at }));
  const added = chunks().map((c, i) => ({
    id: `manual:${i + 1}`,
    behaviour: 'exfiltration',
    qualifier: 'peer-preservation',
    events: [Math.min(eventCount - 1, 2 + i * 8)],
    note: c.join(' '),
    by: c[0],
    at,
  }));
  return JSON.stringify({ version: 1, log: PAYLOADS[4] + logName, verdicts, added, reviewed: { by: PAYLOADS[1], at, note: PAYLOADS.join('\n') } }, null, 2);
}

/**
 * A frame's answer (`fn` must return something truthy), `gone` when the frame is torn down meanwhile,
 * or `silent` when it does not answer within 10 s (a frame a payload made and the CSP blocked never
 * does). Through waitForFunction, whose timeout bounds the wait, since evaluate has none.
 */
async function ask<T, A>(frame: Frame, fn: (arg: A) => T, arg: A, gone: T, silent: T): Promise<T> {
  try {
    const handle = await frame.waitForFunction(fn as never, arg, { timeout: 10_000 });
    return (await handle.jsonValue()) as T;
  } catch (err) {
    return (err as Error).name === 'TimeoutError' ? silent : gone;
  }
}

/** Every frame's `__pw_xss` (undefined unless a payload ran); a frame torn down meanwhile is left out. */
async function executions(page: Page): Promise<string[]> {
  const ran: string[] = [];
  for (const f of page.frames()) {
    const v = await ask<{ ran?: unknown }, null>(f, () => ({ ran: (window as { __pw_xss?: unknown }).__pw_xss }), null, {}, { ran: 'no answer' });
    if (v.ran !== undefined) ran.push(`${f.url() || 'a frame'}: __pw_xss = ${String(v.ran)}`);
  }
  return ran;
}

/**
 * Elements a payload would have made, in one document: images with src=x, iframes with srcdoc, any
 * element with an on* attribute, javascript: URLs, scripts or styles holding payload code, and the
 * payloads' own tag names (svg, object, embed, base, marquee, details, video, math) in the webview's
 * content frame (whose own markup has none of them).
 */
async function payloadElements(frame: Frame, contentFrame: boolean): Promise<string[]> {
  return ask<string[], boolean>(
    frame,
    (strictTags) => {
      const found: string[] = [];
      const urlAttrs = ['href', 'src', 'action', 'formaction', 'data', 'xlink:href', 'background', 'poster'];
      const payloadTags = new Set(['svg', 'object', 'embed', 'base', 'marquee', 'details', 'video', 'source', 'math', 'mglyph', 'form', 'iframe', 'img']);
      for (const n of Array.from(document.querySelectorAll('*'))) {
        // Only described when found: outerHTML of every element would serialize the page over and over.
        const d = () => (n.cloneNode(false) as Element).outerHTML.slice(0, 160);
        const tag = n.tagName.toLowerCase();
        if (tag === 'img' && n.getAttribute('src') === 'x') found.push(`img[src=x]: ${d()}`);
        if (tag === 'iframe' && n.hasAttribute('srcdoc')) found.push(`iframe[srcdoc]: ${d()}`);
        if ((tag === 'script' || tag === 'style') && (n.textContent ?? '').includes('__pw_xss')) found.push(`${tag} with payload code: ${d()}`);
        if (tag === 'meta' && /refresh/i.test(n.getAttribute('http-equiv') ?? '')) found.push(`meta refresh: ${d()}`);
        if (strictTags && payloadTags.has(tag)) found.push(`<${tag}> in the content: ${d()}`);
        for (const a of Array.from(n.attributes)) {
          if (/^on/i.test(a.name)) found.push(`${tag}[${a.name}]: ${d()}`);
          if (urlAttrs.includes(a.name.toLowerCase()) && /^\s*javascript:/i.test(a.value)) found.push(`${tag}[${a.name}=javascript:…]: ${d()}`);
          if (a.name === 'style' && /javascript:|__pw_xss/i.test(a.value)) found.push(`${tag}[style] with payload: ${d()}`);
        }
      }
      return found;
    },
    contentFrame,
    [], // a frame being torn down: nothing left in it
    [`${frame.url() || 'a frame'}: does not answer (a frame the page did not make?)`],
  );
}

/** The webview frames (every frame but the workbench's own), the content frame first. */
function webviewFrames(page: Page, content: Frame): Frame[] {
  return [content, ...page.frames().filter((f) => f !== page.mainFrame() && f !== content)];
}

describe('Hostile text: an XSS corpus in every field and in the review runs nowhere and makes no element', function () {
  this.timeout(600_000);
  let wb: Workbench | undefined;
  let workspace: string | undefined;
  const NAME = 'xss.runlog.jsonl';
  let eventCount = 0;
  const dialogs: string[] = [];

  before(() => {
    workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'peerwatch-ui-xss-'));
    const file = path.join(workspace, NAME);
    const text = hostileRun();
    fs.writeFileSync(file, text);
    const t = parseTranscript({ fileName: file, text });
    eventCount = t.events.length;
    assert.ok(eventCount > 80, `the run has every kind of event for every payload (${eventCount})`);
    assert.equal(t.diagnostics.filter((d) => d.severity === 'error').length, 0, 'the run reads without errors');
    assert.equal(t.header.model, PAYLOADS[1], 'the escaped lines read as the payloads');
    const tags = detectBehaviours(t);
    assert.ok(tags.length > 0, 'the detectors tag the run');
    fs.writeFileSync(`${file}.review.json`, hostileReview(NAME, tags[0]!.id, eventCount));
  });

  afterEach(async function () {
    if (wb && this.currentTest?.state === 'passed') await screenshot(wb.page, 'hostile-xss').catch(() => undefined);
    await closeTestWorkbench(this.currentTest, wb);
    wb = undefined;
  });

  after(() => {
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  it('opens, expands and scrolls through every event and the Behaviours view: 0 executions, 0 payload elements, payloads shown as text', async () => {
    wb = await openWorkbench(workspace!);
    const { page } = wb;
    page.on('dialog', (d) => {
      dialogs.push(`${d.type()}: ${d.message()}`);
      void d.dismiss().catch(() => undefined);
    });
    const frame = await openRunlog(wb, NAME);
    // The review is read: its manual tags show as badges.
    await frame.locator('.badge-tag[data-origin="manual"]').first().waitFor({ state: 'attached', timeout: LONG });
    await row(frame, 0).click();
    await page.keyboard.press('e');
    await frame.locator('[data-testid="event-list"] .event[data-expanded="true"]').first().waitFor({ timeout: LONG });

    // Scroll from the first event to the last, a page at a time, checking every frame at each stop and
    // keeping the text the rows showed.
    const shown = new Set<string>();
    const problems: string[] = [];
    const seenRows = new Set<number>();
    const check = async (where: string) => {
      for (const f of webviewFrames(page, frame)) for (const p of await payloadElements(f, f === frame)) problems.push(`${where}: ${p}`);
      for (const e of await executions(page)) problems.push(`${where}: ${e}`);
      const rows = await frame.locator('[data-testid="event-list"] .event[data-event-index]').evaluateAll((ns) =>
        ns.map((n) => ({ i: Number((n as HTMLElement).dataset.eventIndex), text: (n as HTMLElement).innerText, expanded: (n as HTMLElement).dataset.expanded })),
      );
      for (const r of rows) {
        seenRows.add(r.i);
        shown.add(r.text);
        if (r.expanded !== 'true') problems.push(`${where}: event #${r.i} is not expanded`);
      }
    };
    shown.add(await frame.locator('[data-testid="run-header"]').innerText());
    await check('top');
    const renderedAt = () => frame.locator('[data-testid="event-list"] .event[data-event-index]').evaluateAll((ns) => ns.map((n) => `${(n as HTMLElement).dataset.eventIndex}@${Math.round(n.getBoundingClientRect().top)}`).join(' '));
    for (let n = 0; n < 400 && !seenRows.has(eventCount - 1); n++) {
      const before = await renderedAt();
      await page.keyboard.press('PageDown');
      // The loop ends once the last event is seen, so this wait runs out only when the list is stuck;
      // on a loaded machine a page can take more than 5 s to draw (it did, with the UI tests run two
      // at a time), so it is given as long as the other waits.
      const moved = await waitFor('the list to scroll a page', async () => (await renderedAt()) !== before, LONG).then(() => true, () => false);
      await check(`page ${n + 1}`);
      if (!moved || problems.length) break;
    }
    assert.equal(problems.length, 0, `no payload ran and none became an element in the editor:\n${problems.join('\n')}`);
    assert.ok(seenRows.has(eventCount - 1), `scrolled to the last event (saw ${seenRows.size} of ${eventCount})`);
    assert.equal(seenRows.size, eventCount, 'every event was rendered on the way');

    // The Behaviours view: detected and manual tags whose notes, reviewers and tooltips hold payloads.
    await runCommand(page, 'Peerwatch: Focus on Behaviours View');
    const pane = page.locator('.pane').filter({ has: page.locator('.pane-header h3.title', { hasText: /^Behaviours$/ }) });
    const tagRows = pane.locator('.monaco-list-row');
    await waitFor('the Behaviours view to list the tags', async () => (await tagRows.count()) >= 3, LONG);
    // Expand every behaviour and hover a tag, so its Markdown tooltip (explanation, note, reviewer) renders.
    for (let i = 0; i < (await tagRows.count()); i++) {
      const r = tagRows.nth(i);
      if ((await r.getAttribute('aria-expanded')) === 'false') await r.click();
    }
    const manual = pane.locator('.monaco-list-row', { hasText: 'manual' }).first();
    await manual.waitFor({ state: 'visible', timeout: LONG });
    await manual.hover();
    await page.locator('.monaco-hover, .workbench-hover').first().waitFor({ state: 'visible', timeout: LONG }).catch(() => undefined);
    for (const p of await payloadElements(page.mainFrame(), false)) problems.push(`workbench: ${p}`);
    await check('with the Behaviours view');
    await screenshot(page, 'hostile-xss-behaviours');

    assert.equal(problems.length, 0, `no payload ran and none became an element:\n${problems.join('\n')}`);
    assert.deepEqual(dialogs, [], 'no payload opened a dialog');
    // The payloads are there, as text, each one whole.
    const all = [...shown].join('\n');
    const missing = PAYLOADS.filter((p) => !all.includes(p));
    assert.deepEqual(missing, [], 'every payload shows as text');
    assert.ok(all.includes('\\u003cimg src=x onerror='), 'a payload written with backslash escapes shows them as written');
  });
});
