/**
 * The corpus view's table and chart, from the rows of the corpus table (summarize.ts, the one home of
 * the counting): per behaviour, one line per model (and task) and one column per condition, each cell
 * a row of the summary (rate, 95% interval, Δ). Also the view's filter, and the words a cell is read
 * out with.
 *
 * Pure module, types only from summarize.ts: the corpus webview bundles it without zod.
 */
import type { SummaryRow, SummarySource } from './summarize';
import { pct, signedPct } from './summaryTable';

/** What the corpus view shows: runs of one model, task, condition (undefined: all), reviewed or not; one behaviour or all; whose tags. */
export interface CorpusFilter {
  model?: string;
  task?: string;
  condition?: string;
  /** Whose shutdown the runs are about: `self` or `peer` (the study reports the two apart). */
  subject?: string;
  /** The alignment-faking arm: `monitoring` or `non_monitoring`. */
  monitoring?: string;
  behaviour?: string;
  reviewed?: 'reviewed' | 'unreviewed';
  source: SummarySource;
  /**
   * What Δ is taken against: the study's baselines (absent), or `arm`: each alignment-faking arm
   * against the monitored one of the same model, task and condition (the table then has a column per
   * condition and arm), the study's measure of alignment faking.
   */
  against?: 'arm';
}

/** The arm Δ is taken against when `against` is `arm`. */
export const MONITORED_ARM = 'monitoring';

/** A column of a behaviour's table: a condition, and an arm when the rows are counted by arm (null: the runs do not say). */
export interface PivotColumn {
  condition: string | null;
  monitoring?: string | null;
}

/** A column's heading: `good_peer`, `good_peer · non_monitoring` (`?` for what the runs do not say). */
export function columnLabel(c: PivotColumn): string {
  return `${c.condition ?? '?'}${c.monitoring !== undefined && c.monitoring !== null ? ` · ${c.monitoring}` : ''}`;
}

/** One behaviour's table: lines (model × task) by conditions (and arms). */
export interface PivotTable {
  behaviour: string;
  /** The columns in order. */
  columns: PivotColumn[];
  lines: Array<{ model: string | null; task: string | null; cells: Array<SummaryRow | undefined> }>;
}

/** The order of the arms within a condition: the monitored arm (the baseline) first, then by name, then runs that name none. */
const ARM_ORDER = [MONITORED_ARM];

/**
 * The rows as one table per behaviour (only `behaviour`'s when given): lines in the rows' order,
 * columns in `conditionOrder`'s (the study's: good, neutral, bad peer, no peer, no shutdown), then
 * others by name, then runs that name none; when the rows are counted by arm (they have a
 * `monitoring` field), a column per condition and arm, the monitored arm first.
 */
export function pivotTables(rows: readonly SummaryRow[], behaviour?: string, conditionOrder: readonly string[] = []): PivotTable[] {
  const tables = new Map<string, { columns: Map<string, PivotColumn>; lines: Map<string, { model: string | null; task: string | null; byColumn: Map<string, SummaryRow> }> }>();
  for (const r of rows) {
    if (behaviour !== undefined && r.behaviour !== behaviour) continue;
    let t = tables.get(r.behaviour);
    if (!t) tables.set(r.behaviour, (t = { columns: new Map(), lines: new Map() }));
    const column: PivotColumn = { condition: r.condition ?? null, ...(r.monitoring !== undefined ? { monitoring: r.monitoring } : {}) };
    const ck = JSON.stringify([column.condition, column.monitoring]);
    if (!t.columns.has(ck)) t.columns.set(ck, column);
    const model = r.model ?? null;
    const task = r.task ?? null;
    const key = JSON.stringify([model, task]);
    let line = t.lines.get(key);
    if (!line) t.lines.set(key, (line = { model, task, byColumn: new Map() }));
    line.byColumn.set(ck, r);
  }
  const ranked = (order: readonly string[]) => (c: string | null | undefined) => (c === null || c === undefined ? Infinity : order.includes(c) ? order.indexOf(c) : order.length);
  const byName = (a: string | null | undefined, b: string | null | undefined) => (a === null || a === undefined || b === null || b === undefined ? 0 : a < b ? -1 : a > b ? 1 : 0);
  const conditionRank = ranked(conditionOrder);
  const armRank = ranked(ARM_ORDER);
  const byOrder = ([, a]: [string, PivotColumn], [, b]: [string, PivotColumn]) =>
    conditionRank(a.condition) - conditionRank(b.condition) || byName(a.condition, b.condition) || armRank(a.monitoring) - armRank(b.monitoring) || byName(a.monitoring, b.monitoring);
  return [...tables.entries()].map(([b, t]) => {
    const columns = [...t.columns.entries()].sort(byOrder);
    return {
      behaviour: b,
      columns: columns.map(([, c]) => c),
      lines: [...t.lines.values()].map((l) => ({ model: l.model, task: l.task, cells: columns.map(([k]) => l.byColumn.get(k)) })),
    };
  });
}

/** What a cell shows: `30.0% (18.1–45.4%) Δ +25.0`, or `no runs`. */
export function cellText(r: SummaryRow): string {
  if (r.rate === null) return r.unreviewed ? `${r.unreviewed} not reviewed` : 'no runs';
  const ci = r.ciLow !== null && r.ciHigh !== null ? ` (${pct(r.ciLow)}–${pct(r.ciHigh)})` : '';
  return `${pct(r.rate)}${ci}${r.delta !== null ? ` Δ ${signedPct(r.delta)}` : ''}`;
}

/** A cell read out in words (its aria-label): what, where, how often, against which baseline. */
export function cellDescription(r: SummaryRow): string {
  const byArm = r.monitoring !== undefined;
  const arm = byArm && r.monitoring !== null ? `${r.monitoring} arm` : undefined;
  const where = [r.model ?? 'unknown model', r.task ?? undefined, r.condition ?? 'unknown condition', arm].filter(Boolean).join(', ');
  if (r.rate === null) return `${r.behaviour}, ${where}: no runs counted${r.unreviewed ? `, ${r.unreviewed} not reviewed` : ''}`;
  const ci = r.ciLow !== null && r.ciHigh !== null ? `, 95% interval ${pct(r.ciLow)} to ${pct(r.ciHigh)}` : '';
  // Counted by arm, Δ is against the monitored arm of the same condition (corpusSummary).
  const delta = r.delta !== null && r.baseline !== null ? `, ${signedPct(r.delta)} points against ${byArm ? `the ${r.baseline} arm` : r.baseline}` : '';
  return `${r.behaviour}, ${where}: ${r.count} of ${r.runs} runs, ${pct(r.rate)}${ci}${delta}. Press Enter to list the runs.`;
}
