/**
 * A virtualized list of rows of varying height: the transcript's events (main.ts) and a log's
 * samples (samples.ts).
 *
 * Position is an *anchor* (view position of the top row and pixels scrolled into it), not a pixel
 * offset, so it works for any number of rows. Only the rows in the viewport plus a margin are in
 * the DOM; they are reused while their data and options are unchanged (a growing log appends rows
 * without re-rendering the ones shown). The scrollbar is a proportional stand-in: its track is at
 * most SCROLL_CAP pixels, below every browser's element-height limit. Wheel, keys and reveals move
 * the anchor by real pixels; dragging the scrollbar jumps proportionally.
 */
import type { Slot } from '../core/protocol';
import { el } from './render';

/** One row's data: its view position and the index of what it shows (an event's, a sample's). */
export interface ListItem {
  pos: number;
  index: number;
}

export interface VirtualListOptions<T extends ListItem = Slot> {
  /** Asks for items [start, end); they come back through `receive` (now or later). */
  request(start: number, end: number): void;
  renderRow(slot: T): HTMLElement[];
  /** Rows are rendered again when this changes (expanded, diff mode…). */
  optionsKey(slot: T): string;
  onRendered(rows: HTMLElement[]): void;
  onScrolled(): void;
  /** The list element's class, test id and label, and the scroller's test id (the transcript's by default). */
  element?: { class: string; testId: string; label: string; role?: string; scrollerTestId: string };
  /** The placeholder of a row not received yet. */
  pendingText?(pos: number): string;
}

export interface RevealOptions {
  focus?: boolean;
  /**
   * Make the row the focused event (for the keyboard and the host) but leave the keyboard focus
   * where it is: find moves through matches while the reader keeps typing in the find input.
   */
  keepKeyboardFocus?: boolean;
  /** Scroll only as far as needed to show the row (keyboard stepping). */
  minimal?: boolean;
  /** Align the list's end with the viewport's bottom (and follow a growing log). */
  atEnd?: boolean;
  highlight?: boolean;
}

const SCROLL_CAP = 4_000_000;
const ESTIMATE = 72;
const MARGIN_PX = 800;
const ROWS_ABOVE = 4;
const CHUNK = 50;
const KEEP_AROUND = 1500;

interface Row {
  nodes: HTMLElement[];
  key: string;
  index: number;
}

export class VirtualList<T extends ListItem = Slot> {
  total = 0;
  onFocus: (index: number, pos: number, keepKeyboardFocus: boolean) => void = () => {};
  private anchor = { pos: 0, offset: 0 };
  private atEnd = false;
  private readonly heights = new Map<number, number>();
  private readonly slots = new Map<number, T>();
  private readonly rows = new Map<number, Row>();
  /** Chunks asked for: start → end asked (re-asked when the list grew past it). */
  private readonly requested = new Map<number, number>();
  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly list: HTMLElement;
  private expectedScrollTop = 0;
  private dragging = false;
  private focusPosValue: number | undefined;
  private pendingFocus: { pos: number; highlight?: boolean; keepKeyboardFocus?: boolean } | undefined;
  private frame = 0;
  private rendered: Array<{ pos: number; row: Row }> = [];

  constructor(
    host: HTMLElement,
    private readonly opts: VirtualListOptions<T>,
  ) {
    const e = opts.element ?? { class: 'events', testId: 'event-list', label: 'Transcript events', scrollerTestId: 'scroller' };
    this.list = el('ol', { class: e.class, 'data-testid': e.testId, 'aria-label': e.label, role: e.role });
    const layer = el('div', { class: 'layer' }, this.list);
    this.spacer = el('div', { class: 'spacer' });
    this.scroller = el('div', { class: 'scroller', 'data-testid': e.scrollerTestId }, layer, this.spacer);
    host.append(this.scroller);
    this.scroller.addEventListener('wheel', (ev) => this.onWheel(ev), { passive: false });
    this.scroller.addEventListener('scroll', () => this.onScroll());
    // Only a drag of the scrollbar (or a click in its track) moves the anchor proportionally; other
    // scroll events (layout changes, the browser clamping scrollTop) are answered by re-syncing.
    this.scroller.addEventListener('pointerdown', (ev) => {
      if (ev.target === this.scroller) this.dragging = true;
    });
    window.addEventListener('pointerup', () => {
      if (this.dragging) setTimeout(() => (this.dragging = false), 50);
    });
    new ResizeObserver(() => this.layoutChanged()).observe(this.scroller);
  }

  // ---- data ---------------------------------------------------------------------------------

