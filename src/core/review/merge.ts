/**
 * Detected tags and a reviewer's judgements, merged into what the sidebar, the editor's badges, the
 * flag navigation and the explorer show.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Qualifier, Tag } from '../behaviours/types';
import type { ManualTag, Review, Verdict } from './sidecar';

/** A tag as a reviewer sees it: where it came from and the verdict on it. */
export interface ReviewedTag extends Tag {
  origin: 'detected' | 'manual';
  verdict?: 'confirmed' | 'dismissed';
  /** Who judged it and when (the verdict's, or for a manual tag with no verdict, who added it). */
  by?: string;
  at?: string;
  /** The reviewer's note (a manual tag's note, or a verdict's). */
  note?: string;
}

export interface MergedTags {
  /** Detected and manual tags, sorted by first event (detected first on a tie). */
  tags: ReviewedTag[];
  /**
   * Verdicts on tag ids the detectors no longer produce (the rules or the detectors changed since
   * the review): kept in the sidecar, reported so nothing is lost silently.
   */
  orphans: Array<{ id: string } & Verdict>;
}

export function manualToTag(m: ManualTag): Tag {
  return {
    id: m.id,
    behaviour: m.behaviour,
    qualifier: m.qualifier as Qualifier,
    events: [...m.events],
    explanation: m.note ? `Added by ${m.by}: ${m.note}` : `Added by ${m.by}.`,
    detector: 'manual',
  };
}

/** Merges `detected` (as detectBehaviours returned them) with `review`. */
export function mergeReview(detected: readonly Tag[], review: Review, eventCount = Infinity): MergedTags {
  const tags: ReviewedTag[] = [];
  const known = new Set<string>();
  for (const t of detected) {
    known.add(t.id);
    const v = review.verdicts[t.id];
    const out: ReviewedTag = { ...t, origin: 'detected' };
    if (v) {
      out.verdict = v.verdict;
      out.by = v.by;
      out.at = v.at;
      if (v.note) out.note = v.note;
    }
    tags.push(out);
  }
  for (const m of review.added) {
    known.add(m.id);
    const events = m.events.filter((e) => e < eventCount);
    if (events.length === 0) continue; // a live log that has not reached the event yet
    const v = review.verdicts[m.id];
    const out: ReviewedTag = { ...manualToTag(m), events, origin: 'manual', by: v?.by ?? m.by, at: v?.at ?? m.at };
    if (m.note) out.note = m.note;
    if (v) out.verdict = v.verdict;
    tags.push(out);
  }
  tags.sort((a, b) => a.events[0]! - b.events[0]! || (a.origin === b.origin ? 0 : a.origin === 'detected' ? -1 : 1));
  const orphans = Object.entries(review.verdicts)
    .filter(([id]) => !known.has(id))
    .map(([id, v]) => ({ id, ...v }));
  return { tags, orphans };
}

/** Tags that count as flags: everything not dismissed. */
export function activeFlags<T extends { verdict?: string }>(tags: readonly T[]): T[] {
  return tags.filter((t) => t.verdict !== 'dismissed');
}

/**
 * An event that at least one tag not dismissed cites. This is what "a flag" means everywhere: the
 * editor's "N flags", the events F8 steps through ("Flag 2 of N") and the rows with an open tag
 * badge are the same set. A tag citing three events makes three flags; two tags citing one event
 * make one (the Behaviours view counts tags, and says on how many events they fall).
 */
export interface FlaggedEvent<T> {
  event: number;
  /** The tags (not dismissed) that cite it, in the order given. */
  tags: T[];
}

/** The flagged events of `tags`, by event index. */
export function flaggedEvents<T extends { events: readonly number[]; verdict?: string }>(tags: readonly T[]): FlaggedEvent<T>[] {
  const byEvent = new Map<number, T[]>();
  for (const t of activeFlags(tags)) {
    for (const e of new Set(t.events)) {
      const on = byEvent.get(e);
      if (on) on.push(t);
      else byEvent.set(e, [t]);
    }
  }
  return [...byEvent].sort((a, b) => a[0] - b[0]).map(([event, on]) => ({ event, tags: on }));
}

/**
 * Where F8 (1) or Shift+F8 (-1) goes from the focused event: the position in `flagged` (sorted by
 * event) of the next or previous flagged event, wrapping around; from nothing focused, the first
 * or the last.
 */
export function stepFlaggedEvent(flagged: ReadonlyArray<{ event: number }>, focused: number | undefined, direction: 1 | -1): number | undefined {
  const n = flagged.length;
  if (n === 0) return undefined;
  if (focused === undefined) return direction === 1 ? 0 : n - 1;
  if (direction === 1) {
    const i = flagged.findIndex((f) => f.event > focused);
    return i >= 0 ? i : 0;
  }
  for (let i = n - 1; i >= 0; i--) if (flagged[i]!.event < focused) return i;
  return n - 1;
}

/** The position of `event` in `flagged` (the status bar's "Flag k of N"), if it is flagged. */
export function flaggedEventAt(flagged: ReadonlyArray<{ event: number }>, event: number | undefined): number | undefined {
  if (event === undefined) return undefined;
  const i = flagged.findIndex((f) => f.event === event);
  return i >= 0 ? i : undefined;
}
