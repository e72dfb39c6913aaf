/**
 * The sample list of a log of many samples (Inspect AI): one row per sample (id, epoch, scores,
 * tokens, error, a "running" mark for samples still being written), under a header naming the
 * task, model and status, with the log's diagnostics listed. j/k (or the arrows) move, Enter or a
 * click opens the sample; the filter box keeps the rows whose id or input contains its text.
 *
 * Every string from the log goes in as text (`el`), never as HTML: sample inputs are adversarial.
 */
import type { SampleRow, SamplesMessage } from '../core/protocol';
import { el } from './render';

export interface SamplesViewOptions {
  open(key: string): void;
  /** Something worth saving changed (filter, selection, scroll). */
  changed(): void;
}

export interface SamplesViewState {
  filter?: string;
  selected?: string;
  scroll?: number;
}

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
  private readonly scroller = el('div', { class: 'samples-scroller', 'data-testid': 'samples-scroller' });
  private readonly list = el('ol', { class: 'sample-list', 'data-testid': 'sample-list', role: 'listbox', 'aria-label': 'Samples' });
  private rows: SampleRow[] = [];
  private selected: string | undefined;
  /** The sample the host last said was open (it becomes the selection when it changes). */
  private hostSelected: string | undefined;
  private scrollTop = 0;

  constructor(
    private readonly options: SamplesViewOptions,
    state: SamplesViewState,
  ) {
    this.filterInput.value = state.filter ?? '';
    this.selected = state.selected;
    this.scrollTop = state.scroll ?? 0;
    this.scroller.append(this.list);
    this.element = el(
      'section',
      { class: 'samples-view', 'data-testid': 'samples-view' },
      this.header,
      this.banner,
      el('div', { class: 'toolbar samples-toolbar' }, this.filterInput, this.count, el('span', { class: 'spacer' }), el('span', { class: 'muted keys-hint' }, 'j/k to move, Enter to open')),
      this.scroller,
    );
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
    this.list.addEventListener('click', (ev) => {
      const row = (ev.target as HTMLElement).closest<HTMLElement>('.sample[data-key]');
      if (!row) return;
      this.select(row.dataset.key!, false);
      this.options.open(row.dataset.key!);
    });
    this.scroller.addEventListener('scroll', () => {
      this.scrollTop = this.scroller.scrollTop;
      this.options.changed();
    });
  }

  get state(): SamplesViewState {
    return { filter: this.filterInput.value || undefined, selected: this.selected, scroll: this.scrollTop };
  }

  /** Shows the list in `m` (a first showing, or samples added / finished in a log being written). */
  render(m: SamplesMessage): void {
    if (m.selected !== undefined && m.selected !== this.hostSelected) {
      this.selected = m.selected;
      this.hostSelected = m.selected;
    }
    this.rows = m.samples;
    const field = (name: string, label: string, value: string | undefined) =>
      value === undefined || value === '' ? null : el('div', { class: 'field', 'data-field': name }, el('dt', {}, label), el('dd', {}, value));
    const running = m.samples.filter((s) => !s.complete).length;
    const errored = m.samples.filter((s) => s.error).length;
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
          field('samples', m.format.startsWith('inspect') ? 'Samples' : 'Runs', `${m.samples.length}${running ? ` (${running} running)` : ''}${errored ? `, ${errored} with errors` : ''}`),
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
    this.renderRows();
  }

  /** The view was put back on the page: scroll where it was and focus the selected row. */
  shown(): void {
    this.scroller.scrollTop = this.scrollTop;
    const row = this.rowOf(this.selected);
    if (row) {
      row.focus({ preventScroll: true });
      if (!this.isInView(row)) row.scrollIntoView({ block: 'nearest' });
    }
  }

  /** Keys on the list (main.ts passes them on while the list shows); true when handled. */
  key(ev: KeyboardEvent): boolean {
    const keys = this.visibleKeys();
    if (!keys.length) return false;
    const at = this.selected === undefined ? -1 : keys.indexOf(this.selected);
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
    }
    return false;
  }

  private renderRows(): void {
    const query = this.filterInput.value.trim().toLowerCase();
    const shown = query ? this.rows.filter((r) => r.id.toLowerCase().includes(query) || (r.input ?? '').toLowerCase().includes(query)) : this.rows;
    this.count.textContent = query ? `${shown.length} of ${this.rows.length} samples` : `${this.rows.length} sample${this.rows.length === 1 ? '' : 's'}`;
    const items = shown.map((r) => this.renderRow(r));
    if (!items.length) {
      items.push(el('li', { class: 'empty' }, this.rows.length ? 'No sample matches the filter.' : 'No samples yet.'));
    }
    this.list.replaceChildren(...items);
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
      r.totalTokens !== undefined ? el('span', { class: 'sample-tokens', 'data-field': 'tokens' }, `${r.totalTokens.toLocaleString('en-US')} tokens`) : null,
      r.error ? el('span', { class: 'sample-error', 'data-field': 'error', title: r.error }, `error: ${r.error.replace(/\s+/g, ' ').slice(0, 200)}`) : null,
      el('span', { class: 'sample-input', 'data-field': 'input' }, input.length > INPUT_CHARS ? `${input.slice(0, INPUT_CHARS - 1)}…` : input),
    );
  }

  private visibleKeys(): string[] {
    return [...this.list.querySelectorAll<HTMLElement>('.sample[data-key]')].map((n) => n.dataset.key!);
  }

  private rowOf(key: string | undefined): HTMLElement | undefined {
    if (key === undefined) return undefined;
    return [...this.list.querySelectorAll<HTMLElement>('.sample[data-key]')].find((n) => n.dataset.key === key);
  }

  private isInView(row: HTMLElement): boolean {
    const a = this.scroller.getBoundingClientRect();
    const b = row.getBoundingClientRect();
    return b.top >= a.top && b.bottom <= a.bottom;
  }

  private select(key: string, focus: boolean): void {
    this.selected = key;
    for (const n of this.list.querySelectorAll<HTMLElement>('.sample.selected')) {
      n.classList.remove('selected');
      n.setAttribute('aria-selected', 'false');
    }
    const row = this.rowOf(key);
    if (row) {
      row.classList.add('selected');
      row.setAttribute('aria-selected', 'true');
      if (focus) {
        row.focus({ preventScroll: true });
        if (!this.isInView(row)) row.scrollIntoView({ block: 'nearest' });
      }
    }
    this.options.changed();
  }
}
