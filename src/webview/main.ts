/**
 * The Peerwatch editor's webview. The host holds the transcript and its index; this page holds only
 * the events it shows. Protocol: src/core/protocol.ts. Handshake: `ready` → `init`.
 *
 * The event list is virtualized around an *anchor*: the view position of the event at the top of
 * the viewport and how many pixels of it are scrolled past. Rows are rendered from the anchor down
 * (plus a margin), measured, and positioned; the scrollbar is a proportional stand-in capped well
 * below browsers' element-height limits, so a log of millions of events scrolls like a short one.
 * Wheel and keys move the anchor by real pixels; dragging the scrollbar jumps proportionally.
 */
import type { FromWebview, GroupFolds, OutlineEntry, Slot, Summary, ToWebview, ViewFilter, WebTag, WebviewCommand } from '../core/protocol';
import type { Diagnostic } from '../core/model';
import { el, eventIndexLabel, renderDiagnostic, renderEvent, renderGroupHead, renderHeader, type RenderOptions } from './render';
import { VirtualList } from './virtualList';
import { FindBar } from './findBar';
import { SamplesView, type SamplesViewState } from './samples';
import { INVISIBLE_CLASS, storedText } from './text';

interface VsCodeApi {
  postMessage(message: FromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives hiding the tab and reloading the window (via the webview's own state). */
interface SavedState {
  anchor?: { pos: number; offset: number; atEnd?: boolean };
  /** Events toggled away from the default (expanded when `expandAll` is false, collapsed when true). */
  toggled?: number[];
  expandAll?: boolean;
  filter?: ViewFilter;
  diffMode?: 'unified' | 'split';
  /** Tool answers printed as YAML records: shown read (default) or as printed. */
  outputMode?: 'readable' | 'printed';
  query?: string;
  focused?: number;
  outline?: boolean;
  /** In a log of many samples: the sample open (its key; absent while the list shows) and the list's own state. */
  sample?: string;
  samples?: SamplesViewState;
  /** Groups folded and unfolded (spans, agents, subagents, scorers). */
  folds?: GroupFolds;
}

const KIND_NAMES: Record<string, string> = {
  message: 'Messages',
  reasoning: 'Reasoning',
  tool_call: 'Tool calls',
  tool_result: 'Results',
  config_change: 'Config changes',
  file_change: 'File changes',
  environment: 'Environment',
};

const vscode = acquireVsCodeApi();
const saved: SavedState = (vscode.getState() as SavedState | undefined) ?? {};
const app = document.getElementById('app')!;

let summary: Summary | undefined;
let generation = -1;
let expandAll = saved.expandAll ?? false;
const toggled = new Set<number>(saved.toggled ?? []);
let diffMode: 'unified' | 'split' = saved.diffMode ?? 'unified';
let outputMode: 'readable' | 'printed' = saved.outputMode ?? 'readable';
let focusedIndex: number | undefined = saved.focused;
let outlineOpen = saved.outline ?? window.innerWidth > 760;
let restoreAnchor = saved.anchor;
let filter: ViewFilter = saved.filter ?? { kinds: null, tools: null };
const DEFAULT_FOLDS: GroupFolds = { toggled: [] };
let folds: GroupFolds = saved.folds ?? DEFAULT_FOLDS;
/** What shows: a transcript (one sample's, in a sample log) or a sample log's list of samples. */
let mode: 'transcript' | 'samples' = 'transcript';
/** The sample whose transcript shows (the transcript state above belongs to it). */
let openSample: string | undefined = saved.sample;

function post(message: FromWebview): void {
  vscode.postMessage(message);
}

function saveState(): void {
  const state: SavedState = {
    anchor: list.anchorState(),
    toggled: [...toggled].slice(-5000),
    expandAll,
    filter,
    diffMode,
    outputMode,
    query: find.query || undefined,
    focused: focusedIndex,
    outline: outlineOpen,
    sample: openSample,
    samples: samples.state,
    folds,
  };
  vscode.setState(state);
}
// Saved at the end of the current task (several changes in one handler make one save): a timer
// would lose the last change when the tab is hidden right after it, since hiding destroys the page.
let savePending = false;
function saveSoon(): void {
  if (savePending) return;
  savePending = true;
  queueMicrotask(() => {
    savePending = false;
    saveState();
  });
}

// ---- layout -------------------------------------------------------------------------------------

const headerHost = el('div', { class: 'header-host' });
/** In a sample log: back to the list, which sample this is, and the previous / next sample. */
const sampleBar = el('div', { class: 'sample-bar', 'data-testid': 'sample-bar', role: 'navigation', 'aria-label': 'Samples' });
const samples = new SamplesView(
  {
    open: (key) => post({ type: 'openSample', key }),
    changed: saveSoon,
    // After the list is painted: the host starts tagging every sample when it hears this, and on a
    // small machine that would take the core this page needs to draw the list first.
    shown: (keys) => requestAnimationFrame(() => setTimeout(() => post({ type: 'samplesShown', keys }))),
    stepFlagged: (direction) => post({ type: 'stepFlaggedSample', direction }),
    exportCsv: () => post({ type: 'exportSamples' }),
  },
  saved.samples ?? {},
);
const banner = el('div', { class: 'banner-host' });
const toolbar = el('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Filter and find' });
const outlineEl = el('nav', { class: 'outline', 'data-testid': 'outline', 'aria-label': 'Run outline' });
const listHost = el('div', { class: 'list-host' });
/** The log's last events read ahead of its index (End while it is still read); hidden otherwise. */
const tailHost = el('div', { class: 'tail-host', 'data-testid': 'tail', hidden: '' });
const body = el('div', { class: 'body' }, outlineEl, listHost, tailHost);

// Behaviour tags by event (from the host's `tags` message), and the events of the tag selected in the sidebar.
let tagsByEvent = new Map<number, WebTag[]>();
let highlighted = new Set<number>();
const flagSummary = el('span', { class: 'flag-summary', 'data-testid': 'flag-summary' });

const isExpanded = (index: number) => expandAll !== toggled.has(index);
const renderOptions = (slot: Slot): RenderOptions => ({
  expanded: isExpanded(slot.index),
  diffMode,
  ledTo: slot.ledTo,
  ledFrom: slot.ledFrom,
  tags: tagsByEvent.get(slot.index),
  readable: slot.readable,
  outputMode,
});
const tagsSignature = (ts: readonly WebTag[]) => ts.map((t) => `${t.id}=${t.verdict ?? ''}=${t.judged ?? ''}=${t.explanation}`).join(',');
const tagsKey = (index: number) => tagsSignature(tagsByEvent.get(index) ?? []);

/** `flagged`: events an open tag cites (a flag is an event, as F8 and the row badges count); `openTags`: tags not dismissed. */
function receiveTags(tags: readonly WebTag[], flagged: number, openTags: number, analysing: boolean, notDetected: string | null, reviewed: string | null): void {
  const next = new Map<number, WebTag[]>();
  for (const t of tags) for (const e of t.events) next.set(e, [...(next.get(e) ?? []), t]);
  const changed = next.size !== tagsByEvent.size || [...next].some(([i, ts]) => tagsSignature(ts) !== tagsSignature(tagsByEvent.get(i) ?? []));
  tagsByEvent = next;
  // Not detected (too large for the editor): "0 flags" would say the run was looked at.
  const untagged = !analysing && notDetected !== null && flagged === 0;
  flagSummary.textContent = `${analysing ? 'Detecting behaviours…' : untagged ? 'not tagged' : flagged === 1 ? '1 flag' : `${flagged} flags`}${reviewed ? ` · ${reviewed}` : ''}`;
  flagSummary.title = untagged ? `Behaviours not detected: ${notDetected}` : `${flagged} flagged event${flagged === 1 ? '' : 's'} (${openTags} tag${openTags === 1 ? '' : 's'}): F8 / Shift+F8 steps through them`;
  flagSummary.dataset.flags = String(flagged);
  flagSummary.dataset.tags = String(openTags);
  flagSummary.dataset.reviewed = String(!!reviewed);
  // Rows whose tags changed are rebuilt on the next frame (their optionsKey includes the tags).
  if (changed) list.refresh();
}

function markHighlighted(): void {
  for (const n of listHost.querySelectorAll('.event.tag-highlight')) n.classList.remove('tag-highlight');
  for (const i of highlighted) listHost.querySelector(`.event[data-event-index="${i}"]`)?.classList.add('tag-highlight');
}

const list = new VirtualList(listHost, {
  request: (start, end) => post({ type: 'getEvents', generation, start, end }),
  renderRow: (slot) => {
    const nodes: HTMLElement[] = [];
    const heads = slot.groups ?? [];
    // A folded group's header stands alone for the group (and the event it starts at).
    const folded = heads.length > 0 && heads[heads.length - 1]!.folded;
    heads.forEach((h, k) => nodes.push(renderGroupHead(h, slot.index, folded && k === heads.length - 1)));
    if (!folded) {
      const row = slot.event ? renderEvent(slot.event, renderOptions(slot)) : unreadable(slot);
      if (slot.depth) {
        row.classList.add('in-group');
        row.style.setProperty('--depth', String(slot.depth));
      }
      nodes.push(row);
    }
    for (const d of diagnosticsAfter(slot.index, slot.pos === 0)) nodes.push(renderDiagnostic(d));
    return nodes;
  },
  optionsKey: (slot) => `${isExpanded(slot.index) ? 1 : 0}${diffMode}${slot.readable ? outputMode : ''}|${tagsKey(slot.index)}|${(slot.groups ?? []).map((h) => `${h.id}:${h.folded}:${h.count}`).join(',')}`,
  onRendered: (rows) => {
    find.highlight(rows);
    markFocused();
    markHighlighted();
    syncOutline();
  },
  onScrolled: saveSoon,
});

const find = new FindBar({
  search: (requestId, query, caseSensitive) => post({ type: 'find', requestId, query, caseSensitive }),
  reveal: (pos, keepKeyboardFocus) => list.revealPos(pos, { focus: true, keepKeyboardFocus }),
  origin: () => focusedPos(),
  changed: () => {
    list.rerenderHighlights();
    saveSoon();
  },
});

/** A record that could not be read: shown in place, with the reason. */
function unreadable(slot: Slot): HTMLElement {
  return el(
    'li',
    { class: 'event event-unreadable diagnostic diagnostic-error', 'data-event-index': String(slot.index), 'data-kind': 'unreadable', 'data-testid': 'diagnostic', tabindex: '-1', role: 'alert' },
    el('strong', {}, `Event #${slot.index} could not be read`),
    el('p', {}, slot.error ?? 'unknown error'),
  );
}

// Diagnostics placed after the last event read before them (afterEvent), -1: before the first.
let diagnosticsByEvent = new Map<number, Diagnostic[]>();
function indexDiagnostics(ds: readonly Diagnostic[]): void {
  diagnosticsByEvent = new Map();
  for (const d of ds) {
    const key = Math.max(-1, d.afterEvent);
    const list = diagnosticsByEvent.get(key) ?? [];
    list.push(d);
    diagnosticsByEvent.set(key, list);
  }
}
function diagnosticsAfter(index: number, first: boolean): Diagnostic[] {
  const before = first ? (diagnosticsByEvent.get(-1) ?? []) : [];
  return [...before, ...(diagnosticsByEvent.get(index) ?? [])];
}

// ---- the end of a log still being read ----------------------------------------------------------

/** End was pressed while the log is read: its tail is asked for, and shown when it comes. */
let tailWanted = false;
/** Sets `tailWanted`, and says so on the tail's host (`data-asking`: the UI test waits for the answer). */
function wantTail(wanted: boolean): void {
  tailWanted = wanted;
  tailHost.toggleAttribute('data-asking', wanted);
}
/**
 * The tail asked for as soon as a log still being read opens (not a live one, whose end moves), so
 * that End shows it without a round trip; End asks again for numbers estimated from further on.
 */
let prefetchedTail: Extract<ToWebview, { type: 'tail' }> | undefined;

function tailShown(): boolean {
  return !tailHost.hidden;
}

/** The tail on screen, whose rows expand and collapse in place (the list's rows are not there yet). */
let tailOnScreen: Extract<ToWebview, { type: 'tail' }> | undefined;
type TailRow = Extract<ToWebview, { type: 'tail' }>['rows'][number];
let tailsShown = 0;

/** Shows the host's `tail`: the last events, numbered exactly or (while the index is behind) by estimate. */
function showTail(m: Extract<ToWebview, { type: 'tail' }>, keepPlace = false): void {
  wantTail(false);
  if (!m.rows.length) return;
  const percent = Math.floor(m.indexed * 100);
  const note = m.exact
    ? `The end of the log, read ahead of the index (${percent}% read).`
    : `The end of the log, read ahead of the index (${percent}% read): event numbers are estimates (≈) until reading finishes, then End shows them numbered.`;
  const unreadable = (r: TailRow) => el('li', { class: 'event event-unreadable diagnostic diagnostic-error', 'data-tail-index': String(r.index), 'data-kind': 'unreadable', role: 'alert' }, el('strong', {}, `Event ${m.exact ? '#' : '≈#'}${r.index} could not be read`), el('p', {}, r.error ?? 'unknown error'));
  // The same end again (End shows the tail fetched ahead, then the one it asked for, with numbers
  // estimated from further on): a finished log's end does not move, so the rows are the same events,
  // and only their numbers change, in place; what the reader expanded, focused and scrolled to stays.
  const before = tailShown() && tailOnScreen && summary && !summary.live ? [...tailHost.querySelectorAll<HTMLElement>('[data-testid="tail-list"] > .event')] : [];
  const same = before.length === m.rows.length && before.every((row, k) => row.dataset.kind === (m.rows[k]!.event?.kind ?? 'unreadable'));
  let rows: HTMLElement[];
  if (same) {
    rows = before.map((row, k) => {
      const r = m.rows[k]!;
      if (!r.event) {
        const fresh = unreadable(r);
        row.replaceWith(fresh);
        return fresh;
      }
      row.dataset.tailIndex = String(r.index);
      row.dataset.provisional = String(!m.exact);
      row.querySelector('.meta > .index')?.replaceWith(eventIndexLabel(r.index, { exact: m.exact }));
      return row;
    });
    tailHost.querySelector('[data-testid="tail-note"] > .tail-note-text')!.textContent = note;
  } else {
    rows = m.rows.map((r) => (r.event ? renderEvent({ ...r.event, index: r.index }, { expanded: false, diffMode, tail: { exact: m.exact } }) : unreadable(r)));
    tailHost.replaceChildren(
      el('p', { class: 'banner banner-tail', 'data-testid': 'tail-note', role: 'status' }, el('span', { class: 'tail-note-text' }, note), ' ', el('button', { type: 'button', class: 'link', 'data-action': 'leave-tail' }, 'Back to the list')),
      el('ol', { class: 'events', 'data-testid': 'tail-list', 'aria-label': 'The last events of the log' }, ...rows),
    );
  }
  tailOnScreen = m;
  // `data-shown` counts the tails shown since the page opened (the UI test waits for the one End asked for).
  tailHost.querySelector<HTMLElement>('[data-testid="tail-list"]')!.dataset.shown = String(++tailsShown);
  listHost.hidden = true;
  tailHost.hidden = false;
  // `keepPlace` (a tail coming in while shown) keeps the focus and the scroll; else the view goes to the last event.
  if (keepPlace && same) return;
  tailHost.scrollTop = tailHost.scrollHeight;
  const last = rows[rows.length - 1]!;
  last.tabIndex = -1;
  last.focus({ preventScroll: true });
}

/** The tail's row for `node` (an element in it), if it shows an event (not an unreadable record). */
function tailRowOf(node: Element | null): HTMLElement | null {
  return tailShown() ? (node?.closest<HTMLElement>('.event[data-tail-index]:not(.event-unreadable)') ?? null) : null;
}

/** Expands or collapses a row of the tail in place, keeping the focus on it. */
function toggleTailRow(row: HTMLElement): void {
  const rows = row.parentElement ? [...row.parentElement.children] : [];
  const r = tailOnScreen?.rows[rows.indexOf(row)];
  if (!tailOnScreen || !r?.event) return;
  const next = renderEvent({ ...r.event, index: r.index }, { expanded: row.dataset.expanded !== 'true', diffMode, tail: { exact: tailOnScreen.exact } });
  next.tabIndex = -1;
  row.replaceWith(next);
  next.focus({ preventScroll: true });
  // Expanded at the bottom of the view (the tail is shown from its end), the row's lines would open
  // out of sight: bring them in, as far as the row fits below the note pinned at the top (its top
  // stays in sight when it is taller).
  if (next.dataset.expanded === 'true') {
    const row = next.getBoundingClientRect();
    const below = row.bottom - tailHost.getBoundingClientRect().bottom;
    const noteBottom = tailHost.querySelector('[data-testid="tail-note"]')?.getBoundingClientRect().bottom ?? tailHost.getBoundingClientRect().top;
    if (below > 0) tailHost.scrollTop += Math.max(0, Math.min(below, row.top - noteBottom));
  }
}

/**
 * Back to the event list (the index caught up, or the reader moved elsewhere). When the tail's true
 * numbers are known, rows expanded in the tail stay expanded in the list, and the true number of the
 * row that had the focus is returned: the tail's own when exact, else (`eventCount`: reading finished)
 * from the end, as an unfiltered tail is the file's last events (its k-th row of n is event
 * `eventCount - n + k`); a filtered one skips events, so its estimates are not carried over.
 */
function leaveTail(eventCount?: number): number | undefined {
  wantTail(false);
  if (!tailShown()) return undefined;
  const rows = [...tailHost.querySelectorAll<HTMLElement>('[data-testid="tail-list"] > .event')];
  const consecutive = eventCount !== undefined && !filter.kinds && !filter.tools;
  const trueIndex = (k: number) => (tailOnScreen?.exact ? Number(rows[k]!.dataset.tailIndex) : consecutive ? eventCount - rows.length + k : undefined);
  const focused = rows.findIndex((r) => r.contains(document.activeElement));
  const focusedTrue = focused >= 0 ? trueIndex(focused) : undefined;
  for (const [k, row] of rows.entries()) {
    const index = trueIndex(k);
    // Unreadable records have no expanded state to carry.
    if (index !== undefined && index >= 0 && row.dataset.expanded !== undefined) {
      if ((row.dataset.expanded === 'true') === isExpanded(index)) continue;
      if (toggled.has(index)) toggled.delete(index);
      else toggled.add(index);
      list.rerenderIndex(index);
      saveSoon();
    }
  }
  tailOnScreen = undefined;
  tailHost.hidden = true;
  tailHost.replaceChildren();
  listHost.hidden = false;
  list.layoutChanged();
  return focusedTrue;
}

// ---- rendering the summary ------------------------------------------------------------------

function renderSampleBar(s: Summary): void {
  const sm = s.sample;
  if (!sm) {
    sampleBar.replaceChildren();
    return;
  }
  sampleBar.replaceChildren(
    el('button', { type: 'button', class: 'tb', 'data-action': 'show-samples', 'data-testid': 'samples-button', title: 'Back to the list of samples' }, '‹ Samples'),
    el('span', { class: 'sample-status', 'data-testid': 'sample-status', 'data-sample-key': sm.key }, `Sample ${sm.position} of ${sm.total}: ${sm.id} (epoch ${sm.epoch})`),
    el('span', { class: 'spacer' }),
    el('button', { type: 'button', class: 'tb', 'data-action': 'step-sample', 'data-direction': '-1', title: 'Previous sample (p, Alt+[)', disabled: sm.position <= 1 ? '' : undefined }, 'Previous'),
    el('button', { type: 'button', class: 'tb', 'data-action': 'step-sample', 'data-direction': '1', title: 'Next sample (n, Alt+])', disabled: sm.position >= sm.total ? '' : undefined }, 'Next'),
  );
}

/** A sample log's list replaces whatever showed. */
function showSamples(m: Extract<ToWebview, { type: 'samples' }>): void {
  // A long list's first rows come first: drawn when they are what the list shows first, then the rest
  // is asked for once they are on screen.
  const firstRows = m.total !== undefined;
  if (firstRows && !samples.showsFirstRows(m)) return post({ type: 'getSamples' });
  const wasList = mode === 'samples' && app.contains(samples.element);
  mode = 'samples';
  if (openSample !== undefined || summary) {
    // Leaving a sample: its scroll, expanded events and focus do not carry over to the next one.
    openSample = undefined;
    summary = undefined;
    toggled.clear();
    focusedIndex = undefined;
    restoreAnchor = undefined;
    highlighted = new Set();
  }
  samples.render(m);
  if (!wasList) {
    app.replaceChildren(samples.element);
    samples.shown();
  }
  if (firstRows) requestAnimationFrame(() => setTimeout(() => post({ type: 'getSamples' })));
  saveSoon();
}

function renderSummary(s: Summary, fresh: boolean): void {
  summary = s;
  renderSampleBar(s);
  headerHost.replaceChildren(renderHeader(s.fileName, s.header, s.live));
  renderBanner(s);
  renderToolbar(s);
  renderOutline(s.outline);
  indexDiagnostics(s.diagnostics);
  if (fresh) {
    app.replaceChildren(sampleBar, headerHost, banner, toolbar, find.element, body);
    list.reset(s.viewCount);
    if (restoreAnchor) {
      list.restore(restoreAnchor);
      restoreAnchor = undefined;
    }
    if (find.query) find.research();
  } else {
    list.setTotal(s.viewCount);
  }
  body.classList.toggle('outline-open', outlineOpen);
}

function renderBanner(s: Summary): void {
  const errors = s.diagnostics.filter((d) => d.severity === 'error');
  const parts: HTMLElement[] = [];
  if (errors.length) {
    const first = errors[0]!;
    parts.push(
      el(
        'p',
        { class: 'banner banner-error', 'data-testid': 'diagnostic-summary', role: 'status' },
        `${s.diagnosticCount > s.diagnostics.length ? `${s.diagnosticCount}` : errors.length} problem${errors.length > 1 ? 's' : ''} reading ${s.fileName}; everything readable is shown, with a marker where reading broke. First: `,
        el('button', { type: 'button', class: 'link', 'data-action': 'goto', 'data-target-index': String(Math.max(0, first.afterEvent)) }, first.message),
      ),
    );
  }
  if (s.eventCount === 0 && !errors.length) {
    parts.push(el('p', { class: 'empty' }, s.indexing ? 'Reading…' : s.live ? 'Waiting for the first event…' : 'This transcript has no events.'));
  }
  banner.replaceChildren(...parts);
}

function renderToolbar(s: Summary): void {
  const chips = Object.keys(KIND_NAMES)
    .filter((k) => s.kindCounts[k])
    .map((k) => {
      const on = !!filter.kinds?.includes(k);
      return el(
        'button',
        { type: 'button', class: `chip${on ? ' chip-on' : ''}`, 'data-action': 'filter-kind', 'data-filter-kind': k, 'aria-pressed': String(on), title: `Show only ${KIND_NAMES[k]!.toLowerCase()} (click again to show all)` },
        `${KIND_NAMES[k]} ${s.kindCounts[k]!.toLocaleString()}`,
      );
    });
  const tools = el('select', { class: 'tool-filter', 'data-testid': 'tool-filter', 'aria-label': 'Filter by tool', title: 'Show only the calls and results of one tool' });
  tools.append(el('option', { value: '' }, 'All tools'));
  for (const t of s.tools) {
    const o = el('option', { value: t }, t) as HTMLOptionElement;
    if (filter.tools?.includes(t)) o.selected = true;
    tools.append(o);
  }
  const filtered = !!(filter.kinds || filter.tools);
  toolbar.replaceChildren(
    el('div', { class: 'chips', 'data-testid': 'kind-filter' }, ...chips),
    tools,
    filtered ? el('button', { type: 'button', class: 'link', 'data-action': 'clear-filter' }, 'Show all') : '',
    el(
      'span',
      { class: 'counts', 'data-testid': 'counts' },
      filtered ? `${s.viewCount.toLocaleString()} of ${s.eventCount.toLocaleString()} events` : `${s.eventCount.toLocaleString()} events`,
      s.indexing ? ' · reading…' : '',
    ),
    flagSummary,
    el('span', { class: 'spacer' }),
    el('button', { type: 'button', class: 'tb', 'data-action': 'toggle-outline', title: 'Show or hide the outline', 'aria-pressed': String(outlineOpen) }, 'Outline'),
    el('button', { type: 'button', class: 'tb', 'data-action': 'expand-all', title: 'Expand all events (e)' }, 'Expand'),
    el('button', { type: 'button', class: 'tb', 'data-action': 'collapse-all', title: 'Collapse all events (c)' }, 'Collapse'),
  );
  tools.addEventListener('change', () => {
    const v = (tools as HTMLSelectElement).value;
    setFilter({ kinds: filter.kinds, tools: v ? [v] : null });
  });
}

let outlineEntries: OutlineEntry[] = [];
function renderOutline(entries: OutlineEntry[]): void {
  const same = entries.length === outlineEntries.length && entries.every((e, i) => e.index === outlineEntries[i]!.index && e.label === outlineEntries[i]!.label);
  outlineEntries = entries;
  if (same) return;
  outlineEl.replaceChildren(
    el('div', { class: 'outline-title' }, 'Steps'),
    el(
      'ol',
      {},
      ...entries.map((e) =>
        el(
          'li',
          {},
          el(
            'button',
            { type: 'button', class: 'outline-entry', 'data-action': 'goto', 'data-target-index': String(e.index), 'data-marks': e.marks.join(' ') },
            el('span', { class: 'outline-step' }, e.step === null ? `#${e.index}` : `${e.step}`),
            el('span', { class: 'outline-label' }, e.label),
            ...e.marks.filter((m) => m !== 'reasoning').map((m) => el('span', { class: `outline-mark mark-${m}`, title: m.replace('_', ' ') })),
          ),
        ),
      ),
    ),
  );
  syncOutline();
}

/** Marks the outline entry of the event at the top of the list. */
function syncOutline(): void {
  const focusedShown = focusedIndex !== undefined && listHost.querySelector(`.event[data-event-index="${focusedIndex}"]`);
  const top = focusedShown ? focusedIndex : list.topIndex();
  if (top === undefined || !outlineEntries.length) return;
  let lo = 0;
  let hi = outlineEntries.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (outlineEntries[mid]!.index <= top) lo = mid;
    else hi = mid - 1;
  }
  const buttons = outlineEl.querySelectorAll<HTMLElement>('.outline-entry');
  const current = outlineEl.querySelector('.outline-entry.current');
  const next = buttons[lo];
  if (current === next) return;
  current?.classList.remove('current');
  next?.classList.add('current');
}

function setFilter(next: ViewFilter): void {
  filter = next;
  post({ type: 'setFilter', filter });
  saveSoon();
}

// ---- focus and navigation -----------------------------------------------------------------------

function markFocused(): void {
  for (const n of listHost.querySelectorAll('.event.focused')) n.classList.remove('focused');
  if (focusedIndex === undefined) return;
  listHost.querySelector(`.event[data-event-index="${focusedIndex}"]`)?.classList.add('focused');
}

/** Makes event `index` the focused one; the keyboard goes to its row unless `keepKeyboardFocus` (find typing). */
function focusIndex(index: number, pos: number | undefined, keepKeyboardFocus = false): void {
  focusedIndex = index;
  if (highlighted.size && !highlighted.has(index)) {
    highlighted = new Set();
    markHighlighted();
  }
  post({ type: 'focus', index });
  markFocused();
  const node = listHost.querySelector<HTMLElement>(`.event[data-event-index="${index}"]`);
  if (!keepKeyboardFocus) node?.focus({ preventScroll: true });
  if (pos !== undefined) list.setFocusPos(pos);
  saveSoon();
}

list.onFocus = (index, pos, keepKeyboardFocus) => focusIndex(index, pos, keepKeyboardFocus);

function focusedPos(): number {
  return list.focusPos() ?? list.topPos() ?? 0;
}

function step(delta: 1 | -1): void {
  const pos = Math.min(Math.max(focusedPos() + delta, 0), list.total - 1);
  if (pos >= 0) list.revealPos(pos, { focus: true, minimal: true });
}

function toggleIndex(index: number): void {
  if (toggled.has(index)) toggled.delete(index);
  else toggled.add(index);
  list.rerenderIndex(index);
  saveSoon();
}

function setExpandAll(on: boolean): void {
  expandAll = on;
  toggled.clear();
  list.rerenderAll();
  // Expand and Collapse all take the groups along: every group open, or every group folded.
  setFolds({ all: on ? 'open' : 'closed', toggled: [] });
}

function setFolds(next: GroupFolds): void {
  folds = next;
  post({ type: 'setFolds', folds });
  saveSoon();
}

/** Folds or unfolds a group; the focus stays on the row the group starts at. */
function toggleGroup(header: HTMLElement): void {
  const id = header.dataset.groupId;
  if (id === undefined) return;
  const index = Number(header.dataset.startIndex);
  const set = new Set(folds.toggled);
  if (!set.delete(id)) set.add(id);
  if (Number.isInteger(index)) focusIndex(index, list.posOfNode(header));
  setFolds({ ...folds, toggled: [...set].slice(-5000) });
}

/** Commands while the sample list shows: moving and opening go to the list. */
const LIST_KEYS: Partial<Record<WebviewCommand, string>> = {
  nextEvent: 'j',
  previousEvent: 'k',
  firstEvent: 'Home',
  lastEvent: 'End',
  toggleEvent: 'Enter',
  find: '/',
};

function run(command: WebviewCommand): void {
  if (mode === 'samples') {
    const key = LIST_KEYS[command];
    if (key) samples.key(new KeyboardEvent('keydown', { key }));
    return;
  }
  if (command === 'lastEvent' && summary?.indexing) {
    // The index has not reached the end yet: show the file's own last events (read by byte range
    // from its end), those fetched ahead at once, and again as the host sends them.
    wantTail(true);
    post({ type: 'getTail', generation });
    if (prefetchedTail?.generation === generation) {
      showTail(prefetchedTail);
      wantTail(true);
      return;
    }
  } else if (command !== 'find' && command !== 'toggleEvent') leaveTail();
  switch (command) {
    case 'nextEvent':
      return step(1);
    case 'previousEvent':
      return step(-1);
    case 'nextToolCall':
      return post({ type: 'navigate', from: focusedPos(), direction: 1, kind: 'tool_call' });
    case 'previousToolCall':
      return post({ type: 'navigate', from: focusedPos(), direction: -1, kind: 'tool_call' });
    case 'firstEvent':
      return list.revealPos(0, { focus: true });
    case 'lastEvent':
      return list.revealPos(list.total - 1, { focus: true, atEnd: true });
    case 'toggleEvent': {
      const tailRow = tailRowOf(document.activeElement);
      if (tailShown()) return void (tailRow && toggleTailRow(tailRow));
      if (focusedIndex !== undefined) toggleIndex(focusedIndex);
      return;
    }
    case 'expandAll':
      return setExpandAll(true);
    case 'collapseAll':
      return setExpandAll(false);
    case 'find':
      return find.open();
    case 'findNext':
      return find.next(1, focusedPos());
    case 'findPrevious':
      return find.next(-1, focusedPos());
    case 'clearFilter':
      return setFilter({ kinds: null, tools: null });
  }
}

const KEYS: Record<string, WebviewCommand> = {
  j: 'nextEvent',
  ArrowDown: 'nextEvent',
  k: 'previousEvent',
  ArrowUp: 'previousEvent',
  ']': 'nextToolCall',
  '[': 'previousToolCall',
  Home: 'firstEvent',
  g: 'firstEvent',
  End: 'lastEvent',
  G: 'lastEvent',
  Enter: 'toggleEvent',
  ' ': 'toggleEvent',
  e: 'expandAll',
  c: 'collapseAll',
  '/': 'find',
  // F3 / Shift+F3 are not here: their keybindings (Find Next / Previous) already receive every key
  // the webview forwards, and handling them here too stepped twice.
};

window.addEventListener('keydown', (ev) => {
  const target = ev.target as HTMLElement;
  // The Find Next / Previous keybindings step (the key is forwarded to VS Code); only the browser's own F3 is kept out.
  if (ev.key === 'F3') return ev.preventDefault();
  if (target.closest('input, select, textarea')) return;
  if (mode === 'samples') {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (target.closest('button') && (ev.key === 'Enter' || ev.key === ' ')) return;
    if (samples.key(ev)) ev.preventDefault();
    return;
  }
  if (summary?.sample && !ev.ctrlKey && !ev.metaKey && !ev.altKey && (ev.key === 'n' || ev.key === 'p')) {
    ev.preventDefault();
    return post({ type: 'stepSample', direction: ev.key === 'n' ? 1 : -1 });
  }
  if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 'f') {
    ev.preventDefault();
    return run('find');
  }
  if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
  if (ev.key === 'PageDown' || ev.key === 'PageUp') {
    ev.preventDefault();
    list.scrollByPixels((ev.key === 'PageDown' ? 1 : -1) * list.pageHeight());
    return;
  }
  if (target.closest('button') && (ev.key === 'Enter' || ev.key === ' ')) return; // the button's own action
  const header = target.closest<HTMLElement>('.group-header');
  if (header && (ev.key === 'Enter' || ev.key === ' ')) {
    ev.preventDefault();
    return toggleGroup(header);
  }
  const command = KEYS[ev.key];
  if (!command) return;
  ev.preventDefault();
  run(command);
});

