/**
 * Find in the transcript. The host searches the whole log (not only the rows in the DOM) and
 * answers with the matching view positions; this bar counts them, steps through them (revealing
 * rows that were not rendered) and marks the matches in the rows that are shown. Matches are
 * marked by splitting text nodes: transcript text never passes through HTML.
 *
 * Typing keeps the keyboard in the find input: the current match becomes the focused event (so the
 * outline, the sidebar and j/k follow it) without taking the keyboard focus, and Enter / Shift+Enter
 * step once each. F3 / Shift+F3 reach the bar only as the Find Next / Find Previous commands (their
 * keybindings): a webview forwards every key press to VS Code's keybindings, so handling F3 here as
 * well would step twice.
 */
import { el } from './render';
import { INVISIBLE_CLASS } from './text';

interface FindBarHost {
  search(requestId: number, query: string, caseSensitive: boolean): void;
  /** Where stepping starts when no match is current yet (the focused event's position). */
  origin(): number;
  /** Shows the match at `pos` as the focused event; `keepKeyboardFocus`: the find input keeps the keyboard. */
  reveal(pos: number, keepKeyboardFocus: boolean): void;
  changed(): void;
}

interface Found {
  requestId: number;
  query: string;
  positions: number[];
  total: number;
  done: boolean;
}

export class FindBar {
  readonly element: HTMLElement;
  private readonly input: HTMLInputElement;
  private readonly count: HTMLElement;
  private readonly caseButton: HTMLElement;
  private caseSensitive = false;
  private requestId = 0;
  private positions: number[] = [];
  private total = 0;
  private done = true;
  /** Index into `positions` of the current match; -1 before stepping. */
  private current = -1;
  /** Step to the first match once results arrive (the user typed). */
  private jumpOnResults = false;
  private timer: ReturnType<typeof setTimeout> | undefined;
  query = '';