  reset(total: number): void {
    this.total = total;
    this.anchor = { pos: 0, offset: 0 };
    this.atEnd = false;
    this.heights.clear();
    this.slots.clear();
    this.rows.clear();
    this.requested.clear();
    this.rendered = [];
    this.focusPosValue = undefined;
    this.list.replaceChildren();
    this.render();
  }

  setTotal(total: number): void {
    if (total === this.total) return;
    if (total < this.total) {
      for (const pos of [...this.slots.keys()]) if (pos >= total) this.slots.delete(pos);
    }
    this.total = total;
    this.render();
  }

  /**
   * The items changed (sorted, filtered, added to) and there are now `total`: those shown are asked
   * for again, and the position is kept (clamped to the new end).
   */
  invalidate(total: number): void {
    this.total = total;
    this.slots.clear();
    this.requested.clear();
    this.render();
  }

  receive(slots: readonly T[]): void {
    for (const s of slots) {
      this.slots.set(s.pos, s);
      const chunk = s.pos - (s.pos % CHUNK);
      if ((this.requested.get(chunk) ?? 0) <= s.pos + 1) this.requested.delete(chunk);
    }
    this.evict();
    this.scheduleRender();
  }

  private evict(): void {
    if (this.slots.size <= KEEP_AROUND * 2) return;
    const center = this.anchor.pos;
    for (const pos of this.slots.keys()) if (Math.abs(pos - center) > KEEP_AROUND) this.slots.delete(pos);
    for (const pos of this.heights.keys()) if (Math.abs(pos - center) > KEEP_AROUND * 4) this.heights.delete(pos);
  }

  private ensureLoaded(start: number, end: number): void {
    for (let chunk = start - (start % CHUNK); chunk < end; chunk += CHUNK) {
      const chunkEnd = Math.min(this.total, chunk + CHUNK);
      let missing = false;
      for (let p = Math.max(chunk, start); p < Math.min(chunkEnd, end); p++) {
        if (!this.slots.has(p)) {
          missing = true;
          break;
        }
      }
      if (!missing) continue;
      const asked = this.requested.get(chunk);
      if (asked !== undefined && asked >= chunkEnd) continue;
      this.requested.set(chunk, chunkEnd);
      this.opts.request(chunk, chunkEnd);
    }
  }

  // ---- queries --------------------------------------------------------------------------------

  anchorState(): { pos: number; offset: number; atEnd?: boolean } {
    return { pos: this.anchor.pos, offset: Math.round(this.anchor.offset), atEnd: this.atEnd || undefined };
  }

  restore(a: { pos: number; offset: number; atEnd?: boolean }): void {
    this.anchor = { pos: Math.max(0, a.pos), offset: Math.max(0, a.offset) };
    this.atEnd = !!a.atEnd;
    this.render();
  }

  topPos(): number | undefined {
    return this.total ? this.anchor.pos : undefined;
  }

  topIndex(): number | undefined {
    return this.slots.get(this.anchor.pos)?.index;
  }

  focusPos(): number | undefined {
    return this.focusPosValue;
  }

  setFocusPos(pos: number): void {
    this.focusPosValue = pos;
  }

  posOfNode(node: HTMLElement): number | undefined {
    const pos = Number(node.dataset.pos);
    return Number.isInteger(pos) ? pos : undefined;
  }

  pageHeight(): number {
    return Math.max(40, this.scroller.clientHeight - 40);
  }

  // ---- moving -------------------------------------------------------------------------------------

  private height(pos: number): number {
    return this.heights.get(pos) ?? ESTIMATE;
  }

  scrollByPixels(dy: number): void {
    if (!this.total) return;
    if (dy < 0) this.atEnd = false;
    else if (this.atEnd) return;
    const a = this.anchor;
    a.offset += dy;
    while (a.offset >= this.height(a.pos) && a.pos < this.total - 1) {
      a.offset -= this.height(a.pos);
      a.pos++;
    }
    while (a.offset < 0 && a.pos > 0) {
      a.pos--;
      a.offset += this.height(a.pos);
    }
    if (a.offset < 0) a.offset = 0;
    this.render();
    this.opts.onScrolled();
  }

  revealPos(pos: number, o: RevealOptions = {}): void {
    if (pos < 0 || pos >= this.total) return;
    if (o.atEnd) {
      this.atEnd = true;
    } else {
      const top = this.rowTop(pos);
      const viewH = this.scroller.clientHeight;
      const fullyVisible = top !== undefined && top >= 0 && top + this.height(pos) <= viewH;
      if (!(o.minimal && fullyVisible)) {
        const below = top !== undefined && top > 0;
        this.atEnd = false;
        this.anchor = { pos, offset: 0 };
        this.render();
        // A row near the list's end is already shown end-aligned (render aligned it): moving up
        // from there would push it below the viewport.
        if (this.atEnd) {
          // nothing to adjust
        } else if (o.minimal && below) {
          // Stepping down: bring the row in at the bottom, as a text editor does.
          this.scrollByPixels(-Math.max(0, viewH - this.height(pos) - 8));
        } else {
          // Jumps (find, links, outline): some context above the row.
          this.scrollByPixels(-Math.min(viewH / 4, 120));
        }
      }
    }
    if (o.focus) this.pendingFocus = { pos, highlight: o.highlight, keepKeyboardFocus: o.keepKeyboardFocus };
    this.focusPosValue = pos;
    this.render();
    this.opts.onScrolled();
  }

