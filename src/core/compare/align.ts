/**
 * Aligns the events of two runs, row by row, so a reader sees where they went different ways.
 *
 * Two passes of the `diff` package's array diff (Myers' algorithm, a longest common subsequence):
 * the first matches events that are the same (same kind, role or tool, arguments and text); between
 * two such anchors, the second pairs the events left over that stand for the same thing in both runs
 * (a tool call to the same tool, a message of the same role in the same step or with similar text) as
 * `changed`. What is left is only in A or only in B. Steps are not part of being the same (a run with
 * one extra step early would otherwise match nothing after it), but they decide pairings of text.
 *
 * Pure module.
 */
import { diffArrays } from 'diff';
import type { TranscriptEvent } from '../model';
import { describeEvent } from '../behaviours';
import { canonicalJson } from '../json/values';
import { eventText, type RowStatus } from './rows';
import { pushAll } from '../arrays';

export { differenceRows, eventText, type RowStatus } from './rows';


/** One event of a row, as the CLI and the view name it. */
export interface RowSide {
  /** The event's index in its run. */
  readonly event: number;
  readonly kind: TranscriptEvent['kind'];
  readonly step?: number;
  /** Role of a message, tool name of a call or result, config key, file operation. */
  readonly what: string;
  readonly snippet: string;
}

/** One aligned row: an event of A, of B, or one of each. */
export interface AlignedRow {
  readonly status: RowStatus;
  readonly a?: RowSide;
  readonly b?: RowSide;
}

/** Where the runs first went another way. */
export interface Divergence {
  /** Index into the aligned rows. */
  readonly row: number;
  /** `action`: a tool call, config or file change differs or is in one run only; `text`: only words differ. */
  readonly by: 'action' | 'text';
  readonly status: RowStatus;
  readonly stepA?: number;
  readonly stepB?: number;
  /** One line saying what differs. */
  readonly summary: string;
}

/** Longer texts are compared by their first characters only when judging similarity. */
const SIMILARITY_CHARS = 4000;
/** Texts sharing at least this share of their words stand for the same message. */
const SIMILAR = 0.3;
/** Beyond this many differences the alignment falls back to event order (two unrelated runs). */
const MAX_EDITS = 4000;
/** Between two anchors, beyond this many unpaired events the rest are one-sided (no more text diffs). */
const MAX_PAIRING_EDITS = 400;

/** What an event is, for sameness: every field a reader would compare, none of its position. */
export function eventKey(e: TranscriptEvent): string {
  switch (e.kind) {
    case 'message':
      return JSON.stringify(['message', e.role, e.name ?? '', e.text]);
    case 'reasoning':
      return JSON.stringify(['reasoning', e.text]);
    case 'tool_call':
      return canonicalJson(['tool_call', e.name, e.arguments]);
    case 'tool_result':
      return JSON.stringify(['tool_result', e.name ?? '', e.output, e.error ?? '']);
    case 'config_change':
      return canonicalJson(['config_change', e.path, e.op, e.key, e.newValue]);
    case 'file_change':
      return JSON.stringify(['file_change', e.op, e.path, e.to ?? '', e.host ?? '', e.toHost ?? '', e.after ?? '']);
    case 'environment':
      return canonicalJson(['environment', e.fact, e.data]);
  }
}

/** What an event stands for, whatever it says: two events with one identity can be a changed row. */
function identity(e: TranscriptEvent): string {
  switch (e.kind) {
    case 'message':
      return `message:${e.role}`;
    case 'reasoning':
      return 'reasoning';
    case 'tool_call':
      return `tool_call:${e.name}`;
    case 'tool_result':
      return `tool_result:${e.name ?? ''}`;
    case 'config_change':
      return `config_change:${e.path}:${e.key}`;
    case 'file_change':
      return `file_change:${e.path}`;
    case 'environment':
      return `environment:${e.fact}`;
  }
}

/**
 * Share (0..1) of two texts' words they have in common (each word counted as often as both have it).
 * Not a word diff: the pairing asks about many pairs, and a diff of two long unrelated texts costs
 * seconds over a run; order is the row's inline diff's business once the pair is made.
 */
export function similarity(a: string, b: string): number {
  if (a === b) return 1;
  const x = a.slice(0, SIMILARITY_CHARS).split(/\s+/).filter(Boolean);
  const y = b.slice(0, SIMILARITY_CHARS).split(/\s+/).filter(Boolean);
  if (!x.length || !y.length) return 0;
  const counts = new Map<string, number>();
  for (const w of x) counts.set(w, (counts.get(w) ?? 0) + 1);
  let common = 0;
  for (const w of y) {
    const n = counts.get(w) ?? 0;
    if (n > 0) {
      common++;
      counts.set(w, n - 1);
    }
  }
  return (2 * common) / (x.length + y.length);
}

function pairable(a: TranscriptEvent, b: TranscriptEvent): boolean {
  if (identity(a) !== identity(b)) return false;
  // Actions of one tool, one config key or one file stand for the same thing wherever they are.
  if (a.kind !== 'message' && a.kind !== 'reasoning' && a.kind !== 'tool_result') return true;
  if (a.step !== undefined && a.step === b.step) return true;
  return similarity(eventText(a), eventText(b)) >= SIMILAR;
}

