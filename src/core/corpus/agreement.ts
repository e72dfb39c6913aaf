/**
 * Agreement between a source of tags (the detectors, the judge) and labels (reviewers' judgements, or
 * the source's own verdicts), per behaviour: the 2×2 table over runs (tp, fp, fn, tn), precision and
 * recall with 95% Wilson intervals, and Cohen's κ with a 95% large-sample interval. `peerwatch
 * agreement` prints it and the corpus view shows it (both as agreementTable.ts words it).
 *
 * A unit is one run and one behaviour: the source predicts the behaviour when it has a tag of it on
 * the run; the label says whether the run shows it.
 *
 * Labels from a review (`labels: 'review'`, runs marked reviewed only), per behaviour:
 * - positive: a tag of the behaviour (the detectors', the judge's) confirmed, or one added by hand and
 *   not dismissed;
 * - negative: no tag of it, or only dismissed ones;
 * - none (the unit is left out and counted as `unjudged`): a tag of it the reviewer left without a
 *   verdict and none confirmed. Counting it either way would let a source grade itself.
 * Labels from the source (`labels: 'source'`): its verdict per behaviour (sourceVerdicts.ts); a
 * behaviour it has no verdict on is not labelled.
 *
 * κ's interval is the large-sample (asymptotic, non-null) one of Fleiss, Cohen & Everitt (1969),
 * κ ± 1.96·SE, clipped to [−1, 1]; κ is undefined (null) when both sides put every unit in one class.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { BUILTIN_BEHAVIOURS } from '../behaviours/types';
import { countedRuns, type CorpusRun } from './summarize';
import { Z_95, wilsonInterval } from './wilson';

/** Where the labels come from. */
export const LABEL_SOURCES = ['review', 'source'] as const;
export type LabelSource = (typeof LABEL_SOURCES)[number];

/** Whose tags are measured. */
export type TagSource = 'detectors' | 'judge';

export interface AgreementRow {
  behaviour: string;
  source: TagSource;
  /** Units counted (runs with a label for this behaviour and a prediction from this source). */
  n: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  /** tp / (tp + fp); null when the source tagged nothing. */
  precision: number | null;
  precisionLow: number | null;
  precisionHigh: number | null;
  /** tp / (tp + fn); null when no run is labelled positive. */
  recall: number | null;
  recallLow: number | null;
  recallHigh: number | null;
  kappa: number | null;
  kappaLow: number | null;
  kappaHigh: number | null;
  /** With review labels: runs left out because a tag of the behaviour had no verdict. */
  unjudged?: number;
}

/** A unit where the source and the labels differ. */
export interface Disagreement {
  /** The run's key: its file, with `#<sample>` for a sample of a log. */
  run: string;
  file: string;
  sample?: string;
  behaviour: string;
  source: TagSource;
  /** What the source said: tagged (true) or not, and the tags' ids and events. */
  tagged: boolean;
  tags: Array<{ id: string; events: number[] }>;
  /** What the labels said, and who or what said it (`confirmed by ana`, `task_evaluation.refuse = true`). */
  labelled: boolean;
  labelBy: string;
}

export interface Agreement {
  labels: LabelSource;
  behaviours: AgreementRow[];
  disagreements: Disagreement[];
  /** Runs with labels (reviewed runs, or runs whose source gives verdicts). */
  labelledRuns: number;
  /** Runs without labels (not reviewed, or no verdicts). */
  unlabelledRuns: number;
  followups: number;
  duplicates: number;
  damaged: number;
}

interface Label {
  shown: boolean;
  by: string;
}

/** Review labels of one reviewed run, by behaviour; `null` for a behaviour with an unjudged tag. */
function reviewLabels(run: CorpusRun): Map<string, Label | null> | undefined {
  const review = run.review;
  if (!review?.reviewed) return undefined;
  const out = new Map<string, Label | null>();
  const tags = [...run.tags, ...(run.judge ?? [])];
  const positive = new Map<string, string>();
  const unjudged = new Set<string>();
  const dismissed = new Map<string, string>();
  for (const t of tags) {
    const v = review.verdicts[t.id];
    if (v?.verdict === 'confirmed') positive.set(t.behaviour, positive.get(t.behaviour) ?? `${t.id} confirmed by ${v.by}`);
    else if (v?.verdict === 'dismissed') dismissed.set(t.behaviour, dismissed.get(t.behaviour) ?? `${t.id} dismissed by ${v.by}`);
    else unjudged.add(t.behaviour);
  }
  for (const m of review.added) {
    if (review.verdicts[m.id]?.verdict === 'dismissed') continue;
    positive.set(m.behaviour, positive.get(m.behaviour) ?? `${m.id} added by ${m.by}`);
  }
  const behaviours = new Set<string>([...BUILTIN_BEHAVIOURS, ...tags.map((t) => t.behaviour), ...review.added.map((m) => m.behaviour)]);
  for (const b of behaviours) {
    const p = positive.get(b);
    if (p !== undefined) out.set(b, { shown: true, by: p });
    else if (unjudged.has(b)) out.set(b, null);
    else out.set(b, { shown: false, by: dismissed.get(b) ?? `no tag on a run reviewed by ${review.reviewed.by}` });
  }
  return out;
}

/** Source labels of one run, by behaviour. */
function sourceLabels(run: CorpusRun): Map<string, Label | null> | undefined {
  if (!run.verdicts?.length) return undefined;
  return new Map(run.verdicts.map((v) => [v.behaviour, { shown: v.shown, by: v.field }]));
}

