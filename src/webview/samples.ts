/**
 * The sample list of a log of many samples (Inspect AI): one row per sample (id, epoch, scores,
 * flags, tokens, error, a "running" mark for samples still being written), under a header naming the
 * task, model and status, with the log's diagnostics listed. j/k (or the arrows) move, Enter or a
 * click opens the sample; the filter box keeps the rows whose id or input contains its text, and the
 * selects keep those flagged with a behaviour, with a score, flagged or not. The column buttons sort
 * (by id, flags, each score; again to reverse); f / F open the next / previous flagged sample.
 * Sorting and filtering are core/sampleTable.ts's.
 *
 * Only the rows in view are in the page (virtualList.ts, as the transcript's events): a log of
 * 10,000 samples lists as fast as one of ten.
 *
 * Every string from the log goes in as text (`el`), never as HTML: sample inputs are adversarial.
 */
import type { SampleRow, SamplesMessage } from '../core/protocol';
import { filterRows, flaggedBehaviours, scoreNames, scoreValues, sortRows, type SortColumn, type SortOrder, type TableFilter } from '../core/sampleTable';
import { unpackSampleRows } from '../core/packedSampleRows';
import { el } from './render';
import { VirtualList } from './virtualList';

export interface SamplesViewOptions {
  open(key: string): void;
  /** Something worth saving changed (filter, selection, scroll). */
  changed(): void;
  /** The rows shown changed (sorted, filtered, samples added): their keys in order. */
  shown?(keys: string[]): void;
  /** Open the next (1) or previous (-1) flagged sample. */
  stepFlagged?(direction: 1 | -1): void;
  /** Save the list as shown as CSV. */
  exportCsv?(): void;
}

export interface SamplesViewState {
  filter?: string;
  selected?: string;
  /** The list's position: the row at the top and the pixels scrolled into it. */
  anchor?: { pos: number; offset: number; atEnd?: boolean };
  sort?: SortOrder;
  behaviour?: string;
  score?: { name: string; value: string };
  flagged?: boolean;
}

/** The select's value for "any" (every other value is a behaviour, or an index into the score choices). */
const ANY = '';

/** The shown length of a sample's input in its row (the whole input is its tooltip, up to a limit). */
const INPUT_CHARS = 160;
const TOOLTIP_CHARS = 2000;

export class SamplesView {
  readonly element: HTMLElement;
  private readonly header = el('div', { class: 'samples-header-host' });
  private readonly banner = el('div', { class: 'samples-banner' });
  private readonly filterInput = el('input', {
    type: 'search',
    class: 'find-input sample-filter',
    'data-testid': 'sample-filter',
    placeholder: 'Filter samples by id or input',
    'aria-label': 'Filter samples by id or input',
  }) as HTMLInputElement;
  private readonly count = el('span', { class: 'counts', 'data-testid': 'sample-count' });
  private readonly behaviourSelect = el('select', { class: 'sample-select', 'data-testid': 'sample-behaviour-filter', 'aria-label': 'Show samples flagged with this behaviour' }) as HTMLSelectElement;
  private readonly scoreSelect = el('select', { class: 'sample-select', 'data-testid': 'sample-score-filter', 'aria-label': 'Show samples with this score' }) as HTMLSelectElement;
  private readonly flaggedSelect = el(
    'select',
    { class: 'sample-select', 'data-testid': 'sample-flagged-filter', 'aria-label': 'Show flagged or unflagged samples' },
    el('option', { value: ANY }, 'Flagged or not'),
    el('option', { value: 'flagged' }, 'Flagged'),
    el('option', { value: 'unflagged' }, 'Not flagged'),
  ) as HTMLSelectElement;
  /** "tagging 40/200" while the samples' flags are counted, or why they cannot be. */
  private readonly tagging = el('span', { class: 'muted sample-tagging', 'data-testid': 'sample-tagging', role: 'status' });
  private readonly exportButton = el('button', { type: 'button', class: 'tb', 'data-testid': 'samples-export', title: 'Save the samples as listed (sample, epoch, scores, flags, behaviours) as CSV' }, 'Export CSV');
  private readonly columns = el('div', { class: 'sample-columns', role: 'toolbar', 'aria-label': 'Sort samples by', 'data-testid': 'sample-columns' });
  private sort: SortOrder | undefined;
  private behaviour: string | undefined;
  private score: { name: string; value: string } | undefined;
  private flagged: boolean | undefined;
  /** The score filter's choices (its options' values are indices into this). */
  private scoreChoices: Array<{ name: string; value: string }> = [];
  /** The keys last reported as shown (reported again only when they change). */
  private shownKeys = '';
  private readonly listHost = el('div', { class: 'samples-scroller' });
  private readonly empty = el('p', { class: 'empty', 'data-testid': 'samples-empty', hidden: '' });
  private readonly list: VirtualList<ShownRow>;
  private rows: SampleRow[] = [];
  /** While `rows` are only the list's first rows: how many samples it has (SamplesMessage.total). */
  private firstOf: number | undefined;
  /** A key that moves past the first rows (End, or down from the last of them), kept until the whole list comes. */
  private pendingKey: string | undefined;
  /** The rows as shown (filtered and sorted), and their keys' positions. */
  private shownRows: SampleRow[] = [];
  private shownPos = new Map<string, number>();
  private selected: string | undefined;
  /** The sample the host last said was open (it becomes the selection when it changes). */
  private hostSelected: string | undefined;
  private anchor: { pos: number; offset: number; atEnd?: boolean } | undefined;

