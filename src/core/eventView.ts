/**
 * The list the editor shows: the transcript's events after a filter, addressed by view position,
 * plus what is computed from the index alone (outline, navigation, reasoning → action links).
 * Works from a compact index (kind, tool and step per event), so it never needs the events
 * themselves and stays cheap on logs with millions of events.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { EventGroup, TranscriptEvent } from './model';
import type { GroupFolds, GroupHead, OutlineEntry, ViewFilter } from './protocol';

/** What the view needs to know per event. Both the in-memory transcript and the file index provide it. */
export interface EventIndexLike {
  readonly count: number;
  kindOf(i: number): string | undefined;
  toolOf(i: number): string | undefined;
  stepOf(i: number): number | undefined;
  /** The groups event i sits in, outermost first (sources without groups need not answer). */
  groupsOf?(i: number): readonly EventGroup[] | undefined;
}

export const DEFAULT_FOLDS: GroupFolds = { toggled: [] };

/** A group counted past this many events says so with a `+` in its header (counting stops there). */
export const MAX_GROUP_COUNT = 100_000;

/** Whether a group is folded: agents and scorers are by default, spans and subagents are not. */
export function groupFolded(g: Pick<EventGroup, 'id' | 'kind'>, folds: GroupFolds, toggled?: ReadonlySet<string>): boolean {
  const base = folds.all ? folds.all === 'closed' : g.kind === 'agent' || g.kind === 'scorer';
  return (toggled ?? new Set(folds.toggled)).has(g.id) ? !base : base;
}

export const NO_FILTER: ViewFilter = { kinds: null, tools: null };

/** The outline sent to the webview holds at most this many entries (long runs are merged). */
export const MAX_OUTLINE_ENTRIES = 2000;

export class EventView {
  private currentFilter: ViewFilter = NO_FILTER;
  /** Event indices in view order when filtered; `undefined` when every event is shown. */
  private positions: Uint32Array | undefined;
  private positionCount = 0;
  /** Events already considered for `positions` (the index may have grown since). */
  private scanned = 0;
  private kindSet: Set<string> | undefined;
  private toolSet: Set<string> | undefined;
  // Outline: built incrementally as the index grows.
  private outlineEntries: OutlineEntry[] = [];
  private outlineScanned = 0;
  private currentFolds: GroupFolds = DEFAULT_FOLDS;
  private foldToggled = new Set<string>();
  /** Some event seen so far sits in a group: the view keeps positions, since folds may hide events. */
  private grouped = false;

  constructor(private readonly index: EventIndexLike) {}

  get filter(): ViewFilter {
    return this.currentFilter;
  }

  get filtered(): boolean {
    return this.positions !== undefined;
  }

  setFilter(filter: ViewFilter): void {
    const kinds = filter.kinds && filter.kinds.length ? filter.kinds : null;
    const tools = filter.tools && filter.tools.length ? filter.tools : null;
    this.currentFilter = { kinds, tools };
    this.kindSet = kinds ? new Set(kinds) : undefined;
    this.toolSet = tools ? new Set(tools) : undefined;
    this.rescan();
  }

  get folds(): GroupFolds {
    return this.currentFolds;
  }

  /** Some event read so far sits in a group (folds change what the view shows). */
  get hasGroups(): boolean {
    return this.grouped;
  }

  /** Folds and unfolds groups: their events leave the view (or come back); the first stays as the header's row. */
  setFolds(folds: GroupFolds): void {
    this.currentFolds = folds;
    this.foldToggled = new Set(folds.toggled);
    this.rescan();
  }

  private rescan(): void {
    this.positions = this.kindSet || this.toolSet || this.grouped ? new Uint32Array(1024) : undefined;
    this.positionCount = 0;
    this.scanned = 0;
    this.refresh();
  }

