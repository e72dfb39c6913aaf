/**
 * The corpus view's page: filters, the corpus table (one table per behaviour: models × conditions, each
 * cell the rate, its 95% interval and Δ, a button that lists the cell's runs), a bar chart with error
 * bars for one behaviour, the runs of the cell chosen (open one at its first flag, compare two), full-
 * text search across every run (hits streamed as found; a new query or Esc cancels), Export CSV, and
 * the agreement of the tags with reviewers' labels or the source's verdicts (`peerwatch agreement`'s
 * table), each disagreement opening its run.
 *
 * Text only: everything from transcripts (model names, paths, snippets) goes in through `el` and
 * textContent, never innerHTML. The SVG chart is built with DOM APIs, coloured by theme variables
 * (media/corpus.css).
 */
import { cellDescription, cellText, columnLabel, pivotTables, type CorpusFilter, type PivotTable } from '../core/corpus/corpusTable';
import type { Agreement, LabelSource } from '../core/corpus/agreement';
import { agreementCells, agreementColumns, agreementNote, agreementRowDescription, disagreementText } from '../core/corpus/agreementTable';
import type { CellRun } from '../core/corpus/corpusView';
import type { SummaryRow } from '../core/corpus/summarize';
import { pct, summaryNotes } from '../core/corpus/summaryTable';
// Types only: the page trusts its own host's messages (the host validates what comes back), so zod is not bundled.
import type { FromCorpusView, ToCorpusView } from '../core/corpus/viewProtocol';
import { el } from './render';
import { minOf } from '../core/arrays';

interface VsCodeApi {
  postMessage(message: FromCorpusView): void;
}
declare function acquireVsCodeApi(): VsCodeApi;
const vscode = acquireVsCodeApi();
const post = (m: FromCorpusView) => vscode.postMessage(m);

type Init = Extract<ToCorpusView, { type: 'init' }>;
type Table = Extract<ToCorpusView, { type: 'table' }>;

/** Runs listed at once in the cell's list and hits in the search results; "Show more" adds as many again. */
const PAGE = 200;

const state: {
  init?: Init;
  table?: Table;
  filter: CorpusFilter;
  chartBehaviour?: string;
  runs?: { title: string; behaviour?: string; runs: CellRun[]; shown: number; selected: string[] };
  search: { id: number; query: string; results: HTMLElement; hits: number; runs: number };
  agreement: { labels: LabelSource; result?: Agreement; shown: number };
} = { filter: { source: 'detectors' }, search: { id: 0, query: '', results: el('ol'), hits: 0, runs: 0 }, agreement: { labels: 'review', shown: PAGE } };

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, ...children: Array<SVGElement | string>): SVGElement {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c);
  return node;
}

// ---- layout -------------------------------------------------------------------------------------