  constructor(
    private readonly options: SamplesViewOptions,
    state: SamplesViewState,
  ) {
    this.filterInput.value = state.filter ?? '';
    this.sort = state.sort;
    this.behaviour = state.behaviour;
    this.score = state.score;
    this.flagged = state.flagged;
    this.flaggedSelect.value = state.flagged === undefined ? ANY : state.flagged ? 'flagged' : 'unflagged';
    this.selected = state.selected;
    this.anchor = state.anchor;
    this.list = new VirtualList<ShownRow>(this.listHost, {
      request: (start, end) => this.list.receive(this.shownRows.slice(start, end).map((row, k) => ({ pos: start + k, index: start + k, row }))),
      renderRow: (s) => [this.renderRow(s.row)],
      optionsKey: (s) => rowKey(s.row, s.row.key === this.selected),
      onRendered: () => {},
      onScrolled: () => this.options.changed(),
      element: { class: 'sample-list', testId: 'sample-list', label: 'Samples', role: 'listbox', scrollerTestId: 'samples-scroller' },
      pendingText: (pos) => `Loading sample ${pos + 1}…`,
    });
    this.element = el(
      'section',
      { class: 'samples-view', 'data-testid': 'samples-view' },
      this.header,
      this.banner,
      el(
        'div',
        { class: 'toolbar samples-toolbar' },
        this.filterInput,
        this.behaviourSelect,
        this.scoreSelect,
        this.flaggedSelect,
        this.count,
        this.tagging,
        el('span', { class: 'spacer' }),
        this.exportButton,
        el('span', { class: 'muted keys-hint' }, 'j/k to move, Enter to open, f/F next/previous flagged'),
      ),
      this.columns,
      this.empty,
      this.listHost,
    );
    const filtersChanged = () => {
      this.renderRows();
      this.options.changed();
    };
    this.behaviourSelect.addEventListener('change', () => {
      this.behaviour = this.behaviourSelect.value === ANY ? undefined : this.behaviourSelect.value;
      filtersChanged();
    });
    this.scoreSelect.addEventListener('change', () => {
      this.score = this.scoreSelect.value === ANY ? undefined : this.scoreChoices[Number(this.scoreSelect.value)];
      filtersChanged();
    });
    this.flaggedSelect.addEventListener('change', () => {
      this.flagged = this.flaggedSelect.value === ANY ? undefined : this.flaggedSelect.value === 'flagged';
      filtersChanged();
    });
    this.exportButton.addEventListener('click', () => this.options.exportCsv?.());
    this.columns.addEventListener('click', (ev) => {
      const button = (ev.target as HTMLElement).closest<HTMLElement>('button[data-sort]');
      if (!button) return;
      const column = button.dataset.sort as SortColumn;
      // A column sorts flags and scores highest first (what one looks for), ids in order; again reverses.
      this.sort = this.sort?.column === column ? { column, descending: !this.sort.descending } : { column, descending: column !== 'id' };
      this.renderColumns();
      filtersChanged();
    });
    this.filterInput.addEventListener('input', () => {
      this.renderRows();
      this.options.changed();
    });
    this.filterInput.addEventListener('keydown', (ev) => {
      if (ev.key === 'ArrowDown' || ev.key === 'Enter') {
        ev.preventDefault();
        const first = this.visibleKeys()[0];
        if (ev.key === 'Enter' && this.visibleKeys().length === 1 && first) return this.options.open(first);
        if (first) this.select(this.selected && this.visibleKeys().includes(this.selected) ? this.selected : first, true);
      } else if (ev.key === 'Escape' && this.filterInput.value) {
        ev.preventDefault();
        this.filterInput.value = '';
        this.renderRows();
        this.options.changed();
      }
    });
    this.listHost.addEventListener('click', (ev) => {
      const row = (ev.target as HTMLElement).closest<HTMLElement>('.sample[data-key]');
      if (!row) return;
      this.select(row.dataset.key!, false);
      this.options.open(row.dataset.key!);
    });
  }

