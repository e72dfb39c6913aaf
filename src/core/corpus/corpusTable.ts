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
}

/** One behaviour's table: lines (model × task) by conditions. */
export interface PivotTable {
  behaviour: string;
  /** Column headings in the summary's order (null: runs that do not say). */
  conditions: Array<string | null>;
  lines: Array<{ model: string | null; task: string | null; cells: Array<SummaryRow | undefined> }>;
}

/**
 * The rows as one table per behaviour (only `behaviour`'s when given): lines in the rows' order,
 * columns in `conditionOrder`'s (the study's: good, neutral, bad peer, no peer, no shutdown), then
 * others by name, then runs that name none.
 */
export function pivotTables(rows: readonly SummaryRow[], behaviour?: string, conditionOrder: readonly string[] = []): PivotTable[] {
  const tables = new Map<string, { conditions: Array<string | null>; lines: Map<string, { model: string | null; task: string | null; byCondition: Map<string | null, SummaryRow> }> }>();
  for (const r of rows) {
    if (behaviour !== undefined && r.behaviour !== behaviour) continue;
    let t = tables.get(r.behaviour);
    if (!t) tables.set(r.behaviour, (t = { conditions: [], lines: new Map() }));
    const condition = r.condition ?? null;
    if (!t.conditions.includes(condition)) t.conditions.push(condition);
    const model = r.model ?? null;
    const task = r.task ?? null;
    const key = JSON.stringify([model, task]);
    let line = t.lines.get(key);
    if (!line) t.lines.set(key, (line = { model, task, byCondition: new Map() }));
    line.byCondition.set(condition, r);
  }
  const rank = (c: string | null) => (c === null ? Infinity : conditionOrder.includes(c) ? conditionOrder.indexOf(c) : conditionOrder.length);
  const byOrder = (a: string | null, b: string | null) => rank(a) - rank(b) || (a === null || b === null ? 0 : a < b ? -1 : a > b ? 1 : 0);
  return [...tables.entries()].map(([b, t]) => {
    const conditions = [...t.conditions].sort(byOrder);
    return { behaviour: b, conditions, lines: [...t.lines.values()].map((l) => ({ model: l.model, task: l.task, cells: conditions.map((c) => l.byCondition.get(c)) })) };
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
  const where = [r.model ?? 'unknown model', r.task ?? undefined, r.condition ?? 'unknown condition'].filter(Boolean).join(', ');
  if (r.rate === null) return `${r.behaviour}, ${where}: no runs counted${r.unreviewed ? `, ${r.unreviewed} not reviewed` : ''}`;
  const ci = r.ciLow !== null && r.ciHigh !== null ? `, 95% interval ${pct(r.ciLow)} to ${pct(r.ciHigh)}` : '';
  const delta = r.delta !== null && r.baseline !== null ? `, ${signedPct(r.delta)} points against ${r.baseline}` : '';
  return `${r.behaviour}, ${where}: ${r.count} of ${r.runs} runs, ${pct(r.rate)}${ci}${delta}. Press Enter to list the runs.`;
}