  /** Top of row `pos` relative to the viewport, when it is rendered. */
  private rowTop(pos: number): number | undefined {
    const r = this.rows.get(pos);
    if (!r || !r.nodes[0]!.isConnected) return undefined;
    return r.nodes[0]!.getBoundingClientRect().top - this.scroller.getBoundingClientRect().top;
  }

  private onWheel(ev: WheelEvent): void {
    if (ev.ctrlKey) return; // zoom
    // Inner scrollable blocks (long outputs) scroll themselves first.
    for (let n = ev.target as HTMLElement | null; n && n !== this.scroller; n = n.parentElement) {
      if (n.scrollHeight > n.clientHeight + 1 && /(auto|scroll)/.test(getComputedStyle(n).overflowY)) {
        const canScroll = ev.deltaY > 0 ? n.scrollTop + n.clientHeight < n.scrollHeight - 1 : n.scrollTop > 0;
        if (canScroll) return;
      }
    }
    ev.preventDefault();
    const unit = ev.deltaMode === 1 ? 16 : ev.deltaMode === 2 ? this.pageHeight() : 1;
    this.scrollByPixels(ev.deltaY * unit);
  }

  private onScroll(): void {
    const top = this.scroller.scrollTop;
    if (Math.abs(top - this.expectedScrollTop) <= 1) return;
    if (!this.dragging) {
      this.syncScrollbar(this.scroller.clientHeight || 600);
      return;
    }
    // The scrollbar was dragged (or the page scrolled by the browser): jump proportionally.
    const max = this.scroller.scrollHeight - this.scroller.clientHeight;
    const f = max > 0 ? top / max : 0;
    this.expectedScrollTop = top;
    if (f >= 0.999) this.atEnd = true;
    else {
      this.atEnd = false;
      const p = f * this.total;
      const pos = Math.min(this.total - 1, Math.floor(p));
      this.anchor = { pos: Math.max(0, pos), offset: (p - pos) * this.height(pos) };
    }
    this.render(false);
    this.opts.onScrolled();
  }

  // ---- rendering --------------------------------------------------------------------------------

  layoutChanged(): void {
    this.heights.clear();
    this.scheduleRender();
  }

  rerenderIndex(index: number): void {
    for (const [pos, row] of this.rows) if (row.index === index) this.rows.delete(pos);
    this.render();
  }

  /** Renders again on the next frame; only rows whose optionsKey changed are rebuilt. */
  refresh(): void {
    this.scheduleRender();
  }

  rerenderAll(): void {
    this.rows.clear();
    this.render();
  }