  get state(): SamplesViewState {
    return {
      filter: this.filterInput.value || undefined,
      selected: this.selected,
      anchor: this.list.total ? this.list.anchorState() : this.anchor,
      ...(this.sort ? { sort: this.sort } : {}),
      ...(this.behaviour !== undefined ? { behaviour: this.behaviour } : {}),
      ...(this.score ? { score: this.score } : {}),
      ...(this.flagged !== undefined ? { flagged: this.flagged } : {}),
    };
  }

  /**
   * Whether the first rows of a long list (`m.total`) are what this view shows first, so they can be
   * drawn before the rest comes: the list in the log's order, unfiltered, scrolled and selected
   * among them. Otherwise the view waits for the whole list.
   */
  showsFirstRows(m: SamplesMessage): boolean {
    if (this.sort || this.behaviour !== undefined || this.score || this.flagged !== undefined || this.filterInput.value) return false;
    const rows = unpackSampleRows(m.samples);
    const selected = m.selected ?? this.selected;
    if (selected !== undefined && !rows.some((r) => r.key === selected)) return false;
    const at = this.list.total ? this.list.anchorState() : this.anchor;
    return !at || (!at.atEnd && at.pos < rows.length);
  }

  /**
   * Shows the list in `m` (a first showing, or samples added / finished in a log being written). With
   * `m.total`, `m` holds only the first rows (see showsFirstRows): the rest of the list shows as
   * pending rows until the whole list comes.
   */
  render(m: SamplesMessage): void {
    if (m.selected !== undefined && m.selected !== this.hostSelected) {
      this.selected = m.selected;
      this.hostSelected = m.selected;
    }
    this.rows = unpackSampleRows(m.samples);
    this.firstOf = m.total;
    const field = (name: string, label: string, value: string | undefined) =>
      value === undefined || value === '' ? null : el('div', { class: 'field', 'data-field': name }, el('dt', {}, label), el('dd', {}, value));
    const running = this.rows.filter((s) => !s.complete).length;
    const errored = this.rows.filter((s) => s.error).length;
    this.header.replaceChildren(
      el(
        'section',
        { class: 'run-header', 'data-testid': 'samples-header' },
        el(
          'div',
          { class: 'run-title' },
          el('h1', {}, m.task ?? m.fileName),
          m.live ? el('span', { class: 'badge badge-live', 'data-field': 'live' }, 'running') : null,
          el('span', { class: 'format' }, m.format === 'inspect-eval' ? 'Inspect AI log (.eval)' : m.format === 'inspect-json' ? 'Inspect AI log (.json)' : m.reader ? `${m.reader} (${m.format})` : m.format),
        ),
        el(
          'dl',
          { class: 'fields' },
          field('file', 'File', m.task !== undefined ? m.fileName : undefined),
          field('model', 'Model', m.model),
          field('status', 'Status', m.status ?? 'unknown (no header yet)'),
          field('created', 'Created', m.created),
          field('samples', m.format.startsWith('inspect') ? 'Samples' : 'Runs', `${m.total ?? this.rows.length}${running ? ` (${running} running)` : ''}${errored ? `, ${errored} with errors` : ''}`),
        ),
      ),
    );
    const banners: HTMLElement[] = [];
    if (m.error) banners.push(el('p', { class: 'banner banner-error', 'data-testid': 'sample-error', role: 'alert' }, m.error));
    if (m.diagnostics.length) {
      const errors = m.diagnostics.filter((d) => d.severity === 'error').length;
      banners.push(
        el(
          'div',
          { class: 'samples-diagnostics', 'data-testid': 'samples-diagnostics', role: 'status' },
          el(
            'p',
            { class: errors ? 'banner banner-error' : 'banner banner-warning' },
            `${m.diagnosticCount} problem${m.diagnosticCount === 1 ? '' : 's'} reading ${m.fileName}; every sample that could be read is listed.`,
          ),
          el(
            'ul',
            {},
            ...m.diagnostics.map((d) => el('li', { class: `diagnostic diagnostic-${d.severity}`, 'data-testid': 'samples-diagnostic' }, d.message)),
            m.diagnosticCount > m.diagnostics.length ? el('li', { class: 'muted' }, `…and ${m.diagnosticCount - m.diagnostics.length} more`) : null,
          ),
        ),
      );
    }
    this.banner.replaceChildren(...banners);
    this.tagging.textContent = m.flagsError ? `flags not counted: ${m.flagsError}` : (m.tagging ?? '');
    this.renderFilters();
    this.renderColumns();
    this.renderRows();
    if (this.firstOf === undefined && this.pendingKey !== undefined) {
      const key = this.pendingKey;
      this.pendingKey = undefined;
      this.key(new KeyboardEvent('keydown', { key }));
    }
  }

