/**
 * The corpus table: for each cell (model × task × condition by default) the number of runs and, per
 * behaviour, how many runs show it, the rate with its 95% Wilson interval, and Δ against the baseline
 * condition of the same model and task. `peerwatch summarize` prints it; the corpus view shows it.
 *
 * Counting rules (docs/corpus.md):
 * - a run counts once per behaviour, however many tags of it the run has;
 * - a follow-up session (the original run replayed, then a human's questions) is not a run of its own;
 * - a run that could not be read whole (a truncated file) is not counted: what it did after the
 *   damage is unknown, so it would count as not showing a behaviour it may show; it is reported apart;
 * - a run held in two formats (a study `.json` and its `peerwatch convert` run log) counts once
 *   (sameRuns, the one rule the folder view uses too), and so does an Inspect log kept as `.eval` and
 *   as `.json` (its samples have the same eval id: `runId`);
 * - with `source: 'review'`, a run counts only once a reviewer marked it reviewed, and its tags are
 *   the merged ones (confirmed and unjudged kept, dismissed dropped, added counted: mergeReview and
 *   activeFlags, as the editor shows them); the other runs are reported apart (`unreviewed`);
 * - with `source: 'judge'`, a run counts once the judge has read it (its latest answer's tags, a
 *   reviewer's dismissals dropped); the runs it has not read are reported apart (`unreviewed`).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { BUILTIN_BEHAVIOURS, type Tag } from '../behaviours/types';
import { sameRuns } from '../formats/readRun';
import { STUDY_CONDITIONS } from '../rerun/common';
import { activeFlags, mergeReview } from '../review/merge';
import type { Review } from '../review/sidecar';
import type { RunlogSource } from '../runlog/runlog';
import type { IndexedTag } from './corpusIndex';
import type { RunFields } from './runFields';
import type { SourceVerdict } from './sourceVerdicts';
import { wilsonInterval } from './wilson';

/** What a cell may be grouped by. */
export const GROUP_DIMENSIONS = ['model', 'task', 'condition', 'subject', 'monitoring', 'dataset', 'format'] as const;
export type GroupDimension = (typeof GROUP_DIMENSIONS)[number];
export const DEFAULT_GROUPING: readonly GroupDimension[] = ['model', 'task', 'condition'];

/** Where a run's behaviours come from: the detectors' tags, or reviewers' judgements on them. */
export const SUMMARY_SOURCES = ['detectors', 'review', 'judge'] as const;
export type SummarySource = (typeof SUMMARY_SOURCES)[number];

/**
 * The study's baselines, in the order they are looked for when `--baseline` is not given:
 * misrepresentation against the run with no shutdown at stake (the paper reports it as the rate minus
 * `non_shutdown`), every other behaviour against the run with no peer (`no_peer`).
 */
export function defaultBaselines(behaviour: string): readonly string[] {
  return behaviour === 'misrepresentation' ? ['non_shutdown', 'no_peer'] : ['no_peer', 'non_shutdown'];
}

/** One run, as the corpus knows it (from the index, or tagged just now). */
export interface CorpusRun extends RunFields {
  /** Names the run: its file's path, with `#<sample key>` for a sample of a log. */
  key: string;
  /** The file that holds the run. */
  file: string;
  /** The sample's key (`id#epoch`) in a log of many samples. */
  sample?: string;
  /** The run's identity as its source gives it (an Inspect eval's id and the sample's key): runs with one id count once. */
  runId?: string;
  tags: readonly IndexedTag[];
  eventCount: number;
  sha256?: string;
  convertedFrom?: RunlogSource;
  /** Problems reading it (it is then not counted). */
  problems?: readonly string[];
  /** The run's review sidecar, when it has one (used with `source: 'review'`). */
  review?: Review;
  /** The source's own verdicts per behaviour (its evaluation, scores or classifier). */
  verdicts?: readonly SourceVerdict[];
  /** The judge's tags, when the judge has read the run (its latest answer). */
  judge?: readonly IndexedTag[];
}