// ---- clicks -------------------------------------------------------------------------------------

app.addEventListener('click', (ev) => {
  const target = ev.target as HTMLElement;
  const action = target.closest<HTMLElement>('[data-action]');
  const item = target.closest<HTMLElement>('.event[data-event-index]');
  const index = item ? Number(item.dataset.eventIndex) : undefined;
  if (item && index !== undefined) focusIndex(index, list.posOfNode(item));
  const tailRow = tailRowOf(target);
  if (tailRow && !action) tailRow.focus({ preventScroll: true });
  if (!action) return;
  switch (action.dataset.action) {
    case 'toggle':
      if (index !== undefined) toggleIndex(index);
      else if (tailRow) toggleTailRow(tailRow);
      break;
    case 'toggle-group':
      toggleGroup(action);
      break;
    case 'image-zoom':
      // Full size in place (and back): the list measures the row again.
      action.classList.toggle('zoomed');
      list.layoutChanged();
      break;
    case 'open-diff':
      if (index !== undefined) post({ type: 'openDiff', index });
      break;
    case 'diff-mode':
      diffMode = action.dataset.mode === 'split' || action.dataset.mode === 'unified' ? action.dataset.mode : diffMode === 'unified' ? 'split' : 'unified';
      list.rerenderAll();
      saveSoon();
      break;
    case 'output-mode':
      outputMode = action.dataset.mode === 'printed' ? 'printed' : 'readable';
      list.rerenderAll();
      saveSoon();
      break;
    case 'reveal-source':
      if (index !== undefined) post({ type: 'openSource', index });
      break;
    case 'copy-link':
      if (index !== undefined) post({ type: 'copyLink', index });
      break;
    case 'tag-confirm':
    case 'tag-dismiss': {
      const tagId = action.dataset.tagId;
      const verdict = action.dataset.action === 'tag-confirm' ? 'confirmed' : 'dismissed';
      // Pressing the verdict a tag already has takes it back.
      if (tagId) post({ type: 'judge', tagId, verdict: action.getAttribute('aria-pressed') === 'true' ? 'clear' : verdict });
      break;
    }
    case 'add-tag':
      if (index !== undefined) post({ type: 'addTag', index });
      break;
    case 'goto': {
      const to = Number(action.dataset.targetIndex);
      if (Number.isInteger(to)) post({ type: 'locate', index: to, clearFilter: true });
      break;
    }
    case 'filter-kind': {
      const kind = action.dataset.filterKind!;
      const on = filter.kinds?.includes(kind);
      const kinds = on ? filter.kinds!.filter((k) => k !== kind) : [...(filter.kinds ?? []), kind];
      setFilter({ kinds: kinds.length ? kinds : null, tools: filter.tools });
      break;
    }
    case 'clear-filter':
      setFilter({ kinds: null, tools: null });
      break;
    case 'toggle-outline':
      outlineOpen = !outlineOpen;
      body.classList.toggle('outline-open', outlineOpen);
      action.setAttribute('aria-pressed', String(outlineOpen));
      list.layoutChanged();
      saveSoon();
      break;
    case 'expand-all':
      setExpandAll(true);
      break;
    case 'collapse-all':
      setExpandAll(false);
      break;
    case 'show-samples':
      post({ type: 'showSamples' });
      break;
    case 'leave-tail':
      leaveTail();
      break;
    case 'step-sample':
      post({ type: 'stepSample', direction: action.dataset.direction === '-1' ? -1 : 1 });
      break;
  }
});