  /** The behaviour and score filters' choices (those of the rows so far; a chosen one stays). */
  private renderFilters(): void {
    const behaviours = flaggedBehaviours(this.rows);
    if (this.behaviour !== undefined && !behaviours.includes(this.behaviour)) behaviours.push(this.behaviour);
    const option = (value: string, label: string) => {
      const o = el('option', {}, label) as HTMLOptionElement;
      o.value = value;
      return o;
    };
    this.behaviourSelect.replaceChildren(option(ANY, 'Any behaviour'), ...behaviours.map((b) => option(b, b)));
    this.behaviourSelect.value = this.behaviour ?? ANY;
    this.scoreChoices = scoreValues(this.rows);
    const score = this.score;
    if (score && !this.scoreChoices.some((c) => c.name === score.name && c.value === score.value)) this.scoreChoices.push(score);
    this.scoreSelect.replaceChildren(option(ANY, 'Any score'), ...this.scoreChoices.map((c, i) => option(String(i), `${c.name}: ${c.value}`)));
    this.scoreSelect.value = score ? String(this.scoreChoices.findIndex((c) => c.name === score.name && c.value === score.value)) : ANY;
    this.scoreSelect.hidden = this.scoreChoices.length === 0;
  }

  /** The sort buttons: sample id, flags, each scorer; the one sorting says which way (aria-sort). */
  private renderColumns(): void {
    const columns: Array<{ column: SortColumn; label: string }> = [
      { column: 'id', label: 'Sample' },
      { column: 'flags', label: 'Flags' },
      ...scoreNames(this.rows).map((n) => ({ column: `score:${n}` as SortColumn, label: n })),
    ];
    this.columns.replaceChildren(
      el('span', { class: 'muted' }, 'Sort by'),
      ...columns.map(({ column, label }) => {
        const on = this.sort?.column === column;
        const way = on ? (this.sort!.descending ? 'descending' : 'ascending') : undefined;
        return el(
          'button',
          {
            type: 'button',
            class: 'tb sample-sort',
            'data-sort': column,
            'data-testid': 'sample-sort',
            'aria-pressed': String(on),
            'aria-sort': way ?? 'none',
            title: `Sort by ${label}${on ? ` (${way}; click to reverse)` : ''}`,
          },
          `${label}${on ? (this.sort!.descending ? ' ▼' : ' ▲') : ''}`,
        );
      }),
    );
  }