export interface SummaryOptions {
  by?: readonly GroupDimension[];
  source?: SummarySource;
  /**
   * Δ against this condition instead of the study's baselines; or against the cell that differs only
   * in another dimension of `by` (`{dimension: 'monitoring', value: 'monitoring'}`: each arm of
   * alignment faking against the monitored one, the study's measure).
   */
  baseline?: string | { dimension: GroupDimension; value: string };
}

/** One row: a cell and a behaviour. Grouping fields are present for each dimension grouped by (null: the runs do not say). */
export interface SummaryRow {
  model?: string | null;
  task?: string | null;
  condition?: string | null;
  subject?: string | null;
  monitoring?: string | null;
  dataset?: string | null;
  format?: string | null;
  /** When grouped by model: how the cell's runs spelled the model (with provider prefixes), sorted. */
  modelNames?: string[];
  behaviour: string;
  /** Runs in the cell (with `source: 'review'`, the reviewed ones). */
  runs: number;
  /** Runs in the cell that show the behaviour. */
  count: number;
  /** count / runs; null when the cell has no run counted. */
  rate: number | null;
  ciLow: number | null;
  ciHigh: number | null;
  /** The condition Δ is taken against, or the value along the baseline's dimension (null: no baseline cell for this model and task). */
  baseline: string | null;
  baselineRate: number | null;
  /** rate − baselineRate. */
  delta: number | null;
  /** With `source: 'review'`: runs of the cell not reviewed (not counted in `runs`). */
  unreviewed?: number;
}

export interface Summary {
  by: GroupDimension[];
  source: SummarySource;
  rows: SummaryRow[];
  /** Runs counted (reviewed ones, with `source: 'review'`). */
  runs: number;
  /** Follow-up sessions found and not counted. */
  followups: number;
  /** Runs found a second time in another format (a converted run log) and not counted again. */
  duplicates: number;
  /** Runs that could not be read whole, not counted. */
  damaged: number;
  /** With `source: 'review'`: runs not (yet) marked reviewed. */
  unreviewed?: number;
  /** The dimension Δ is taken along when not the condition (a `--baseline monitoring=monitoring`). */
  baselineDimension?: GroupDimension;
  /**
   * Cells holding runs of both subjects (self- and peer-preservation), when `by` does not name
   * `subject`: their rates mix what the study reports apart. Absent when none does.
   */
  mixedSubjects?: number;
  /**
   * Cells holding both arms of alignment faking (`monitoring` and `non_monitoring`), when `by` does
   * not name `monitoring`: the study's measure is the difference between the arms, which a rate over
   * both hides. Absent when none does.
   */
  mixedArms?: number;
}

/** What a cell keeps apart only when `by` names it, and the field of Summary that counts cells mixing it. */
const KEPT_APART = [
  ['subject', 'mixedSubjects'],
  ['monitoring', 'mixedArms'],
] as const;

/** A cell's `seen` value once its runs name two (a symbol: no run's value can be it). */
const MIXED = Symbol('mixed');

interface Cell {
  values: Array<string | null>;
  /** The model's spellings in the cell's runs. */
  modelNames: Set<string>;
  runs: number;
  unreviewed: number;
  counts: Map<string, number>;
  /** Each behaviour's last run counted (the cell's run total then). */
  counted: Map<string, number>;
  /** For `subject` and `monitoring` when not grouped by: the value of its first run that names one; MIXED once another run names another. */
  seen: { subject?: string | typeof MIXED; monitoring?: string | typeof MIXED };
}

/** The index's tags as tags to merge with a review (the index keeps no explanation or detector name). */
export function indexedAsTags(tags: readonly IndexedTag[]): Tag[] {
  return tags.map((t) => ({ ...t, explanation: '', detector: '' }) as Tag);
}

/**
 * The tags a run counts with: its detected tags; with `source: 'judge'` the judge's tags not dismissed
 * (undefined for a run the judge has not read); with `source: 'review'` its merged flags (confirmed and
 * unjudged kept, dismissed dropped, added counted), undefined for a run not reviewed.
 */
