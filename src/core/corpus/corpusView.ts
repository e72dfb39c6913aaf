/**
 * The corpus view's model on the host: which runs a filter keeps, the table of those (summarize, the
 * one home of the counting), the values a filter can take, and the runs of one cell with where each
 * opens (its first flag).
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { MONITORED_ARM, type CorpusFilter } from './corpusTable';
import { countedRuns, countedTags, DEFAULT_GROUPING, summarize, type CorpusRun, type Summary, type SummaryOptions } from './summarize';
import { BUILTIN_BEHAVIOURS } from '../behaviours/types';
import { STUDY_CONDITIONS } from '../rerun/common';
import { minOf } from '../arrays';

/** The runs a filter keeps (model, task, condition, subject, arm, reviewed or not). */
export function filterRuns(runs: readonly CorpusRun[], f: CorpusFilter): CorpusRun[] {
  return runs.filter(
    (r) =>
      (f.model === undefined || r.model === f.model) &&
      (f.task === undefined || r.task === f.task) &&
      (f.condition === undefined || r.condition === f.condition) &&
      (f.subject === undefined || r.subject === f.subject) &&
      (f.monitoring === undefined || r.monitoring === f.monitoring) &&
      (f.reviewed === undefined || (f.reviewed === 'reviewed') === !!r.review?.reviewed),
  );
}

/**
 * How the table counts for a filter: cells by model × task × condition, Δ against the study's
 * baselines; or, against the monitored arm, by arm too (`summarize --by model,task,condition,monitoring
 * --baseline monitoring=monitoring`, the same table).
 */
export function summaryOptions(f: CorpusFilter): SummaryOptions {
  return f.against === 'arm' ? { source: f.source, by: [...DEFAULT_GROUPING, 'monitoring'], baseline: { dimension: 'monitoring', value: MONITORED_ARM } } : { source: f.source };
}

/** The table of the runs the filter keeps (summaryOptions says how it counts). */
export function corpusSummary(runs: readonly CorpusRun[], f: CorpusFilter): Summary {
  const s = summarize(filterRuns(runs, f), summaryOptions(f));
  return f.behaviour === undefined ? s : { ...s, rows: s.rows.filter((r) => r.behaviour === f.behaviour) };
}

/** The values each filter can take. */
export interface FilterChoices {
  model: string[];
  task: string[];
  condition: string[];
  subject: string[];
  monitoring: string[];
  behaviour: string[];
}

/** The values each filter can take, sorted (conditions in the study's order). */
export function filterChoices(runs: readonly CorpusRun[]): FilterChoices {
  const sets = { model: new Set<string>(), task: new Set<string>(), condition: new Set<string>(), subject: new Set<string>(), monitoring: new Set<string>(), behaviour: new Set<string>(BUILTIN_BEHAVIOURS) };
  for (const r of runs) {
    if (r.model) sets.model.add(r.model);
    if (r.task) sets.task.add(r.task);
    if (r.condition) sets.condition.add(r.condition);
    if (r.subject) sets.subject.add(r.subject);
    if (r.monitoring) sets.monitoring.add(r.monitoring);
    for (const t of r.tags) sets.behaviour.add(t.behaviour);
    for (const t of r.review?.added ?? []) sets.behaviour.add(String(t.behaviour));
  }
  const rank = (c: string) => (STUDY_CONDITIONS.includes(c) ? STUDY_CONDITIONS.indexOf(c) : STUDY_CONDITIONS.length);
  return {
    model: [...sets.model].sort(),
    task: [...sets.task].sort(),
    condition: [...sets.condition].sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : 1)),
    subject: [...sets.subject].sort(),
    monitoring: [...sets.monitoring].sort(),
    behaviour: [...BUILTIN_BEHAVIOURS, ...[...sets.behaviour].filter((b) => !(BUILTIN_BEHAVIOURS as readonly string[]).includes(b)).sort()],
  };
}

/** One cell of the table (null: the runs do not say; `monitoring` only when the table counts by arm). */
export interface CellKey {
  model: string | null;
  task: string | null;
  condition: string | null;
  monitoring?: string | null;
}

/** A run of a cell, as the runs list shows it. */
export interface CellRun {
  key: string;
  file: string;
  sample?: string;
  model: string | null;
  task: string | null;
  condition: string | null;
  /** Whose shutdown the run is about, and its alignment-faking arm, when it says (a cell may mix them). */
  subject?: string;
  monitoring?: string;
  /** The behaviours it shows (with `source: 'review'`, the merged flags'); undefined: not reviewed. */
  behaviours?: string[];
  /** Where it opens: the first event of its first tag of the behaviour asked about, else of any. */
  firstEvent?: number;
  reviewed: boolean;
}

/**
 * The runs counted in one cell (each once, as the table counts them), those showing `behaviour` first,
 * each with the event it opens at.
 */
export function cellRuns(runs: readonly CorpusRun[], f: CorpusFilter, cell: CellKey, behaviour?: string): CellRun[] {
  const { groups } = countedRuns(filterRuns(runs, f));
  const out: Array<CellRun & { shows: boolean }> = [];
  for (const [run] of groups) {
    const r = run!;
    if ((r.model ?? null) !== cell.model || (r.task ?? null) !== cell.task || (r.condition ?? null) !== cell.condition) continue;
    if (cell.monitoring !== undefined && (r.monitoring ?? null) !== cell.monitoring) continue;
    const tags = countedTags(r, f.source);
    const of = behaviour === undefined ? tags : tags?.filter((t) => t.behaviour === behaviour);
    const first = (of?.length ? of : tags ?? []).flatMap((t) => t.events);
    out.push({
      key: r.key,
      file: r.file,
      ...(r.sample !== undefined ? { sample: r.sample } : {}),
      model: r.model ?? null,
      task: r.task ?? null,
      condition: r.condition ?? null,
      ...(r.subject !== undefined ? { subject: r.subject } : {}),
      ...(r.monitoring !== undefined ? { monitoring: r.monitoring } : {}),
      ...(tags ? { behaviours: [...new Set(tags.map((t) => t.behaviour))] } : {}),
      ...(first.length ? { firstEvent: minOf(first) } : {}),
      reviewed: !!r.review?.reviewed,
      shows: !!of?.length,
    });
  }
  return out.sort((a, b) => Number(b.shows) - Number(a.shows)).map(({ shows: _s, ...r }) => r);
}