  constructor(private readonly host: FindBarHost) {
    this.input = el('input', {
      type: 'text',
      class: 'find-input',
      'data-testid': 'find-input',
      placeholder: 'Find in transcript',
      'aria-label': 'Find in transcript',
      spellcheck: 'false',
    }) as HTMLInputElement;
    this.count = el('span', { class: 'find-count', 'data-testid': 'find-count', 'aria-live': 'polite' });
    this.caseButton = el('button', { type: 'button', class: 'tb find-case', title: 'Match case', 'aria-pressed': 'false' }, 'Aa');
    const prev = el('button', { type: 'button', class: 'tb', title: 'Previous match (Shift+Enter)', 'data-testid': 'find-previous' }, '↑');
    const next = el('button', { type: 'button', class: 'tb', title: 'Next match (Enter)', 'data-testid': 'find-next' }, '↓');
    const close = el('button', { type: 'button', class: 'tb', title: 'Close (Escape)' }, '×');
    this.element = el('div', { class: 'findbar', 'data-testid': 'find-bar', role: 'search', hidden: '' }, this.input, this.caseButton, this.count, prev, next, close);

    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.setQueryAndSearch(this.input.value, true), 150);
    });
    this.input.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        this.next(ev.shiftKey ? -1 : 1);
      } else if (ev.key === 'Escape') {
        ev.preventDefault();
        this.close();
      }
    });
    this.caseButton.addEventListener('click', () => {
      this.caseSensitive = !this.caseSensitive;
      this.caseButton.setAttribute('aria-pressed', String(this.caseSensitive));
      this.research();
    });
    prev.addEventListener('click', () => this.step(-1));
    next.addEventListener('click', () => this.step(1));
    close.addEventListener('click', () => this.close());
  }

  open(): void {
    this.element.hidden = false;
    this.input.focus();
    this.input.select();
  }

  /**
   * The Find command from VS Code (its Ctrl+F keybinding, the palette). Ctrl+F pressed in the page
   * opens the bar at once, and VS Code also gets the key and sends the command: by then the user may
   * have typed, and selecting again made the next key replace what was typed ("long run" became "n"
   * on a slow machine). With the bar open and the keyboard in it, the command leaves it as it is.
   */
  openFromCommand(): void {
    if (!this.element.hidden && this.input.ownerDocument.activeElement === this.input) return;
    this.open();
  }

  close(): void {
    this.element.hidden = true;
    this.setQueryAndSearch('', false);
  }

  /** Restores a saved query (searched once the transcript is there). */
  setQuery(query: string): void {
    this.query = query;
    this.input.value = query;
    this.element.hidden = !query;
  }

  research(): void {
    this.setQueryAndSearch(this.query, false);
  }

  private setQueryAndSearch(query: string, jump: boolean): void {
    this.query = query;
    this.positions = [];
    this.total = 0;
    this.current = -1;
    this.done = !query;
    this.jumpOnResults = jump && !!query;
    this.requestId++;
    if (query) this.host.search(this.requestId, query, this.caseSensitive);
    this.updateCount();
    this.host.changed();
  }

  receive(found: Found): void {
    if (found.requestId !== this.requestId) return;
    this.positions = found.positions;
    this.total = found.total;
    this.done = found.done;
    if (this.jumpOnResults && this.positions.length) {
      this.jumpOnResults = false;
      this.step(1, this.host.origin() - 1);
    }
    this.updateCount();
    this.host.changed();
  }

  /**
   * Enter in the input, or Find Next / Previous: searches what was typed if that is not searched yet
   * (results then go to the first match), else steps once from `fromPos` (default: the current match).
   */
  next(direction: 1 | -1, fromPos?: number): void {
    if (!this.element.hidden && this.input.value !== this.query) {
      clearTimeout(this.timer);
      this.setQueryAndSearch(this.input.value, true);
    } else this.step(direction, fromPos);
  }

  /** Moves to the next (1) or previous (-1) match after `fromPos` (default: the current match). */
  private step(direction: 1 | -1, fromPos?: number): void {
    const n = this.positions.length;
    if (!n) {
      if (!this.query) this.open();
      return;
    }
    const from = fromPos ?? (this.current >= 0 ? this.positions[this.current]! : this.host.origin() - (direction === 1 ? 1 : 0));
    let k: number;
    if (direction === 1) {
      k = this.positions.findIndex((p) => p > from);
      if (k < 0) k = 0; // wrap
    } else {
      k = -1;
      for (let i = n - 1; i >= 0; i--) {
        if (this.positions[i]! < from) {
          k = i;
          break;
        }
      }
      if (k < 0) k = n - 1;
    }
    this.current = k;
    this.updateCount();
    this.host.reveal(this.positions[k]!, this.element.contains(document.activeElement));
    this.host.changed();
  }

  private updateCount(): void {
    const more = this.done ? '' : '+';
    this.count.textContent = !this.query
      ? ''
      : this.total === 0
        ? this.done
          ? 'No results'
          : 'Searching…'
        : this.current >= 0
          ? `${this.current + 1} of ${this.total.toLocaleString()}${more}`
          : `${this.total.toLocaleString()}${more} match${this.total === 1 ? '' : 'es'}`;
    this.count.classList.toggle('find-none', !!this.query && this.done && this.total === 0);
  }

  /** Marks the query in rendered rows; the current match's row gets `match-current`. */
  highlight(rows: HTMLElement[]): void {
    const currentPos = this.current >= 0 ? this.positions[this.current] : undefined;
    for (const row of rows) {
      unmark(row);
      if (!this.query) continue;
      const pos = Number(row.dataset.pos);
      const marks = mark(row, this.query, this.caseSensitive);
      if (marks.length && pos === currentPos) marks[0]!.classList.add('match-current');
      row.classList.toggle('has-current-match', pos === currentPos);
    }
  }
}

function unmark(root: HTMLElement): void {
  const marks = root.querySelectorAll('mark.match');
  for (const m of marks) m.replaceWith(document.createTextNode(m.textContent ?? ''));
  if (marks.length) root.normalize();
}

function mark(root: HTMLElement, query: string, caseSensitive: boolean): HTMLElement[] {
  const needle = caseSensitive ? query : query.toLowerCase();
  // The text of an invisible-character marker (`U+202E`) is the page's, not the transcript's: the
  // host's search, which the count comes from, does not see it, so neither do the marks.
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) => (n.parentElement?.classList.contains(INVISIBLE_CLASS) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
  });
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) texts.push(n as Text);
  const marks: HTMLElement[] = [];
  for (const t of texts) {
    const value = t.data;
    const hay = caseSensitive ? value : value.toLowerCase();
    if (hay.length !== value.length) continue; // lower-casing changed lengths: offsets would not line up
    let at = hay.indexOf(needle);
    if (at < 0) continue;
    const frag = document.createDocumentFragment();
    let last = 0;
    while (at >= 0) {
      frag.append(value.slice(last, at));
      const m = el('mark', { class: 'match' }, value.slice(at, at + needle.length));
      marks.push(m);
      frag.append(m);
      last = at + needle.length;
      at = hay.indexOf(needle, last);
    }
    frag.append(value.slice(last));
    t.replaceWith(frag);
  }
  return marks;
}
