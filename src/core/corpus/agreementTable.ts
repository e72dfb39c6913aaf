/**
 * The agreement table (agreement.ts) in words: the columns and cells `peerwatch agreement` prints and
 * the corpus view shows, a disagreement as a sentence, and the line saying which runs were labelled.
 * One home for that wording, so the terminal and the view read the same.
 *
 * Pure module, types only from agreement.ts: the corpus webview bundles it without zod or the readers.
 */
import type { Agreement, AgreementRow, Disagreement, LabelSource } from './agreement';
import { cellText } from './summaryTable';

function fixed(x: number | null, digits = 2): string {
  if (x === null) return '–';
  const s = x.toFixed(digits);
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
}

/** A value with its 95% interval: `0.67 [0.21, 0.94]`, or `–` when there is none. */
export function intervalText(v: number | null, low: number | null, high: number | null): string {
  return v === null ? '–' : `${fixed(v)} [${fixed(low)}, ${fixed(high)}]`;
}

/** The table's column headings (`unjudged` with review labels only). */
export function agreementColumns(labels: LabelSource): string[] {
  return ['behaviour', 'source', 'n', 'tp', 'fp', 'fn', 'tn', 'precision [95% CI]', 'recall [95% CI]', "Cohen's κ [95% CI]", ...(labels === 'review' ? ['unjudged'] : [])];
}

/** One row's cells, in agreementColumns' order. */
export function agreementCells(r: AgreementRow, labels: LabelSource): string[] {
  return [
    cellText(r.behaviour),
    r.source,
    String(r.n),
    String(r.tp),
    String(r.fp),
    String(r.fn),
    String(r.tn),
    intervalText(r.precision, r.precisionLow, r.precisionHigh),
    intervalText(r.recall, r.recallLow, r.recallHigh),
    intervalText(r.kappa, r.kappaLow, r.kappaHigh),
    ...(labels === 'review' ? [String(r.unjudged ?? 0)] : []),
  ];
}

/** One row read out in words (its aria-label). */
export function agreementRowDescription(r: AgreementRow): string {
  const part = (name: string, v: number | null, low: number | null, high: number | null) => (v === null ? `${name} undefined` : `${name} ${fixed(v)}, 95% interval ${fixed(low)} to ${fixed(high)}`);
  return (
    `${r.behaviour}, ${r.source}: ${r.n} run${r.n === 1 ? '' : 's'}, ${r.tp} true positive, ${r.fp} false positive, ${r.fn} false negative, ${r.tn} true negative; ` +
    `${part('precision', r.precision, r.precisionLow, r.precisionHigh)}; ${part('recall', r.recall, r.recallLow, r.recallHigh)}; ${part('kappa', r.kappa, r.kappaLow, r.kappaHigh)}` +
    `${r.unjudged ? `; ${r.unjudged} not judged` : ''}`
  );
}

/** What each side said: `detectors tagged refusal (refusal:14 on events 14); the review says not shown (refusal:14 dismissed by ben)`. */
export function disagreementText(d: Disagreement, labels: LabelSource): string {
  const said = d.tagged ? `tagged ${d.behaviour} (${d.tags.map((t) => `${cellText(t.id)} on events ${t.events.join(', ')}`).join('; ')})` : `did not tag ${d.behaviour}`;
  return `${d.source} ${said}; the ${labels === 'review' ? 'review' : 'source'} says ${d.labelled ? 'shown' : 'not shown'} (${cellText(d.labelBy)})`;
}

/** "1 follow-up session", "2 follow-up sessions". */
function count(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Which runs were labelled and which were not counted, in a sentence. */
export function agreementNote(a: Agreement): string {
  const against = a.labels === 'review' ? "reviewers' labels" : "the source's own verdicts";
  return (
    `Against ${against}: ${a.labelledRuns} run${a.labelledRuns === 1 ? '' : 's'} labelled, ${a.unlabelledRuns} without labels${a.labels === 'review' ? ' (not marked reviewed)' : ' (no evaluation the source scores)'}` +
    `${a.followups ? `, ${count(a.followups, 'follow-up session')}` : ''}${a.duplicates ? `, ${count(a.duplicates, 'second copy', 'second copies')}` : ''}${a.damaged ? `, ${count(a.damaged, 'damaged run')}` : ''} not counted.`
  );
}

/** The agreement table and its disagreements, for a terminal. */
export function agreementText(a: Agreement): string {
  const head = agreementColumns(a.labels);
  const rows = a.behaviours.map((r) => agreementCells(r, a.labels));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const out = [line(head), ...rows.map(line)];
  out.push('', agreementNote(a));
  if (a.disagreements.length) {
    out.push('', `Disagreements (${a.disagreements.length}):`);
    for (const d of a.disagreements) out.push(`  ${cellText(d.run)}: ${disagreementText(d, a.labels)}`);
  }
  return out.join('\n') + '\n';
}