  /** The view was put back on the page: scroll where it was and focus the selected row. */
  shown(): void {
    if (this.anchor) this.list.restore(this.anchor);
    this.anchor = undefined;
    const pos = this.selected === undefined ? undefined : this.shownPos.get(this.selected);
    if (pos !== undefined) this.list.revealPos(pos, { focus: true, minimal: true });
  }

  /** Keys on the list (main.ts passes them on while the list shows); true when handled. */
  key(ev: KeyboardEvent): boolean {
    const keys = this.visibleKeys();
    if (!keys.length) return false;
    const at = this.selected === undefined ? -1 : keys.indexOf(this.selected);
    // Only a long list's first rows are here yet: a move past them waits for the whole list (render).
    if (this.firstOf !== undefined && (ev.key === 'End' || ev.key === 'G' || ((ev.key === 'j' || ev.key === 'ArrowDown') && at === keys.length - 1))) {
      this.pendingKey = ev.key;
      return true;
    }
    const move = (to: number) => this.select(keys[Math.max(0, Math.min(keys.length - 1, to))]!, true);
    switch (ev.key) {
      case 'j':
      case 'ArrowDown':
        move(at + 1);
        return true;
      case 'k':
      case 'ArrowUp':
        move(at < 0 ? 0 : at - 1);
        return true;
      case 'Home':
      case 'g':
        move(0);
        return true;
      case 'End':
      case 'G':
        move(keys.length - 1);
        return true;
      case 'Enter':
      case ' ':
        if (at >= 0) this.options.open(keys[at]!);
        else move(0);
        return true;
      case '/':
        this.filterInput.focus();
        this.filterInput.select();
        return true;
      case 'f':
      case 'F':
        this.options.stepFlagged?.(ev.key === 'f' ? 1 : -1);
        return true;
    }
    return false;
  }

  private renderRows(): void {
    const filter: TableFilter = {
      text: this.filterInput.value,
      ...(this.behaviour !== undefined ? { behaviour: this.behaviour } : {}),
      ...(this.score ? { score: this.score } : {}),
      ...(this.flagged !== undefined ? { flagged: this.flagged } : {}),
    };
    const filtered = filterRows(this.rows, filter);
    const shown = this.sort ? sortRows(filtered, this.sort) : filtered;
    const all = this.firstOf ?? this.rows.length;
    this.count.textContent = shown.length !== this.rows.length ? `${shown.length} of ${all} samples` : `${all} sample${all === 1 ? '' : 's'}`;
    this.empty.textContent = shown.length ? '' : this.rows.length ? 'No sample matches the filter.' : 'No samples yet.';
    this.empty.hidden = shown.length > 0;
    const keys = shown.map((r) => r.key);
    this.shownRows = shown;
    this.shownPos = new Map(keys.map((k, i) => [k, i]));
    if (this.firstOf !== undefined) {
      // The first rows in the log's order (showsFirstRows): the others are pending until the whole list
      // comes, which is what the host is told of (samplesShown) and what tagging waits for.
      this.list.invalidate(this.firstOf);
      return;
    }
    const joined = keys.join('\n');
    // Other rows (a filter, a sort): from the top; the same rows with new data (flags counted, a
    // sample finished): where the list is.
    const grown = joined === this.shownKeys || this.shownKeys === '' || joined.startsWith(`${this.shownKeys}\n`);
    if (grown) this.list.invalidate(shown.length);
    else this.list.reset(shown.length);
    if (joined !== this.shownKeys) {
      this.shownKeys = joined;
      this.options.shown?.(keys);
    }
  }