export function countedTags(run: CorpusRun, source: SummarySource): ReadonlyArray<Pick<IndexedTag, 'behaviour' | 'events'>> | undefined {
  if (source === 'detectors') return run.tags;
  if (source === 'judge') return run.judge?.filter((t) => run.review?.verdicts[t.id]?.verdict !== 'dismissed');
  if (!run.review?.reviewed) return undefined;
  return activeFlags(mergeReview(indexedAsTags(run.tags), run.review, run.eventCount).tags).map((t) => ({ behaviour: String(t.behaviour), events: t.events }));
}

/** Sorts conditions the study's way (good, neutral, bad, no peer, no shutdown), then by name; unknown last. */
function compareValues(dim: GroupDimension, a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (dim === 'condition') {
    const ia = STUDY_CONDITIONS.indexOf(a);
    const ib = STUDY_CONDITIONS.indexOf(b);
    if (ia >= 0 || ib >= 0) return (ia < 0 ? Infinity : ia) - (ib < 0 ? Infinity : ib);
  }
  return a < b ? -1 : 1;
}

/** The order runs are counted and listed in: by key (file path, then sample), as code units compare. */
export function byRunKey(a: Pick<CorpusRun, 'key'>, b: Pick<CorpusRun, 'key'>): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * The runs that count, each once: follow-up sessions, runs not read whole and second copies of a run
 * (another format, the same Inspect sample) left out, in key order so the copy kept does not depend on
 * the order files were read in. Each kept run with its other copies.
 */
export function countedRuns<R extends CorpusRun>(runs: readonly R[]): { groups: R[][]; followups: number; damaged: number; duplicates: number } {
  let followups = 0;
  let damaged = 0;
  let duplicates = 0;
  const ids = new Set<string>();
  const counted = [...runs]
    .sort(byRunKey)
    .filter((r) => {
      if (r.followup) followups++;
      else if (r.problems?.length) damaged++;
      else if (r.runId !== undefined && ids.has(r.runId)) duplicates++;
      else {
        if (r.runId !== undefined) ids.add(r.runId);
        return true;
      }
      return false;
    });
  const groups = sameRuns(counted);
  duplicates += counted.length - groups.length;
  return { groups, followups, damaged, duplicates };
}

/** Where a cell sits in summarize's lookup, below its last dimension's value. */
const CELL = Symbol('cell');