const statusLine = el('p', { class: 'corpus-status', 'data-testid': 'corpus-status', role: 'status', 'aria-live': 'polite' }, 'Indexing…');
const filters = el('div', { class: 'corpus-filters', role: 'group', 'aria-label': 'Filters' });
const tablesBox = el('div', { class: 'corpus-tables', 'data-testid': 'corpus-tables' });
const chartBox = el('section', { class: 'corpus-chart', 'aria-label': 'Chart' });
const runsBox = el('section', { class: 'corpus-runs', 'data-testid': 'cell-runs', 'aria-label': 'Runs of the chosen cell' });
const searchInput = el('input', { type: 'search', class: 'corpus-search-input', 'data-testid': 'corpus-search', placeholder: 'Search every run (Enter; Esc stops)', 'aria-label': 'Search the text of every run' }) as HTMLInputElement;
const searchStatus = el('span', { class: 'corpus-search-status', 'data-testid': 'search-status', role: 'status', 'aria-live': 'polite' });
const searchBox = el('section', { class: 'corpus-search', 'aria-label': 'Search' }, el('div', { class: 'corpus-search-bar' }, searchInput, searchStatus), state.search.results);
const exportButton = el('button', { type: 'button', 'data-testid': 'export-csv', title: 'Write the table as shown (the columns of peerwatch summarize --csv) to a CSV file' }, el('span', { class: 'codicon codicon-export', 'aria-hidden': 'true' }), 'Export CSV');
const refreshButton = el('button', { type: 'button', 'data-testid': 'refresh', title: 'Read the folder again: files changed since are read and tagged, the rest come from its index' }, el('span', { class: 'codicon codicon-refresh', 'aria-hidden': 'true' }), 'Refresh');
const totalsLine = el('p', { class: 'corpus-totals', 'data-testid': 'corpus-totals' });
const problemsBox = el('details', { class: 'corpus-problems', hidden: '' });
const agreementLabels = el(
  'select',
  { 'data-testid': 'agreement-labels', 'aria-label': 'Labels the tags are measured against' },
  el('option', { value: 'review' }, "reviewers' labels (runs marked reviewed)"),
  el('option', { value: 'source' }, "the source's own verdicts"),
) as HTMLSelectElement;
const agreementBody = el('div', { class: 'agreement-body', 'data-testid': 'agreement-body' });
const agreementBox = el(
  'details',
  { class: 'corpus-agreement', 'data-testid': 'agreement' },
  el('summary', { 'data-testid': 'agreement-toggle' }, 'Agreement: the tags against labels'),
  el('div', { class: 'agreement-bar' }, el('label', {}, 'Labels ', agreementLabels)),
  agreementBody,
) as HTMLDetailsElement;

const app = document.getElementById('app')!;
app.replaceChildren(
  el('header', { class: 'corpus-header' }, el('h1', { 'data-testid': 'corpus-title' }, 'Corpus'), refreshButton, exportButton),
  statusLine,
  totalsLine,
  problemsBox,
  filters,
  searchBox,
  chartBox,
  runsBox,
  tablesBox,
  agreementBox,
);

// ---- filters ------------------------------------------------------------------------------------

function select(name: keyof CorpusFilter, label: string, options: Array<[string, string]>, value: string | undefined): HTMLElement {
  const s = el('select', { 'data-filter': name, 'aria-label': label }, ...options.map(([v, text]) => el('option', { value: v }, text))) as HTMLSelectElement;
  s.value = value ?? '';
  s.addEventListener('change', () => {
    const f: CorpusFilter = { ...state.filter };
    const v = s.value;
    if (name === 'source') f.source = v === 'review' || v === 'judge' ? v : 'detectors';
    else if (name === 'against') {
      if (v === 'arm') f.against = v;
      else delete f.against;
    } else if (name === 'reviewed') {
      if (v === 'reviewed' || v === 'unreviewed') f.reviewed = v;
      else delete f.reviewed;
    } else if (v === '') delete f[name];
    else f[name] = v;
    state.filter = f;
    post({ type: 'filter', filter: f });
  });
  return el('label', { class: 'corpus-filter' }, `${label} `, s);
}

function renderFilters(): void {
  const c = state.init?.choices;
  if (!c) return;
  const all = (xs: string[], what: string): Array<[string, string]> => [['', `all ${what}`], ...xs.map((x): [string, string] => [x, x])];
  const f = state.filter;
  filters.replaceChildren(
    select('model', 'Model', all(c.model, 'models'), f.model),
    select('task', 'Task', all(c.task, 'tasks'), f.task),
    select('condition', 'Condition', all(c.condition, 'conditions'), f.condition),
    select('subject', 'Subject', all(c.subject, 'subjects'), f.subject),
    select('monitoring', 'Arm', all(c.monitoring, 'arms'), f.monitoring),
    select('behaviour', 'Behaviour', all(c.behaviour, 'behaviours'), f.behaviour),
    select('reviewed', 'Reviewed', [['', 'reviewed or not'], ['reviewed', 'reviewed'], ['unreviewed', 'not reviewed']], f.reviewed),
    select('source', 'Source', [['detectors', 'detectors'], ['review', 'review'], ['judge', 'judge']], f.source),
    // The study measures alignment faking as the difference between its arms: a column per arm, Δ against the monitored one.
    select('against', 'Δ against', [['', "the study's baselines"], ['arm', 'the monitored arm (a column per arm)']], f.against),
  );
}

