/**
 * The corpus table as text for people (aligned columns) and as CSV for spreadsheets, with the same
 * columns as `summarize --json`'s rows.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Summary, SummaryRow } from './summarize';

/** The CSV's columns: the grouping fields, then the counts (the JSON rows' keys, in that order). */
export function summaryColumns(s: Summary): string[] {
  return [...s.by, 'behaviour', 'runs', 'count', 'rate', 'ciLow', 'ciHigh', 'baseline', 'baselineRate', 'delta', ...(s.source !== 'detectors' ? ['unreviewed'] : [])];
}

/**
 * One CSV field (RFC 4180: quoted when it holds a comma, quote or line break). Model and task names
 * come from transcripts, which are adversarial: a text field starting with `=`, `+`, `-`, `@`, tab or
 * carriage return is prefixed with `'` so a spreadsheet shows it rather than evaluating it as a formula.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The table as CSV: a header line, then a line per row. */
export function summaryCsv(s: Summary): string {
  const cols = summaryColumns(s);
  const lines = [cols.join(',')];
  for (const r of s.rows) lines.push(cols.map((c) => csvField((r as unknown as Record<string, unknown>)[c])).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** A rate as a percentage with one decimal (`–` for none). */
export function pct(x: number | null): string {
  return x === null ? '–' : `${(x * 100).toFixed(1)}%`;
}

/** A difference of rates in percentage points, signed (`–` for none). */
export function signedPct(x: number | null): string {
  if (x === null) return '–';
  const v = (x * 100).toFixed(1);
  return x > 0 ? `+${v}` : v === '-0.0' ? '0.0' : v;
}

/** Control characters and line breaks (a model name is the transcript's text) shown as `?`, so one row stays one line. */
export function cellText(v: string | null | undefined): string {
  return v === null || v === undefined ? '?' : v.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, '?');
}

/**
 * What the table's totals say, the command line's and the corpus view's alike: runs counted, those not
 * counted and why, and cells that mix self- and peer-preservation runs or the two arms of alignment
 * faking. `problems` says where the unreadable runs are listed; `apart`, how to count a dimension's
 * values apart where the table is shown.
 */
export function summaryNotes(s: Summary, where: { problems: string; apart(dimension: 'subject' | 'monitoring'): string }): string[] {
  const runs = (n: number) => `${n} run${n === 1 ? '' : 's'}`;
  const notes = [`${runs(s.runs)} counted`];
  if (s.source !== 'detectors') notes.push(`${s.unreviewed ?? 0} not ${s.source === 'judge' ? 'read by the judge' : 'reviewed'} (not counted)`);
  if (s.followups) notes.push(`${s.followups} follow-up session${s.followups === 1 ? '' : 's'} not counted as runs`);
  if (s.damaged) notes.push(`${runs(s.damaged)} not counted: could not be read whole${where.problems}`);
  if (s.duplicates) notes.push(`${runs(s.duplicates)} found again in another format, counted once`);
  const mix = (n: number) => `${n} cell${n === 1 ? ' mixes' : 's mix'}`;
  if (s.mixedSubjects) notes.push(`${mix(s.mixedSubjects)} runs about the model's own shutdown (subject self) with runs about a peer's: ${where.apart('subject')}`);
  if (s.mixedArms) notes.push(`${mix(s.mixedArms)} the two arms of alignment faking (monitoring, non_monitoring), whose difference is the measure: ${where.apart('monitoring')}`);
  return notes;
}

/** The table for a terminal: one line per cell and behaviour, columns aligned, and totals below. */
export function summaryText(s: Summary): string {
  const head = [...s.by, 'behaviour', 'runs', 'count', 'rate', '95% CI', 'baseline', 'Δ (points)', ...(s.source !== 'detectors' ? ['unreviewed'] : [])];
  const body = s.rows.map((r: SummaryRow) => [
    ...s.by.map((d) => cellText(r[d])),
    r.behaviour,
    String(r.runs),
    String(r.count),
    pct(r.rate),
    r.ciLow === null || r.ciHigh === null ? '–' : `${pct(r.ciLow)}–${pct(r.ciHigh)}`,
    r.baseline === null ? '–' : `${r.baseline} ${pct(r.baselineRate)}`,
    signedPct(r.delta),
    ...(s.source !== 'detectors' ? [String(r.unreviewed ?? 0)] : []),
  ]);
  // Numbers right-aligned, words left-aligned.
  const numeric = new Set(['runs', 'count', 'rate', 'Δ (points)', 'unreviewed']);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(head[i]!) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const out = [line(head), ...body.map(line)];
  out.push('', summaryNotes(s, { problems: ' (on stderr)', apart: (d) => `add ${d} to --by to count them apart` }).join('; '));
  // Models are named without their provider prefix: which spellings each one stands for.
  const spellings = new Map<string, Set<string>>();
  for (const r of s.rows) if (r.model && r.modelNames?.some((n) => n !== r.model)) for (const n of r.modelNames) (spellings.get(r.model) ?? spellings.set(r.model, new Set()).get(r.model)!).add(n);
  if (spellings.size) {
    const width = Math.max(...[...spellings.keys()].map((m) => cellText(m).length));
    out.push('', 'Models, as the runs name them:', ...[...spellings].sort(([a], [b]) => (a < b ? -1 : 1)).map(([m, names]) => `  ${cellText(m).padEnd(width)}  ${[...names].sort().map(cellText).join(', ')}`));
  }
  return out.join('\n') + '\n';
}
