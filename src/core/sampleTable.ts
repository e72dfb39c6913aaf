/**
 * The sample list of a log of many samples as a table: each sample's flags (how many events an open
 * tag cites, and which behaviours) beside its scores; sorting by id, flags or a score; filtering by
 * behaviour, score and flagged / unflagged; stepping to the next flagged sample; and the list as CSV.
 * The webview's sample list (src/webview/samples.ts) and the host (Next Flagged Sample, Export CSV)
 * both use it.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { csvField } from './corpus/summaryTable';
import { flaggedEvents } from './review/merge';

/** A sample's flags: the flagged events (count, the first one) and the behaviours of the tags on them. */
export interface SampleFlags {
  count: number;
  /** The first flagged event (where Next Flagged Sample opens the sample). */
  first?: number;
  /** Behaviours of the open tags, sorted, each once. */
  behaviours: string[];
}

/** The flags of a run from its tags (detected, or merged with a review: dismissed tags do not flag). */
export function sampleFlags(tags: readonly { behaviour: string; events: readonly number[]; verdict?: string }[]): SampleFlags {
  const flagged = flaggedEvents(tags);
  const behaviours = [...new Set(flagged.flatMap((f) => f.tags.map((t) => String(t.behaviour))))].sort();
  return { count: flagged.length, ...(flagged.length ? { first: flagged[0]!.event } : {}), behaviours };
}

/** What the table needs of a row (protocol SampleRow has more). */
export interface TableRow {
  key: string;
  id: string;
  epoch: number;
  input?: string;
  scores: Readonly<Record<string, string>>;
  /** Absent while the sample is not tagged yet (or cannot be). */
  flags?: SampleFlags;
}

/** `id`, `flags`, or `score:<scorer name>`. */
export type SortColumn = 'id' | 'flags' | `score:${string}`;

export interface SortOrder {
  column: SortColumn;
  descending: boolean;
}

export interface TableFilter {
  /** Id or input contains this (case-insensitive). */
  text?: string;
  /** Only samples with a flag of this behaviour. */
  behaviour?: string;
  /** Only samples with this score (`name` → shown value). */
  score?: { name: string; value: string };
  /** Only flagged (true) or unflagged (false) samples; samples not tagged yet match neither. */
  flagged?: boolean;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** A score as a number when it reads as one (`0.8`, `1`), else undefined (`C`, `I`). */
function numeric(v: string | undefined): number | undefined {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** Compares two score values: numbers by value, before words; words in natural order. */
function compareScores(a: string | undefined, b: string | undefined): number {
  if (a === undefined || b === undefined) return a === b ? 0 : a === undefined ? 1 : -1;
  const x = numeric(a);
  const y = numeric(b);
  if (x !== undefined && y !== undefined) return x - y;
  if (x !== undefined || y !== undefined) return x !== undefined ? -1 : 1;
  return collator.compare(a, b);
}

/**
 * `rows` sorted by `order` (a stable sort: equal rows keep the log's order). Ids in natural order
 * (`s2` before `s10`), then epoch; flags by count; scores numerically when numbers. Rows without the
 * value (not tagged yet, no such score) go last whichever the direction.
 */
export function sortRows<T extends TableRow>(rows: readonly T[], order: SortOrder): T[] {
  const sign = order.descending ? -1 : 1;
  const compare = (a: T, b: T): number => {
    if (order.column === 'id') return sign * (collator.compare(a.id, b.id) || a.epoch - b.epoch);
    if (order.column === 'flags') {
      if (!a.flags || !b.flags) return a.flags === b.flags ? 0 : a.flags ? -1 : 1;
      return sign * (a.flags.count - b.flags.count);
    }
    const name = order.column.slice('score:'.length);
    const x = a.scores[name];
    const y = b.scores[name];
    if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
    return sign * compareScores(x, y);
  };
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => compare(a.r, b.r) || a.i - b.i)
    .map((x) => x.r);
}

/** The rows `filter` keeps, in their order. */
export function filterRows<T extends TableRow>(rows: readonly T[], filter: TableFilter): T[] {
  const text = filter.text?.trim().toLowerCase();
  return rows.filter((r) => {
    if (text && !r.id.toLowerCase().includes(text) && !(r.input ?? '').toLowerCase().includes(text)) return false;
    if (filter.behaviour !== undefined && !r.flags?.behaviours.includes(filter.behaviour)) return false;
    if (filter.score && r.scores[filter.score.name] !== filter.score.value) return false;
    if (filter.flagged !== undefined && (!r.flags || r.flags.count > 0 !== filter.flagged)) return false;
    return true;
  });
}

/** The scorer names of `rows` (the score columns), in the order first seen. */
export function scoreNames(rows: readonly TableRow[]): string[] {
  const names = new Set<string>();
  for (const r of rows) for (const n of Object.keys(r.scores)) names.add(n);
  return [...names];
}

/** Every behaviour flagged in some row, sorted. */
export function flaggedBehaviours(rows: readonly TableRow[]): string[] {
  return [...new Set(rows.flatMap((r) => r.flags?.behaviours ?? []))].sort();
}

/** Every (scorer, value) pair of `rows`, by scorer then value (the score filter's choices). */
export function scoreValues(rows: readonly TableRow[]): Array<{ name: string; value: string }> {
  const out: Array<{ name: string; value: string }> = [];
  for (const name of scoreNames(rows)) {
    const values = [...new Set(rows.map((r) => r.scores[name]).filter((v): v is string => v !== undefined))].sort(compareScores);
    for (const value of values) out.push({ name, value });
  }
  return out;
}

/**
 * The sample after (direction 1) or before (-1) `current` in `order` (sample keys as listed) that has
 * a flag; from no current sample, the first (last) flagged one. Undefined when there is none that way.
 */
export function nextFlagged(order: readonly string[], flags: ReadonlyMap<string, SampleFlags>, current: string | undefined, direction: 1 | -1): string | undefined {
  const at = current === undefined ? -1 : order.indexOf(current);
  const start = at < 0 ? (direction > 0 ? 0 : order.length - 1) : at + direction;
  for (let i = start; i >= 0 && i < order.length; i += direction) {
    const key = order[i]!;
    if ((flags.get(key)?.count ?? 0) > 0) return key;
  }
  return undefined;
}

/**
 * The rows as CSV: sample, epoch, one column per scorer, flag count, behaviours (`;`-separated).
 * A row not tagged yet has empty flag cells. Fields from the log are disarmed against spreadsheet
 * formulas (csvField).
 */
export function samplesCsv(rows: readonly TableRow[]): string {
  const scores = scoreNames(rows);
  const lines = [['sample', 'epoch', ...scores, 'flags', 'behaviours'].map(csvField).join(',')];
  for (const r of rows) {
    lines.push([r.id, r.epoch, ...scores.map((n) => r.scores[n]), r.flags?.count, r.flags?.behaviours.join(';')].map(csvField).join(','));
  }
  return lines.join('\r\n') + '\r\n';
}