// ---- the table ----------------------------------------------------------------------------------

function lineName(l: PivotTable['lines'][number]): string {
  return `${l.model ?? '?'}${l.task !== null ? ` · ${l.task}` : ''}`;
}

function renderTables(): void {
  const t = state.table;
  if (!t) return;
  const s = t.summary;
  totalsLine.textContent = summaryNotes(s, { problems: ' (listed below)', apart: (d) => (d === 'subject' ? 'choose a Subject to count them apart' : 'choose an Arm to count them apart, or Δ against the monitored arm to see it') }).join('; ');
  const tables = pivotTables(s.rows, t.filter.behaviour, state.init?.choices.condition);
  if (tables.length === 0 || s.rows.length === 0) {
    tablesBox.replaceChildren(el('p', { class: 'corpus-empty' }, 'No runs match these filters.'));
  } else {
    tablesBox.replaceChildren(
      ...tables.map((pt) =>
        el(
          'table',
          { class: 'corpus-table', 'data-behaviour': pt.behaviour, 'aria-label': `${pt.behaviour}: rate, 95% interval and Δ by model and condition` },
          el('caption', {}, pt.behaviour),
          el('thead', {}, el('tr', {}, el('th', { scope: 'col' }, 'model · task'), ...pt.columns.map((c) => el('th', { scope: 'col' }, columnLabel(c))))),
          el(
            'tbody',
            {},
            ...pt.lines.map((l) =>
              el(
                'tr',
                {},
                el('th', { scope: 'row' }, lineName(l)),
                ...l.cells.map((r) => el('td', {}, r ? cellButton(r) : '')),
              ),
            ),
          ),
        ),
      ),
    );
  }
  renderChart();
}

function cellButton(r: SummaryRow): HTMLElement {
  const b = el(
    'button',
    {
      type: 'button',
      class: `corpus-cell${r.count > 0 ? ' shows' : ''}`,
      'data-model': r.model ?? '',
      'data-task': r.task ?? '',
      'data-condition': r.condition ?? '',
      ...(r.monitoring !== undefined ? { 'data-monitoring': r.monitoring ?? '' } : {}),
      'data-behaviour': r.behaviour,
      'aria-label': cellDescription(r),
      title: `${r.count} of ${r.runs} runs${r.baseline ? `; baseline ${r.baseline} ${pct(r.baselineRate)}` : ''}`,
    },
    cellText(r),
  );
  // A button: Enter and Space open it as a click does.
  b.addEventListener('click', () => {
    state.chartBehaviour = r.behaviour;
    renderChart();
    post({ type: 'openCell', cell: { model: r.model ?? null, task: r.task ?? null, condition: r.condition ?? null, ...(r.monitoring !== undefined ? { monitoring: r.monitoring } : {}) }, behaviour: r.behaviour });
  });
  return b;
}

// ---- the chart ----------------------------------------------------------------------------------

const COLOURS = 6;
/** The chart's group names, right-aligned left of the bars: at most this wide (10px text, about this wide a character). */
const LABEL_MAX_W = 320;
const CHAR_W = 6;