  /** Takes in events the index gained since the last call. */
  refresh(): void {
    const n = this.index.count;
    if (!this.grouped && this.index.groupsOf) {
      for (let i = this.scanned; i < n; i++) {
        if (this.index.groupsOf(i)?.length) {
          // The first grouped event: from now on the view is a list of positions (folds hide events).
          this.grouped = true;
          this.rescan();
          return;
        }
      }
    }
    let positions = this.positions;
    if (positions) {
      for (let i = this.scanned; i < n; i++) {
        if (!this.matches(i)) continue;
        if (this.positionCount === positions.length) {
          const grown: Uint32Array = new Uint32Array(positions.length * 2);
          grown.set(positions);
          positions = this.positions = grown;
        }
        positions[this.positionCount++] = i;
      }
    }
    this.scanned = n;
  }

  /** Whether event `i` passes the filter and no folded group hides it. A tool filter keeps the calls and results of those tools. */
  matches(i: number): boolean {
    if (this.grouped && !this.unfolded(i)) return false;
    if (this.kindSet) {
      const k = this.index.kindOf(i);
      if (k === undefined || !this.kindSet.has(k)) return false;
    }
    if (this.toolSet) {
      const t = this.index.toolOf(i);
      if (t === undefined || !this.toolSet.has(t)) return false;
    }
    return true;
  }

  /** Whether an event read outside the index (a log's tail, read ahead) passes the kind and tool filter. */
  keepsEvent(e: TranscriptEvent): boolean {
    if (this.kindSet && !this.kindSet.has(e.kind)) return false;
    if (this.toolSet && !((e.kind === 'tool_call' || e.kind === 'tool_result') && e.name !== undefined && this.toolSet.has(e.name))) return false;
    return true;
  }

  /** Whether event i shows: in no folded group, or the first event of the outermost folded one (its header's row). */
  private unfolded(i: number): boolean {
    const groups = this.index.groupsOf?.(i);
    if (!groups?.length) return true;
    const outer = groups.find((g) => groupFolded(g, this.currentFolds, this.foldToggled));
    return !outer || !this.inGroup(i - 1, outer.id);
  }

  private inGroup(i: number, id: string): boolean {
    if (i < 0 || i >= this.index.count) return false;
    return !!this.index.groupsOf?.(i)?.some((g) => g.id === id);
  }

  /**
   * The groups that start at event i (the event before it is not in them), outermost first, up to and
   * including the outermost folded one: their header rows. Empty for most events.
   */
  groupHeads(i: number): GroupHead[] {
    const groups = this.index.groupsOf?.(i);
    if (!groups?.length) return [];
    const heads: GroupHead[] = [];
    for (const [depth, g] of groups.entries()) {
      const folded = groupFolded(g, this.currentFolds, this.foldToggled);
      if (!this.inGroup(i - 1, g.id)) {
        let count = 1;
        while (count < MAX_GROUP_COUNT && this.inGroup(i + count, g.id)) count++;
        heads.push({ ...g, count, folded, depth });
      }
      if (folded) break;
    }
    return heads;
  }

  /** How many groups event i sits in, for its indent. */
  depthOf(i: number): number {
    return this.index.groupsOf?.(i)?.length ?? 0;
  }

  /** The folded groups that hide event i or stand in for it (to unfold before revealing it). */
  foldedAround(i: number): EventGroup[] {
    return (this.index.groupsOf?.(i) ?? []).filter((g) => groupFolded(g, this.currentFolds, this.foldToggled));
  }

  /**
   * Where a find match at event i shows: its own position, or, when a folded group hides it, the
   * position of that group's header row; -1 when the filter hides it.
   */
  shownPosOf(i: number): number {
    const pos = this.posOf(i);
    if (pos >= 0 || !this.grouped) return pos;
    const outer = this.foldedAround(i)[0];
    if (!outer) return -1;
    let first = i;
    while (this.inGroup(first - 1, outer.id)) first--;
    return this.posOf(first);
  }

  /** Whether the view hides events by kind or tool (not only by folds). */
  get kindOrToolFiltered(): boolean {
    return !!(this.kindSet || this.toolSet);
  }

  /** Events in the view. */
  get count(): number {
    return this.positions ? this.positionCount : this.scanned;
  }

  /** The event index at view position `pos`. */
  indexAt(pos: number): number {
    return this.positions ? this.positions[pos]! : pos;
  }