/** Cohen's κ of a 2×2 table and its 95% large-sample interval (Fleiss, Cohen & Everitt 1969). */
export function cohensKappa(tp: number, fp: number, fn: number, tn: number, z: number = Z_95): { kappa: number; low: number; high: number } | undefined {
  const n = tp + fp + fn + tn;
  if (n === 0) return undefined;
  // p[i][j]: the proportion of units labelled i and predicted j (1 = shown); row: labels' margins, col: the source's.
  const p = [
    [tn / n, fp / n],
    [fn / n, tp / n],
  ];
  const row = [p[0]![0]! + p[0]![1]!, p[1]![0]! + p[1]![1]!];
  const col = [p[0]![0]! + p[1]![0]!, p[0]![1]! + p[1]![1]!];
  const po = p[0]![0]! + p[1]![1]!;
  const pe = row[0]! * col[0]! + row[1]! * col[1]!;
  if (pe >= 1) return undefined;
  const kappa = (po - pe) / (1 - pe);
  let a = 0;
  for (let i = 0; i < 2; i++) a += p[i]![i]! * ((1 - pe) - (row[i]! + col[i]!) * (1 - po)) ** 2;
  let b = 0;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) if (i !== j) b += p[i]![j]! * (col[i]! + row[j]!) ** 2;
  b *= (1 - po) ** 2;
  const c = (po * pe - 2 * pe + po) ** 2;
  const variance = Math.max(0, (a + b - c) / (n * (1 - pe) ** 4));
  const half = z * Math.sqrt(variance);
  return { kappa, low: Math.max(-1, kappa - half), high: Math.min(1, kappa + half) };
}

/** The row of one behaviour and source from its counts. */
export function agreementRow(behaviour: string, source: TagSource, tp: number, fp: number, fn: number, tn: number): AgreementRow {
  const precision = wilsonInterval(tp, tp + fp);
  const recall = wilsonInterval(tp, tp + fn);
  const kappa = cohensKappa(tp, fp, fn, tn);
  return {
    behaviour,
    source,
    n: tp + fp + fn + tn,
    tp,
    fp,
    fn,
    tn,
    precision: tp + fp > 0 ? tp / (tp + fp) : null,
    precisionLow: precision?.low ?? null,
    precisionHigh: precision?.high ?? null,
    recall: tp + fn > 0 ? tp / (tp + fn) : null,
    recallLow: recall?.low ?? null,
    recallHigh: recall?.high ?? null,
    kappa: kappa?.kappa ?? null,
    kappaLow: kappa?.low ?? null,
    kappaHigh: kappa?.high ?? null,
  };
}

/** Agreement of the detectors (and the judge, on the runs it read) with `labels`, over `runs` (each counted once, as summarize counts them). */
export function agreement(runs: readonly CorpusRun[], labels: LabelSource = 'review'): Agreement {
  const { groups, followups, damaged, duplicates } = countedRuns(runs);
  const sources: TagSource[] = ['detectors', ...(groups.some(([r]) => r!.judge !== undefined) ? (['judge'] as const) : [])];
  type Counts = { tp: number; fp: number; fn: number; tn: number; unjudged: number };
  const counts = new Map<string, Counts>();
  const countsOf = (b: string, s: TagSource) => {
    const k = `${s}\u0000${b}`;
    let c = counts.get(k);
    if (!c) counts.set(k, (c = { tp: 0, fp: 0, fn: 0, tn: 0, unjudged: 0 }));
    return c;
  };
  const disagreements: Disagreement[] = [];
  let labelledRuns = 0;
  let unlabelledRuns = 0;
  for (const [run] of groups) {
    const l = labels === 'review' ? reviewLabels(run!) : sourceLabels(run!);
    if (!l) {
      unlabelledRuns++;
      continue;
    }
    labelledRuns++;
    for (const source of sources) {
      const tags = source === 'detectors' ? run!.tags : run!.judge;
      if (!tags) continue;
      for (const [behaviour, label] of l) {
        const c = countsOf(behaviour, source);
        if (label === null) {
          c.unjudged++;
          continue;
        }
        const of = tags.filter((t) => t.behaviour === behaviour);
        const tagged = of.length > 0;
        if (tagged && label.shown) c.tp++;
        else if (tagged) c.fp++;
        else if (label.shown) c.fn++;
        else c.tn++;
        if (tagged !== label.shown) {
          disagreements.push({
            run: run!.key,
            file: run!.file,
            ...(run!.sample !== undefined ? { sample: run!.sample } : {}),
            behaviour,
            source,
            tagged,
            tags: of.map((t) => ({ id: t.id, events: [...t.events] })),
            labelled: label.shown,
            labelBy: label.by,
          });
        }
      }
    }
  }
  const order = (b: string) => {
    const i = (BUILTIN_BEHAVIOURS as readonly string[]).indexOf(b);
    return i < 0 ? BUILTIN_BEHAVIOURS.length : i;
  };
  const rows = [...counts]
    .map(([k, c]) => {
      const [source, behaviour] = k.split('\u0000') as [TagSource, string];
      const row = agreementRow(behaviour, source, c.tp, c.fp, c.fn, c.tn);
      return labels === 'review' ? { ...row, unjudged: c.unjudged } : row;
    })
    .sort((a, b) => order(a.behaviour) - order(b.behaviour) || (a.behaviour < b.behaviour ? -1 : a.behaviour > b.behaviour ? 1 : 0) || (a.source === b.source ? 0 : a.source === 'detectors' ? -1 : 1));
  disagreements.sort((a, b) => (a.run < b.run ? -1 : a.run > b.run ? 1 : order(a.behaviour) - order(b.behaviour)));
  return { labels, behaviours: rows, disagreements, labelledRuns, unlabelledRuns, followups, duplicates, damaged };
}