function renderChart(): void {
  const t = state.table;
  if (!t) return;
  const choices = [...new Set(t.summary.rows.map((r) => r.behaviour))];
  const shows = (b: string) => t.summary.rows.some((r) => r.behaviour === b && r.count > 0);
  let behaviour = t.filter.behaviour ?? state.chartBehaviour;
  if (behaviour === undefined || !choices.includes(behaviour)) behaviour = choices.find(shows) ?? choices[0];
  if (behaviour === undefined) {
    chartBox.replaceChildren();
    return;
  }
  state.chartBehaviour = behaviour;
  const pick = el('select', { 'data-testid': 'chart-behaviour', 'aria-label': 'Behaviour shown in the chart' }, ...choices.map((b) => el('option', { value: b }, b))) as HTMLSelectElement;
  pick.value = behaviour;
  pick.addEventListener('change', () => {
    state.chartBehaviour = pick.value;
    renderChart();
  });
  const [pt] = pivotTables(t.summary.rows, behaviour, state.init?.choices.condition);
  if (!pt) return;
  // Bars lie along the rate axis, one row of bars per model and task, one bar per condition: group
  // names of any length read level at the left, and many groups make the chart taller, not wider.
  const barH = 9;
  const gap = 2;
  const groupGap = 12;
  const top = 18;
  const plotW = 360;
  const fullNames = pt.lines.map(lineName);
  const labelW = Math.min(LABEL_MAX_W, fullNames.reduce((m, n) => Math.max(m, n.length), 0) * CHAR_W) + 8;
  const maxChars = Math.floor((labelW - 8) / CHAR_W);
  const names = fullNames.map((n) => (n.length > maxChars ? `${n.slice(0, maxChars - 1)}…` : n));
  const left = labelW;
  const groupH = pt.columns.length * (barH + gap) + groupGap;
  const width = left + plotW + 24;
  const height = top + pt.lines.length * groupH + 4;
  const x = (v: number) => left + v * plotW;
  const parts: SVGElement[] = [];
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(svg('line', { class: 'grid', x1: x(v), x2: x(v), y1: top - 4, y2: height - 4 }));
    parts.push(svg('text', { class: 'axis', x: x(v), y: top - 7, 'text-anchor': 'middle' }, `${v * 100}%`));
  }
  pt.lines.forEach((l, i) => {
    const y0 = top + i * groupH + groupGap / 2;
    // Every other group on a faint band, so that a row of bars and its name read as one.
    if (i % 2 === 1) parts.unshift(svg('rect', { class: 'band', x: 0, y: top + i * groupH, width, height: groupH }));
    l.cells.forEach((r, j) => {
      if (!r || r.rate === null) return;
      const y = y0 + j * (barH + gap);
      const label = cellDescription(r).replace(/ Press Enter.*$/, '');
      parts.push(svg('rect', { class: `bar c${j % COLOURS}`, x: left, y, width: Math.max(0.5, r.rate * plotW), height: barH, role: 'img', 'aria-label': label }, svg('title', {}, label)));
      if (r.ciLow !== null && r.ciHigh !== null) {
        const cy = y + barH / 2;
        parts.push(svg('line', { class: 'error', x1: x(r.ciLow), x2: x(r.ciHigh), y1: cy, y2: cy }));
        parts.push(svg('line', { class: 'error', x1: x(r.ciLow), x2: x(r.ciLow), y1: cy - 3, y2: cy + 3 }));
        parts.push(svg('line', { class: 'error', x1: x(r.ciHigh), x2: x(r.ciHigh), y1: cy - 3, y2: cy + 3 }));
      }
    });
    const midY = y0 + (pt.columns.length * (barH + gap) - gap) / 2 + 3.5;
    parts.push(svg('text', { class: 'axis group-name', x: left - 6, y: midY, 'text-anchor': 'end' }, svg('title', {}, fullNames[i]!), names[i]!));
  });
  const legend = el('ul', { class: 'chart-legend' }, ...pt.columns.map((c, j) => el('li', {}, el('span', { class: `swatch c${j % COLOURS}`, 'aria-hidden': 'true' }), columnLabel(c))));
  const chart = svg('svg', { 'data-testid': 'corpus-chart', width, height, role: 'img', 'aria-label': `${behaviour}: rate by model and condition, with 95% intervals` }, ...parts);
  chartBox.replaceChildren(el('h2', {}, 'Chart ', pick), chart, legend);
}

// ---- a cell's runs ------------------------------------------------------------------------------