  /** The view position of event `index`, or -1 when the filter hides it. */
  posOf(index: number): number {
    if (!this.positions) return index < this.scanned ? index : -1;
    let lo = 0;
    let hi = this.positionCount - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.positions[mid]!;
      if (v === index) return mid;
      if (v < index) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /**
   * The next (direction 1) or previous (-1) view position after `from` whose event is of `kind`
   * (`any` for any event); -1 when there is none. `from` may be -1 (before the first) or `count`.
   */
  navigate(from: number, direction: 1 | -1, kind: string): number {
    const n = this.count;
    for (let pos = from + direction; pos >= 0 && pos < n; pos += direction) {
      if (kind === 'any' || this.index.kindOf(this.indexAt(pos)) === kind) return pos;
    }
    return -1;
  }

  /** For a reasoning event: the first tool call after it in the same step (what it led to). */
  ledTo(i: number): number | undefined {
    if (this.index.kindOf(i) !== 'reasoning') return undefined;
    const step = this.index.stepOf(i);
    const limit = Math.min(this.index.count, i + 50);
    for (let j = i + 1; j < limit; j++) {
      if (this.index.stepOf(j) !== step) return undefined;
      const k = this.index.kindOf(j);
      if (k === 'tool_call') return j;
      if (k === 'message' || k === 'reasoning') return undefined;
    }
    return undefined;
  }

  /** For a tool call: the reasoning event just before it in the same step (what led to it). */
  ledFrom(i: number): number | undefined {
    if (this.index.kindOf(i) !== 'tool_call') return undefined;
    const step = this.index.stepOf(i);
    for (let j = i - 1; j >= 0 && j > i - 50; j--) {
      if (this.index.stepOf(j) !== step) return undefined;
      const k = this.index.kindOf(j);
      if (k === 'reasoning') return this.ledTo(j) === i ? j : undefined;
      if (k === 'message') return undefined;
    }
    return undefined;
  }

  /**
   * The run's steps: one entry per assistant turn (or per tool call when the source has no steps),
   * labelled with the tools it called and marked with its notable events. Long runs are merged down
   * to MAX_OUTLINE_ENTRIES entries.
   */
  outline(): OutlineEntry[] {
    const n = this.index.count;
    const entries = this.outlineEntries;
    for (let i = this.outlineScanned; i < n; i++) {
      const kind = this.index.kindOf(i);
      const step = this.index.stepOf(i) ?? null;
      let last = entries[entries.length - 1];
      const startsEntry = !last || (step !== null ? step !== last.step : kind === 'tool_call' && last.label !== '');
      if (startsEntry) {
        last = { index: i, step, label: '', marks: [] };
        entries.push(last);
      }
      if (kind === 'tool_call') {
        const tool = this.index.toolOf(i) ?? 'tool';
        const tools = last!.label ? last!.label.split(', ') : [];
        if (!tools.includes(tool) && tools.length < 4) last!.label = [...tools, tool].join(', ');
      } else if ((kind === 'config_change' || kind === 'file_change' || kind === 'reasoning') && !last!.marks.includes(kind)) {
        last!.marks.push(kind);
      }
    }
    this.outlineScanned = n;
    if (entries.length <= MAX_OUTLINE_ENTRIES) return entries.map(labelled);
    // Merge neighbours so the outline stays small: keep every k-th entry, carrying marks along.
    const k = Math.ceil(entries.length / MAX_OUTLINE_ENTRIES);
    const merged: OutlineEntry[] = [];
    for (let s = 0; s < entries.length; s += k) {
      const group = entries.slice(s, s + k);
      const first = group[0]!;
      const lastStep = group[group.length - 1]!.step;
      merged.push({
        index: first.index,
        step: first.step,
        label: first.step !== null && lastStep !== null && lastStep !== first.step ? `steps ${first.step}–${lastStep}` : labelled(first).label,
        marks: [...new Set(group.flatMap((g) => g.marks))],
      });
    }
    return merged;
  }
}

function labelled(e: OutlineEntry): OutlineEntry {
  if (e.label) return e;
  return { ...e, label: e.step === null || e.step === 0 ? 'start' : e.marks.includes('reasoning') ? 'reasoning' : 'message' };
}