  rerenderHighlights(): void {
    this.opts.onRendered(this.rendered.flatMap((r) => r.row.nodes));
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(syncScrollbar = true): void {
    const viewH = this.scroller.clientHeight || 600;
    if (this.total === 0) {
      this.list.replaceChildren();
      this.rows.clear();
      this.rendered = [];
      this.spacer.style.height = '0px';
      return;
    }
    if (this.anchor.pos >= this.total) this.anchor = { pos: this.total - 1, offset: 0 };
    let start = 0;
    let end = 0;
    for (let pass = 0; pass < 4; pass++) {
      if (this.atEnd) this.anchorFromEnd(viewH);
      start = Math.max(0, this.anchor.pos - ROWS_ABOVE);
      end = this.anchor.pos;
      for (let y = -this.anchor.offset; end < this.total && y < viewH + MARGIN_PX; end++) y += this.height(end);
      this.ensureLoaded(start, end);
      const changed = this.reconcile(start, end);
      if (!changed) break;
      // Not enough below the anchor to fill the view: the list's end is in view, so align it.
      if (!this.atEnd && end === this.total && this.spaceBelow(viewH) > 0 && this.anchor.pos > 0) {
        this.atEnd = true;
      }
    }
    this.position();
    if (syncScrollbar) this.syncScrollbar(viewH);
    this.applyFocus();
    this.opts.onRendered(this.rendered.flatMap((r) => r.row.nodes));
  }

  /** Pixels between the last row's bottom and the viewport's bottom, when positive. */
  private spaceBelow(viewH: number): number {
    let y = -this.anchor.offset;
    for (let p = this.anchor.pos; p < this.total && y < viewH; p++) y += this.height(p);
    return viewH - y;
  }

  private anchorFromEnd(viewH: number): void {
    let y = 0;
    let pos = this.total - 1;
    while (pos > 0 && y + this.height(pos) < viewH) {
      y += this.height(pos);
      pos--;
    }
    const offset = Math.max(0, this.height(pos) - (viewH - y));
    this.anchor = { pos, offset: pos === 0 && y + this.height(0) <= viewH ? 0 : offset };
  }

  /** Puts rows [start, end) in the list, reusing unchanged ones; measures them. Returns whether heights changed. */
  private reconcile(start: number, end: number): boolean {
    const wanted: Array<{ pos: number; row: Row }> = [];
    for (let pos = start; pos < end; pos++) {
      const slot = this.slots.get(pos);
      let row = this.rows.get(pos);
      const key = slot ? this.opts.optionsKey(slot) : 'pending';
      if (!row || row.key !== key || (slot && row.index !== slot.index)) {
        const nodes = slot
          ? this.opts.renderRow(slot)
          : [el('li', { class: 'event-pending', 'aria-busy': 'true' }, this.opts.pendingText?.(pos) ?? `Loading event ${pos + 1}…`)];
        nodes[0]!.dataset.pos = String(pos);
        nodes[0]!.style.minHeight = slot ? '' : `${ESTIMATE}px`;
        row = { nodes, key, index: slot?.index ?? -1 };
        this.rows.set(pos, row);
      }
      wanted.push({ pos, row });
    }
    for (const pos of [...this.rows.keys()]) if (pos < start || pos >= end) this.rows.delete(pos);
    // Move only what must move: rows kept in place keep their DOM (and focus, selection).
    const desired = wanted.flatMap((w) => w.row.nodes);
    const desiredSet = new Set(desired);
    for (const child of [...this.list.children]) if (!desiredSet.has(child as HTMLElement)) child.remove();
    let cursor = this.list.firstElementChild;
    for (const node of desired) {
      if (node === cursor) cursor = cursor.nextElementSibling;
      else this.list.insertBefore(node, cursor);
    }
    this.rendered = wanted;
    // Measure: each row's height is the distance to the next row's top (margins included).
    let changed = false;
    const tops = wanted.map((w) => w.row.nodes[0]!.offsetTop);
    const bottom = this.list.offsetHeight;
    wanted.forEach((w, k) => {
      const h = Math.max(1, (k + 1 < tops.length ? tops[k + 1]! : bottom) - tops[k]!);
      if (this.heights.get(w.pos) !== h) {
        if (Math.abs((this.heights.get(w.pos) ?? ESTIMATE) - h) > 0.5) changed = true;
        this.heights.set(w.pos, h);
      }
    });
    return changed;
  }

  private position(): void {
    const anchorRow = this.rows.get(this.anchor.pos);
    const top = anchorRow ? anchorRow.nodes[0]!.offsetTop : 0;
    this.list.style.transform = `translateY(${-(top + this.anchor.offset)}px)`;
  }

  private syncScrollbar(viewH: number): void {
    let sum = 0;
    for (const h of this.heights.values()) sum += h;
    const avg = this.heights.size ? sum / this.heights.size : ESTIMATE;
    const height = Math.min(SCROLL_CAP, Math.max(viewH, Math.round(this.total * avg)));
    this.spacer.style.height = `${Math.max(0, height - viewH)}px`;
    const max = Math.max(0, height - viewH);
    const f = this.atEnd ? 1 : (this.anchor.pos + this.anchor.offset / this.height(this.anchor.pos)) / this.total;
    const top = Math.round(Math.min(1, f) * max);
    if (Math.abs(this.scroller.scrollTop - top) > 1) {
      this.expectedScrollTop = top;
      this.scroller.scrollTop = top;
    }
  }

  private applyFocus(): void {
    const p = this.pendingFocus;
    if (!p) return;
    const row = this.rows.get(p.pos);
    if (!row || row.index < 0) return; // not loaded yet: tried again after the next render
    this.pendingFocus = undefined;
    // The event's own node: a row may start with the header rows of the groups that start at it.
    const node = row.nodes.find((n) => n.classList.contains('event')) ?? row.nodes[0]!;
    if (!p.keepKeyboardFocus) node.focus({ preventScroll: true });
    if (p.highlight) {
      node.classList.remove('flash');
      void node.offsetWidth;
      node.classList.add('flash');
    }
    this.onFocus(row.index, p.pos, !!p.keepKeyboardFocus);
  }
}