function renderRuns(): void {
  const r = state.runs;
  if (!r) return;
  const compare = el('button', { type: 'button', 'data-testid': 'compare-selected', title: 'Open the comparison view on the two runs ticked' }, 'Compare…') as HTMLButtonElement;
  compare.disabled = r.selected.length !== 2;
  compare.addEventListener('click', () => {
    if (r.selected.length === 2) post({ type: 'compare', a: r.selected[0]!, b: r.selected[1]! });
  });
  // Subject and arm columns when some run of the list says them (a cell may mix them; docs/corpus.md).
  const bySubject = r.runs.some((run) => run.subject !== undefined);
  const byArm = r.runs.some((run) => run.monitoring !== undefined);
  const rows = r.runs.slice(0, r.shown).map((run) => {
    const open = el('button', { type: 'button', class: 'run-open', 'data-key': run.key, 'aria-label': `Open ${run.file}${run.sample ? ` sample ${run.sample}` : ''}${run.firstEvent !== undefined ? ` at event ${run.firstEvent}` : ''}` }, `${run.file}${run.sample !== undefined ? ` #${run.sample}` : ''}`);
    open.addEventListener('click', () => post({ type: 'openRun', key: run.key, ...(run.firstEvent !== undefined ? { event: run.firstEvent } : {}) }));
    const tick = el('input', { type: 'checkbox', 'aria-label': `Select ${run.file} to compare` }) as HTMLInputElement;
    tick.checked = r.selected.includes(run.key);
    tick.addEventListener('change', () => {
      r.selected = tick.checked ? [...r.selected.filter((k) => k !== run.key), run.key].slice(-2) : r.selected.filter((k) => k !== run.key);
      renderRuns();
    });
    const flags = run.behaviours === undefined ? 'not reviewed' : run.behaviours.join(', ') || 'no flags';
    return el(
      'tr',
      { 'data-key': run.key },
      el('td', {}, tick),
      el('td', {}, open),
      el('td', {}, run.model ?? '?'),
      el('td', {}, run.condition ?? '?'),
      bySubject && el('td', { 'data-field': 'subject' }, run.subject ?? '?'),
      byArm && el('td', { 'data-field': 'monitoring' }, run.monitoring ?? ''),
      el('td', { class: 'run-flags' }, flags),
      el('td', {}, run.reviewed ? 'reviewed' : ''),
    );
  });
  const more = r.runs.length > r.shown ? el('button', { type: 'button', class: 'show-more' }, `Show ${Math.min(PAGE, r.runs.length - r.shown)} more of ${r.runs.length - r.shown}`) : '';
  if (more) more.addEventListener('click', () => {
    r.shown += PAGE;
    renderRuns();
  });
  runsBox.replaceChildren(
    el('h2', {}, `Runs: ${r.title}${r.behaviour ? ` (${r.behaviour} first)` : ''} · ${r.runs.length}`),
    el('div', { class: 'runs-actions' }, compare, el('span', {}, ' tick two runs to compare them')),
    el('table', { class: 'runs-table', 'aria-label': 'Runs of the cell' }, el(
        'thead',
        {},
        el(
          'tr',
          {},
          el('th', { scope: 'col' }, 'compare'),
          el('th', { scope: 'col' }, 'run'),
          el('th', { scope: 'col' }, 'model'),
          el('th', { scope: 'col' }, 'condition'),
          bySubject && el('th', { scope: 'col' }, 'subject'),
          byArm && el('th', { scope: 'col' }, 'arm'),
          el('th', { scope: 'col' }, 'flags'),
          el('th', { scope: 'col' }, ''),
        ),
      ),
      el('tbody', {}, ...rows),
    ),
    more,
  );
}

// ---- agreement ----------------------------------------------------------------------------------

function askAgreement(): void {
  agreementBody.replaceChildren(el('p', { class: 'corpus-empty', role: 'status' }, 'Counting…'));
  post({ type: 'agreement', labels: state.agreement.labels });
}

agreementBox.addEventListener('toggle', () => {
  if (agreementBox.open && !state.agreement.result) askAgreement();
});
agreementLabels.addEventListener('change', () => {
  state.agreement.labels = agreementLabels.value === 'source' ? 'source' : 'review';
  state.agreement.shown = PAGE;
  askAgreement();
});

function renderAgreement(): void {
  const a = state.agreement.result;
  if (!a) return;
  const head = agreementColumns(a.labels);
  const table =
    a.behaviours.length === 0
      ? el('p', { class: 'corpus-empty' }, a.labels === 'review' ? 'No run these filters keep is marked reviewed.' : 'No run these filters keep has a verdict of its source.')
      : el(
          'table',
          { class: 'agreement-table', 'data-testid': 'agreement-table', 'aria-label': `Agreement of each source of tags with ${a.labels === 'review' ? "reviewers' labels" : "the source's own verdicts"}, per behaviour` },
          el('thead', {}, el('tr', {}, ...head.map((h) => el('th', { scope: 'col' }, h)))),
          el(
            'tbody',
            {},
            ...a.behaviours.map((r) => {
              const cells = agreementCells(r, a.labels);
              return el(
                'tr',
                { 'data-behaviour': r.behaviour, 'data-source': r.source, title: agreementRowDescription(r) },
                el('th', { scope: 'row' }, cells[0]!),
                ...cells.slice(1).map((c, i) => el('td', { 'data-field': ['source', 'n', 'tp', 'fp', 'fn', 'tn', 'precision', 'recall', 'kappa', 'unjudged'][i]! }, c)),
              );
            }),
          ),
        );
  const shown = a.disagreements.slice(0, state.agreement.shown);
  const list = el(
    'ol',
    { class: 'disagreements', 'data-testid': 'disagreements', 'aria-label': 'Disagreements' },
    ...shown.map((d) => {
      const event = d.tags.length ? minOf(d.tags.flatMap((t) => t.events)) : undefined;
      const name = `${d.file}${d.sample !== undefined ? ` #${d.sample}` : ''}`;
      const open = el(
        'button',
        { type: 'button', class: 'disagreement-open', 'data-key': d.run, 'data-behaviour': d.behaviour, 'data-source': d.source, ...(event !== undefined ? { 'data-event': String(event) } : {}), 'aria-label': `Open ${name}${event !== undefined ? ` at event ${event}` : ''}: ${disagreementText(d, a.labels)}` },
        `${name} · ${d.behaviour}`,
      );
      open.addEventListener('click', () => post({ type: 'openRun', key: d.run, ...(event !== undefined ? { event } : {}) }));
      return el('li', { class: 'disagreement' }, open, ' ', el('span', { class: 'disagreement-said' }, disagreementText(d, a.labels)));
    }),
  );
  const rest = a.disagreements.length - shown.length;
  const more = rest > 0 ? el('button', { type: 'button', class: 'show-more' }, `Show ${Math.min(PAGE, rest)} more of ${rest}`) : '';
  if (more) more.addEventListener('click', () => {
    state.agreement.shown += PAGE;
    renderAgreement();
  });
  agreementBody.replaceChildren(
    table,
    el('p', { class: 'corpus-totals', 'data-testid': 'agreement-note' }, agreementNote(a)),
    el('h3', {}, a.disagreements.length ? `Disagreements (${a.disagreements.length}): open one to decide` : 'No disagreements'),
    a.disagreements.length ? list : '',
    more,
  );
}

// ---- search -------------------------------------------------------------------------------------

function startSearch(): void {
  const query = searchInput.value;
  const s = state.search;
  s.id++;
  s.query = query;
  s.hits = 0;
  s.runs = 0;
  const results = el('ol', { class: 'search-results', 'data-testid': 'search-results', 'aria-label': 'Search results' });
  s.results.replaceWith(results);
  s.results = results;
  searchStatus.textContent = query.trim() ? 'searching…' : '';
  post({ type: 'search', id: s.id, query });
}

searchInput.addEventListener('keydown', (ev) => {
  if (ev.key === 'Enter') {
    ev.preventDefault();
    startSearch();
  } else if (ev.key === 'Escape') {
    ev.preventDefault();
    post({ type: 'cancelSearch' });
  }
});

function addHits(m: Extract<ToCorpusView, { type: 'searchHits' }>): void {
  const s = state.search;
  if (m.id !== s.id) return;
  s.runs++;
  for (const h of m.hits) {
    s.hits++;
    const snippet = el('span', { class: 'snippet' }, h.snippet.slice(0, h.match[0]), el('mark', {}, h.snippet.slice(h.match[0], h.match[1])), h.snippet.slice(h.match[1]));
    const open = el('button', { type: 'button', class: 'hit-open', 'data-key': m.key, 'data-event': String(h.event), 'aria-label': `Open ${m.file}${m.sample ? ` sample ${m.sample}` : ''} at event ${h.event}` }, `${m.file}${m.sample !== undefined ? ` #${m.sample}` : ''} · event #${h.event}`);
    open.addEventListener('click', () => post({ type: 'openRun', key: m.key, event: h.event }));
    s.results.append(el('li', { class: 'search-hit' }, open, ' ', snippet));
  }
  if (m.more) s.results.append(el('li', { class: 'search-more' }, `${m.file}: ${m.more} more events hold it`));
}

// ---- messages -----------------------------------------------------------------------------------

exportButton.addEventListener('click', () => post({ type: 'exportCsv' }));
refreshButton.addEventListener('click', () => post({ type: 'refresh' }));

document.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && document.activeElement !== searchInput) post({ type: 'cancelSearch' });
});