app.addEventListener('dblclick', (ev) => {
  const target = ev.target as HTMLElement;
  if (target.closest('[data-action], input, select')) return;
  const item = target.closest<HTMLElement>('.event[data-event-index]');
  if (item && !window.getSelection()?.toString()) post({ type: 'openSource', index: Number(item.dataset.eventIndex) });
});

// Copying a selection that holds invisible-character markers copies the characters as stored, not
// the markers' `U+202E` text (as VS Code's editor copies what the file holds, whatever it highlights).
document.addEventListener('copy', (ev) => {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || !ev.clipboardData) return;
  const frag = document.createDocumentFragment();
  for (let i = 0; i < sel.rangeCount; i++) frag.append(sel.getRangeAt(i).cloneContents());
  if (!frag.querySelector(`.${INVISIBLE_CLASS}`)) return;
  ev.clipboardData.setData('text/plain', storedText(frag));
  ev.preventDefault();
});

// ---- messages from the host ---------------------------------------------------------------------

window.addEventListener('message', (ev: MessageEvent<ToWebview>) => {
  const message = ev.data;
  switch (message.type) {
    case 'init': {
      leaveTail();
      const key = message.sample?.key;
      if (key !== openSample) {
        // Another sample of the log: start at its top, nothing expanded or focused.
        toggled.clear();
        focusedIndex = undefined;
        restoreAnchor = undefined;
        highlighted = new Set();
        summary = undefined;
        openSample = key;
        saveSoon(); // the sample open is what a reload must come back to
      }
      mode = 'transcript';
      const sameFile = summary?.fileName === message.fileName;
      generation = message.generation;
      filter = message.filter;
      if (message.folds) folds = message.folds;
      if (sameFile && !restoreAnchor) restoreAnchor = list.anchorState(); // the file was replaced: stay near where the reader was
      renderSummary(message, true);
      prefetchedTail = undefined;
      if (message.indexing && !message.live) post({ type: 'getTail', generation, ahead: true });
      break;
    }
    case 'update': {
      const regenerated = message.generation !== generation;
      if (regenerated) leaveTail();
      else if (tailShown() && !message.indexing) {
        // Reading finished: the end shown ahead of the index is now the numbered end of the list.
        renderSummary(message, false);
        const focus = leaveTail(message.eventCount);
        // The same event, now under its number: the last one is the list's end; another is located
        // through the host, which knows its place in a filtered view.
        if (focus === undefined || focus === message.eventCount - 1) list.revealPos(list.total - 1, { focus: true, atEnd: true });
        else post({ type: 'locate', index: focus });
        break;
      }
      generation = message.generation;
      filter = message.filter;
      if (message.folds) folds = message.folds;
      if (regenerated) {
        // A new filter: start from the event the reader had picked, if it is still in the view.
        renderSummary(message, true);
        if (message.focus !== undefined) focusedIndex = message.focus;
        if (focusedIndex !== undefined) post({ type: 'locate', index: focusedIndex });
      } else renderSummary(message, false);
      break;
    }
    case 'events':
      if (message.generation === generation) list.receive(message.slots);
      break;
    case 'tail':
      if (message.generation !== generation || mode !== 'transcript') break;
      if (tailWanted) showTail(message, tailShown());
      else prefetchedTail = message;
      break;
    case 'found':
      find.receive(message);
      break;
    case 'reveal':
      leaveTail();
      if (message.pos >= 0) list.revealPos(message.pos, { focus: true, highlight: message.highlight });
      break;
    case 'command':
      // Find from VS Code may be the Ctrl+F this page already handled (findBar.ts openFromCommand).
      if (message.command === 'find' && mode !== 'samples') find.openFromCommand();
      else run(message.command);
      break;
    case 'tags':
      receiveTags(message.tags, message.flagged, message.openTags, message.analysing, message.notDetected, message.reviewed);
      break;
    case 'highlight':
      highlighted = new Set(message.indices);
      markHighlighted();
      break;
    case 'samples':
      showSamples(message);
      break;
    case 'fatal':
      mode = 'transcript';
      summary = undefined;
      app.replaceChildren(
        el('section', { class: 'fatal', 'data-testid': 'fatal', role: 'alert' }, el('h1', {}, 'Peerwatch cannot show this file'), el('p', {}, message.message)),
      );
      break;
  }
});

if (saved.query) find.setQuery(saved.query);
const firstPos = saved.anchor && !saved.anchor.atEnd ? saved.anchor.pos : 0;
post({
  type: 'ready',
  filter: saved.filter,
  around: saved.anchor?.atEnd ? undefined : { start: Math.max(0, firstPos - 4), end: firstPos + 60 },
  ...(saved.sample !== undefined ? { sample: saved.sample } : {}),
  ...(saved.folds ? { folds: saved.folds } : {}),
});