function side(e: TranscriptEvent): RowSide {
  const d = describeEvent(e);
  const what =
    e.kind === 'message' ? e.role : e.kind === 'tool_call' || e.kind === 'tool_result' ? (e.name ?? '') : e.kind === 'config_change' ? e.key : e.kind === 'file_change' ? e.op : e.kind === 'reasoning' ? e.via : '';
  return { event: e.index, kind: e.kind, ...(e.step !== undefined ? { step: e.step } : {}), what, snippet: d.snippet };
}

/** Aligns the events of run A with those of run B (see the module comment). */
export function alignEvents(a: readonly TranscriptEvent[], b: readonly TranscriptEvent[]): AlignedRow[] {
  const rows: AlignedRow[] = [];
  const keysA = a.map(eventKey);
  const keysB = b.map(eventKey);
  const ia = a.map((_, i) => i);
  const ib = b.map((_, i) => i);
  const first = diffArrays(ia, ib, { comparator: (x: number, y: number) => keysA[x] === keysB[y], maxEditLength: MAX_EDITS });
  if (!first) {
    // Too different to align by content: pair by position, so the view still shows both.
    for (let i = 0; i < Math.max(a.length, b.length); i++) pushAll(rows, leftovers(a, b, i < a.length ? [i] : [], i < b.length ? [i] : []));
    return rows;
  }
  let removed: number[] = [];
  let added: number[] = [];
  const flush = () => {
    pushAll(rows, leftovers(a, b, removed, added));
    removed = [];
    added = [];
  };
  let pa = 0;
  let pb = 0;
  for (const part of first) {
    if (part.removed) {
      pushAll(removed, part.value);
      pa += part.value.length;
    } else if (part.added) {
      pushAll(added, part.value);
      pb += part.value.length;
    } else {
      flush();
      // A common part's `value` holds B's items (the package keeps the new side): count from both.
      for (let k = 0; k < part.value.length; k++) rows.push({ status: 'same', a: side(a[pa + k]!), b: side(b[pb + k]!) });
      pa += part.value.length;
      pb += part.value.length;
    }
  }
  flush();
  return rows;
}

/** Rows for the events between two anchors: pairs that stand for the same thing, then the rest. */
function leftovers(a: readonly TranscriptEvent[], b: readonly TranscriptEvent[], removed: number[], added: number[]): AlignedRow[] {
  if (!removed.length) return added.map((j) => ({ status: 'only-b', b: side(b[j]!) }));
  if (!added.length) return removed.map((i) => ({ status: 'only-a', a: side(a[i]!) }));
  const out: AlignedRow[] = [];
  // The diff asks about one pair many times, and a text pair costs a word diff: remember the answers.
  const known = new Map<number, boolean>();
  const comparator = (x: number, y: number): boolean => {
    const k = x * b.length + y;
    let v = known.get(k);
    if (v === undefined) known.set(k, (v = pairable(a[x]!, b[y]!)));
    return v;
  };
  const second = diffArrays(removed, added, { comparator, maxEditLength: MAX_PAIRING_EDITS });
  if (!second) {
    for (const i of removed) out.push({ status: 'only-a', a: side(a[i]!) });
    for (const j of added) out.push({ status: 'only-b', b: side(b[j]!) });
    return out;
  }
  let pa = 0;
  let pb = 0;
  for (const part of second) {
    if (part.removed) {
      for (const i of part.value) out.push({ status: 'only-a', a: side(a[i]!) });
      pa += part.value.length;
    } else if (part.added) {
      for (const j of part.value) out.push({ status: 'only-b', b: side(b[j]!) });
      pb += part.value.length;
    } else {
      for (let k = 0; k < part.value.length; k++) out.push({ status: 'changed', a: side(a[removed[pa + k]!]!), b: side(b[added[pb + k]!]!) });
      pa += part.value.length;
      pb += part.value.length;
    }
  }
  return out;
}

const ACTION_KINDS = new Set<TranscriptEvent['kind']>(['tool_call', 'config_change', 'file_change']);

/**
 * The first row where the runs did something different (a tool call, config change or file change
 * that differs or is in one run only); failing that, the first row whose words differ; null when the
 * rows are all the same.
 */
export function firstDivergence(rows: readonly AlignedRow[]): Divergence | null {
  const isAction = (r: AlignedRow) => r.status !== 'same' && [r.a, r.b].some((s) => s !== undefined && ACTION_KINDS.has(s.kind));
  let row = rows.findIndex(isAction);
  let by: Divergence['by'] = 'action';
  if (row < 0) {
    row = rows.findIndex((r) => r.status !== 'same');
    by = 'text';
  }
  if (row < 0) return null;
  const r = rows[row]!;
  return {
    row,
    by,
    status: r.status,
    ...(r.a?.step !== undefined ? { stepA: r.a.step } : {}),
    ...(r.b?.step !== undefined ? { stepB: r.b.step } : {}),
    summary: rowSummary(r),
  };
}

/** One line for a row: what each side holds. */
export function rowSummary(r: AlignedRow): string {
  const name = (s: RowSide) => `${s.step !== undefined ? `step ${s.step} ` : ''}${s.kind.replace('_', ' ')}${s.what ? ` ${s.what}` : ''}: ${s.snippet}`;
  switch (r.status) {
    case 'only-a':
      return `only in A: ${name(r.a!)}`;
    case 'only-b':
      return `only in B: ${name(r.b!)}`;
    default:
      return `A ${name(r.a!)} | B ${name(r.b!)}`;
  }
}