window.addEventListener('message', (ev: MessageEvent<ToCorpusView>) => {
  const m = ev.data;
  switch (m.type) {
    case 'status':
      statusLine.textContent = m.text;
      statusLine.classList.toggle('busy', m.busy);
      break;
    case 'init': {
      state.init = m;
      document.querySelector('[data-testid="corpus-title"]')!.textContent = `Corpus: ${m.folder}`;
      const p = m.totals;
      problemsBox.toggleAttribute('hidden', p.problemCount === 0);
      problemsBox.replaceChildren(el('summary', {}, `${p.problemCount} problem${p.problemCount === 1 ? '' : 's'} reading the folder`), el('ul', {}, ...p.problems.map((x) => el('li', {}, x)), p.problemCount > p.problems.length ? el('li', {}, `and ${p.problemCount - p.problems.length} more`) : ''));
      renderFilters();
      break;
    }
    case 'table':
      state.table = m;
      state.filter = m.filter;
      renderTables();
      break;
    case 'cellRuns':
      state.runs = { title: m.title, ...(m.behaviour !== undefined ? { behaviour: m.behaviour } : {}), runs: m.runs, shown: PAGE, selected: [] };
      renderRuns();
      runsBox.scrollIntoView({ block: 'nearest' });
      break;
    case 'searchHits':
      addHits(m);
      break;
    case 'searchProgress': {
      if (m.id !== state.search.id) break;
      const s = state.search;
      const found = `${s.hits} hit${s.hits === 1 ? '' : 's'} in ${s.runs} run${s.runs === 1 ? '' : 's'}`;
      searchStatus.textContent = m.done ? (m.cancelled ? `stopped: ${found}` : `${found} (${m.searched} runs searched${m.problems ? `, ${m.problems} could not be read` : ''})`) : `searching ${m.searched} of ${m.total}… ${found}`;
      searchStatus.dataset['done'] = String(m.done);
      break;
    }
    case 'exported':
      statusLine.textContent = `Wrote ${m.file}`;
      break;
    case 'agreement':
      if (m.agreement.labels !== state.agreement.labels) break;
      state.agreement.result = m.agreement;
      renderAgreement();
      break;
  }
});

post({ type: 'ready' });