/** The corpus table of `runs`. */
export function summarize(runs: readonly CorpusRun[], opts: SummaryOptions = {}): Summary {
  const by = [...(opts.by ?? DEFAULT_GROUPING)];
  const source = opts.source ?? 'detectors';
  const { groups, followups, damaged, duplicates } = countedRuns(runs);

  const cells: Cell[] = [];
  // A cell is found through one map per dimension, without building a key for each run: at the
  // study's 223,000 runs, a string per run was a good part of every count (the corpus view counts
  // again on each filter change).
  const lookup = new Map<unknown, unknown>();
  /** The cell of `values` (one per dimension); made when `make` and not there yet. */
  const cellAt = (values: ReadonlyArray<string | null>, make: boolean): Cell | undefined => {
    let node = lookup;
    for (const v of values) {
      let next = node.get(v) as Map<unknown, unknown> | undefined;
      if (!next) {
        if (!make) return undefined;
        node.set(v, (next = new Map()));
      }
      node = next;
    }
    let cell = node.get(CELL) as Cell | undefined;
    if (!cell && make) {
      cells.push((cell = { values: [...values], modelNames: new Set(), runs: 0, unreviewed: 0, counts: new Map(), counted: new Map(), seen: {} }));
      node.set(CELL, cell);
    }
    return cell;
  };
  const runValues: Array<string | null> = by.map(() => null);
  const unsplit = KEPT_APART.filter(([d]) => !by.includes(d));
  const behaviours = new Set<string>(BUILTIN_BEHAVIOURS);
  let total = 0;
  let unreviewed = 0;
  for (const [run] of groups) {
    by.forEach((d, i) => (runValues[i] = (run![d] as string | undefined) ?? null));
    const cell = cellAt(runValues, true)!;
    if (run!.model !== undefined) cell.modelNames.add(run!.modelRaw ?? run!.model);
    const tags = countedTags(run!, source);
    if (!tags) {
      cell.unreviewed++;
      unreviewed++;
      continue;
    }
    // Only runs counted mix a cell's rates (a cell's unreviewed self runs do not, with --source review).
    for (const [d] of unsplit) {
      const v = run![d];
      if (v !== undefined && cell.seen[d] !== v) cell.seen[d] = cell.seen[d] === undefined ? v : MIXED;
    }
    cell.runs++;
    total++;
    // A run counts once per behaviour: `counted` holds the last run each behaviour was counted for.
    for (const t of tags) {
      const b = t.behaviour;
      if (cell.counted.get(b) === total) continue;
      cell.counted.set(b, total);
      behaviours.add(b);
      cell.counts.set(b, (cell.counts.get(b) ?? 0) + 1);
    }
  }

  const order = [...BUILTIN_BEHAVIOURS, ...[...behaviours].filter((b) => !(BUILTIN_BEHAVIOURS as readonly string[]).includes(b)).sort()];
  const sorted = cells.sort((a, b) => {
    for (let i = 0; i < by.length; i++) {
      const c = compareValues(by[i]!, a.values[i]!, b.values[i]!);
      if (c) return c;
    }
    return 0;
  });
  const against = typeof opts.baseline === 'object' ? opts.baseline : undefined;
  /** The dimension Δ is taken along: condition, unless the baseline names another. */
  const ci = by.indexOf(against?.dimension ?? 'condition');
  const rateOf = (cell: Cell, b: string) => (cell.runs > 0 ? (cell.counts.get(b) ?? 0) / cell.runs : null);
  /** The cell with the same values but `value` along the baseline's dimension. */
  const sibling = (cell: Cell, value: string): Cell | undefined => {
    const values = [...cell.values];
    values[ci] = value;
    return cellAt(values, false);
  };

  const rows: SummaryRow[] = [];
  for (const cell of sorted) {
    for (const b of order) {
      const count = cell.counts.get(b) ?? 0;
      const rate = rateOf(cell, b);
      const interval = wilsonInterval(count, cell.runs);
      let baseline: string | null = null;
      let baselineRate: number | null = null;
      if (ci >= 0) {
        for (const c of against ? [against.value] : typeof opts.baseline === 'string' ? [opts.baseline] : defaultBaselines(b)) {
          const base = sibling(cell, c);
          const r = base ? rateOf(base, b) : null;
          if (r !== null) {
            baseline = c;
            baselineRate = r;
            break;
          }
        }
      }
      const row: SummaryRow = {} as SummaryRow;
      by.forEach((d, i) => (row[d] = cell.values[i]!));
      if (by.includes('model')) row.modelNames = [...cell.modelNames].sort();
      Object.assign(row, {
        behaviour: b,
        runs: cell.runs,
        count,
        rate,
        ciLow: interval?.low ?? null,
        ciHigh: interval?.high ?? null,
        baseline,
        baselineRate,
        delta: rate !== null && baselineRate !== null ? rate - baselineRate : null,
        ...(source !== 'detectors' ? { unreviewed: cell.unreviewed } : {}),
      });
      rows.push(row);
    }
  }
  const summary: Summary = { by, source, rows, runs: total, followups, duplicates, damaged, ...(source !== 'detectors' ? { unreviewed } : {}), ...(against ? { baselineDimension: against.dimension } : {}) };
  for (const [d, field] of unsplit) {
    const mixed = cells.filter((c) => c.seen[d] === MIXED).length;
    if (mixed) summary[field] = mixed;
  }
  return summary;
}