  /** "3 flags: exfiltration, misrepresentation", "no flags", or "…" while the sample is not tagged yet. */
  private renderFlags(r: SampleRow): HTMLElement {
    const f = r.flags;
    if (!f) {
      return el(
        'span',
        { class: 'sample-flags sample-flags-pending', 'data-field': 'flags', 'data-count': '', title: r.flagsError ?? (r.complete ? 'Not tagged yet' : 'Tagged once it has finished') },
        r.flagsError ? 'flags: not counted' : 'flags: …',
      );
    }
    const text = f.count ? `${f.count} flag${f.count === 1 ? '' : 's'}: ${f.behaviours.join(', ')}` : 'no flags';
    return el('span', { class: `sample-flags${f.count ? ' sample-flagged' : ''}`, 'data-field': 'flags', 'data-count': String(f.count), title: text }, text);
  }

  private renderRow(r: SampleRow): HTMLElement {
    const scores = Object.entries(r.scores);
    const input = (r.input ?? '').replace(/\s+/g, ' ').trim();
    return el(
      'li',
      {
        class: `sample${r.key === this.selected ? ' selected' : ''}${r.error ? ' sample-errored' : ''}${r.complete ? '' : ' sample-running'}`,
        role: 'option',
        tabindex: '-1',
        'aria-selected': String(r.key === this.selected),
        'data-key': r.key,
        'data-testid': 'sample-row',
        'data-complete': String(r.complete),
        title: (r.input ?? '').slice(0, TOOLTIP_CHARS),
      },
      el('span', { class: 'sample-id', 'data-field': 'id' }, r.id),
      el('span', { class: 'sample-epoch', 'data-field': 'epoch' }, `epoch ${r.epoch}`),
      r.complete ? null : el('span', { class: 'badge badge-live sample-running-mark', 'data-field': 'running' }, 'running'),
      el(
        'span',
        { class: 'sample-scores', 'data-field': 'scores' },
        ...scores.map(([name, value]) => el('span', { class: 'sample-score', title: `${name}: ${value}` }, `${name}: ${value}`)),
      ),
      this.renderFlags(r),
      r.totalTokens !== undefined ? el('span', { class: 'sample-tokens', 'data-field': 'tokens' }, `${r.totalTokens.toLocaleString('en-US')} tokens`) : null,
      r.error ? el('span', { class: 'sample-error', 'data-field': 'error', title: r.error }, `error: ${r.error.replace(/\s+/g, ' ').slice(0, 200)}`) : null,
      el('span', { class: 'sample-input', 'data-field': 'input' }, input.length > INPUT_CHARS ? `${input.slice(0, INPUT_CHARS - 1)}…` : input),
    );
  }

  private visibleKeys(): string[] {
    return this.shownRows.map((r) => r.key);
  }

  private select(key: string, focus: boolean): void {
    this.selected = key;
    // Rows whose selection changed are rebuilt (their optionsKey says whether they are selected).
    const pos = this.shownPos.get(key);
    if (focus && pos !== undefined) this.list.revealPos(pos, { focus: true, minimal: true });
    else this.list.refresh();
    this.options.changed();
  }
}

/** A row of the virtual list: a shown sample at its position. */
interface ShownRow {
  pos: number;
  index: number;
  row: SampleRow;
}

/** Everything a sample's row shows: the row is built again when this changes. */
function rowKey(r: SampleRow, selected: boolean): string {
  return JSON.stringify([r.key, selected, r.complete, r.error, r.scores, r.flags, r.flagsError, r.totalTokens, r.input, r.id, r.epoch]);
}
