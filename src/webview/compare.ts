/**
 * The comparison view's page: two runs in two columns, one aligned row per line of the grid (so the
 * columns scroll together and a row's two cells share its height), changed text diffed inline, a
 * header with the first divergence and the outcome and tag differences, and next / previous
 * difference (n / p, the buttons, or the palette through the host).
 *
 * Text only: events go through render.ts's `renderEvent` and `el` (textContent, never innerHTML).
 */
import { differenceRows, eventText } from '../core/compare/rows';
// Types only: the page trusts its own host's messages, as the editor's page does (the host validates
// what comes back), so zod is not bundled into the page.
import type { FromCompareView, ToCompareView, ComparedRun } from '../core/compare/protocol';
import { inlineDiff, kindLabel } from '../core/present';
import type { TranscriptEvent } from '../core/model';
import { el, renderEvent } from './render';

interface VsCodeApi {
  postMessage(message: FromCompareView): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();

type Init = Extract<ToCompareView, { type: 'init' }>;

let state: { init: Init; differences: number[]; at: number } | undefined;

function post(message: FromCompareView): void {
  vscode.postMessage(message);
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : typeof v === 'string' ? JSON.stringify(v) : (JSON.stringify(v) ?? String(v)));

/** Weight operations the header lists per run: a long run repeats them by the thousand, and the header stays on screen. */
const WEIGHT_OPS_SHOWN = 8;

/** The first WEIGHT_OPS_SHOWN of `ops`, joined, with how many more there are. */
function firstOf(ops: readonly string[]): string {
  const shown = ops.slice(0, WEIGHT_OPS_SHOWN).join('; ');
  return ops.length > WEIGHT_OPS_SHOWN ? `${shown}; … and ${(ops.length - WEIGHT_OPS_SHOWN).toLocaleString('en-US')} more` : shown;
}

/** The header: both runs' names, the first divergence, outcome and tag differences, the stepping buttons. */
function renderHeader(m: Init): HTMLElement {
  const c = m.comparison;
  const d = c.firstDivergence;
  const outcome: HTMLElement[] = [];
  for (const [title, diffs] of [['Evaluation', c.outcome.evaluation], ['Final config', c.outcome.config]] as const) {
    const changed = diffs.filter((x) => !x.same);
    outcome.push(
      el('div', { class: 'compare-outcome', 'data-field': title === 'Evaluation' ? 'evaluation' : 'config' }, el('strong', {}, `${title}: `), changed.length ? '' : diffs.length ? 'the same' : 'none in either run', ...changed.map((x) => el('div', { class: 'compare-value' }, `${x.field}: A ${show(x.a)} · B ${show(x.b)}`))),
    );
  }
  const w = c.outcome.weights;
  outcome.push(el('div', { class: 'compare-outcome', 'data-field': 'weights' }, el('strong', {}, 'Weights: '), w.same ? (w.a.length ? `the same (${firstOf(w.a)})` : 'untouched in both') : '', ...(w.same ? [] : [el('div', { class: 'compare-value' }, `A ${firstOf(w.a) || 'untouched'}`), el('div', { class: 'compare-value' }, `B ${firstOf(w.b) || 'untouched'}`)])));
  const tags = el(
    'div',
    { class: 'compare-tags', 'data-testid': 'compare-tags' },
    el('strong', {}, 'Tags: '),
    el('span', { 'data-field': 'only-a' }, `only A: ${c.tags.onlyA.join(', ') || '-'}`),
    ' · ',
    el('span', { 'data-field': 'only-b' }, `only B: ${c.tags.onlyB.join(', ') || '-'}`),
    ' · ',
    el('span', { 'data-field': 'both' }, `both: ${c.tags.both.join(', ') || '-'}`),
  );
  const nav = el(
    'div',
    { class: 'compare-nav' },
    el('button', { type: 'button', 'data-action': 'previous-difference', 'data-testid': 'previous-difference', title: 'Previous difference (p)' }, el('span', { class: 'codicon codicon-arrow-up', 'aria-hidden': 'true' }), 'Previous'),
    el('button', { type: 'button', 'data-action': 'next-difference', 'data-testid': 'next-difference', title: 'Next difference (n)' }, el('span', { class: 'codicon codicon-arrow-down', 'aria-hidden': 'true' }), 'Next'),
    el('span', { class: 'compare-position', 'data-testid': 'difference-position' }, ''),
  );
  return el(
    'header',
    { class: 'compare-header', 'data-testid': 'compare-header' },
    el('div', { class: 'compare-names' }, el('div', { 'data-field': 'a' }, `A  ${m.a.name}`), el('div', { 'data-field': 'b' }, `B  ${m.b.name}`)),
    el('div', { class: 'compare-divergence', 'data-testid': 'first-divergence' }, d ? `First divergence (${d.by === 'action' ? 'what they did' : 'words only'}), row ${d.row + 1}: ${d.summary}` : 'No divergence: the runs hold the same events.'),
    ...outcome,
    tags,
    nav,
  );
}

/** A changed event: its kind and, diffed word by word against the other side, its text. */
function renderChanged(e: TranscriptEvent, other: TranscriptEvent, side: 'a' | 'b'): HTMLElement {
  const mine = eventText(e);
  const theirs = eventText(other);
  const diff = side === 'a' ? inlineDiff(mine, theirs)?.left : inlineDiff(theirs, mine)?.right;
  const body = diff
    ? el('div', { class: 'compare-diff text' }, ...diff.map((s) => (s.changed ? el('span', { class: `word-changed ${side === 'a' ? 'del' : 'ins'}` }, s.text) : s.text)))
    : el('div', { class: 'compare-diff text', title: 'Too long or too different to mark word by word' }, mine);
  return el('div', { class: `event event-${e.kind} compare-changed`, 'data-event-index': String(e.index), 'data-kind': e.kind }, el('div', { class: 'compare-what' }, `${e.step !== undefined ? `step ${e.step} · ` : ''}${kindLabel(e)}`), body);
}

function cell(run: ComparedRun, index: number | undefined, side: 'a' | 'b', other?: TranscriptEvent, expanded = false): HTMLElement {
  const box = el('div', { class: `compare-cell cell-${side}`, 'data-side': side });
  if (index === undefined) {
    box.classList.add('compare-empty');
    return box;
  }
  const e = run.events[index];
  if (!e) return box;
  box.dataset['event'] = String(index);
  box.append(other ? renderChanged(e, other, side) : renderEvent(e, { expanded, diffMode: 'unified' }));
  return box;
}

/**
 * Runs too large to show row by row (core/compare/view.ts says why): the header's facts, how many rows
 * of each kind the alignment has, and the command line that prints them all. The header's stepping
 * buttons have no rows to step through and are left out.
 */
function renderTooLarge(m: Init, t: NonNullable<Init['tooLarge']>): void {
  const header = renderHeader(m);
  header.querySelector('.compare-nav')?.remove();
  const r = t.rows;
  const note = el(
    'div',
    { class: 'compare-too-large', 'data-testid': 'compare-too-large' },
    el('p', {}, `These runs hold ${t.events.toLocaleString('en-US')} events together, more than the ${t.limit.toLocaleString('en-US')} this view shows row by row.`),
    el('p', {}, `Their ${r.total.toLocaleString('en-US')} aligned rows: ${r.same.toLocaleString('en-US')} the same, ${r.changed.toLocaleString('en-US')} changed, ${r.onlyA.toLocaleString('en-US')} only in A, ${r.onlyB.toLocaleString('en-US')} only in B. Every row is printed by:`),
    el('pre', { class: 'compare-command', 'data-testid': 'compare-command' }, t.command),
  );
  // Under the runs' names, so it is on screen however long the header's lists are.
  header.querySelector('.compare-names')?.after(note);
  document.getElementById('app')!.replaceChildren(header);
  state = { init: m, differences: [], at: -1 };
}

function render(m: Init): void {
  if (m.tooLarge) return renderTooLarge(m, m.tooLarge);
  const app = document.getElementById('app')!;
  const rows = el('div', { class: 'compare-rows', 'data-testid': 'compare-rows' });
  m.comparison.aligned.forEach((r, i) => {
    const ea = r.a ? m.a.events[r.a.event] : undefined;
    const eb = r.b ? m.b.events[r.b.event] : undefined;
    const changed = r.status === 'changed' && ea && eb;
    rows.append(el('div', { class: `compare-row status-${r.status}`, 'data-row': String(i), 'data-status': r.status }, cell(m.a, r.a?.event, 'a', changed ? eb : undefined), cell(m.b, r.b?.event, 'b', changed ? ea : undefined)));
  });
  app.replaceChildren(renderHeader(m), rows);
  state = { init: m, differences: differenceRows(m.comparison.aligned), at: -1 };
  updatePosition();
}

function updatePosition(): void {
  if (!state) return;
  const pos = document.querySelector<HTMLElement>('[data-testid="difference-position"]');
  if (pos) pos.textContent = state.differences.length === 0 ? 'no differences' : state.at < 0 ? `${state.differences.length} difference${state.differences.length === 1 ? '' : 's'}` : `difference ${state.at + 1} of ${state.differences.length}`;
}

/** Moves to the next (+1) or previous (-1) difference, wrapping round, and shows it. */
function step(by: 1 | -1): void {
  if (!state || state.differences.length === 0) return;
  const n = state.differences.length;
  state.at = state.at < 0 ? (by > 0 ? 0 : n - 1) : (state.at + by + n) % n;
  const row = state.differences[state.at]!;
  document.querySelector('.compare-row.current')?.classList.remove('current');
  const node = document.querySelector<HTMLElement>(`.compare-row[data-row="${row}"]`);
  node?.classList.add('current');
  node?.scrollIntoView({ block: 'center' });
  updatePosition();
  post({ type: 'current', row });
}

document.addEventListener('click', (ev) => {
  const button = (ev.target as HTMLElement).closest<HTMLElement>('[data-action]');
  if (!button || !state) return;
  const action = button.dataset['action'];
  if (action === 'next-difference') step(1);
  else if (action === 'previous-difference') step(-1);
  else if (action === 'toggle') {
    // An event's own fold button (render.ts): the cell is drawn again, open or compact.
    const box = button.closest<HTMLElement>('.compare-cell');
    const side = box?.dataset['side'] === 'b' ? 'b' : 'a';
    const index = box?.dataset['event'];
    if (!box || index === undefined) return;
    const expanded = box.querySelector('[data-expanded="true"]') === null;
    box.replaceWith(cell(side === 'a' ? state.init.a : state.init.b, Number(index), side, undefined, expanded));
  }
});

document.addEventListener('keydown', (ev) => {
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if ((ev.target as HTMLElement).closest('input, textarea')) return;
  if (ev.key === 'n') step(1);
  else if (ev.key === 'p') step(-1);
  else return;
  ev.preventDefault();
});

window.addEventListener('message', (ev: MessageEvent<ToCompareView>) => {
  const m = ev.data;
  if (m?.type === 'init') render(m);
  else if (m?.type === 'command') step(m.command === 'nextDifference' ? 1 : -1);
});

post({ type: 'ready' });
