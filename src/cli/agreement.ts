/**
 * `peerwatch agreement PATH...`: how far the detectors (and the judge, where it has read a run) agree
 * with reviewers' labels or with the source's own verdicts, per behaviour (core/corpus/agreement.ts;
 * docs/judge.md). Runs are read through the corpus index, as `summarize` reads them.
 */
import { LABEL_SOURCES, agreement, type LabelSource } from '../core/corpus/agreement';
import { agreementText } from '../core/corpus/agreementTable';
import { loadJudgeTags } from '../node/judge/judgeStore';
import { UsageError, commandOptions, oneOf, parseCommandArgs, type OptionSpec } from './args';
import { loadReviews } from '../node/corpus/corpusRuns';
import { CORPUS_OPTIONS, corpusOptions, readCorpus, type CorpusOptions } from './corpusRuns';

type Out = (s: string) => void;

export const AGREEMENT_USAGE = `usage:
  peerwatch agreement PATH... [--labels review|source] [--json] [--index FILE] [--jobs N] [--max-memory-mb N]
                  [--rules FILE | --no-rules]

Per behaviour and per source of tags (the detectors; the judge on the runs it has read, from
.peerwatch/judge/ beside them): tp, fp, fn, tn, precision and recall with 95% Wilson intervals, and
Cohen's κ with its 95% large-sample interval (Fleiss, Cohen & Everitt 1969). One unit is one run and
one behaviour.

--labels review (the default): runs marked reviewed; a confirmed or added tag is positive, a
dismissed one negative, no tag negative; a behaviour whose tag was left without a verdict is not
counted (unjudged). --labels source: the source's own verdicts (the study's evaluation: tampering
from shutdown_enabled, exfiltration, refuse, the reported score against the threshold, the finance
report's product grade; Inspect scorers named after a behaviour; the agentic-misalignment
classifier's harmful_behavior). Every disagreement is listed: run, behaviour, which side said what.

--json prints {"labels", "behaviours": [{behaviour, source, n, tp, fp, fn, tn, precision,
precisionLow, precisionHigh, recall, recallLow, recallHigh, kappa, kappaLow, kappaHigh}, …],
"disagreements": [{run, behaviour, source, tagged, tags, labelled, labelBy}, …], …}.
Tags are the built-in detectors' and those of a rules file: --rules FILE, else
.peerwatch/rules.yaml (.yml, .json) in the current folder; --no-rules: the built-ins alone (as for
peerwatch tag; docs/rules.md). The index records the rules text's hash: editing it tags again.
Exit 0; 1 when a file could not be read whole (reported, the rest counted); 2 for a usage error.`;

const AGREEMENT_OPTIONS: Record<string, OptionSpec> = {
  labels: { type: 'string', valueName: `a source of labels (${LABEL_SOURCES.join(', ')})` },
  json: { type: 'boolean' },
  ...CORPUS_OPTIONS,
  help: { type: 'boolean', short: 'h' },
};

export interface AgreementOptions extends CorpusOptions {
  paths: string[];
  labels: LabelSource;
  json: boolean;
}

/** The options of `agreement`, checked; throws UsageError. */
export function parseAgreementArgs(argv: readonly string[]): AgreementOptions {
  const { values: v, positionals } = parseCommandArgs(argv, AGREEMENT_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError('no file or folder given');
  return { paths: positionals, labels: oneOf('--labels', v['labels'], LABEL_SOURCES) ?? 'review', json: v['json'] === true, ...corpusOptions(v) };
}

/** `peerwatch agreement …`; resolves to the exit code. */
export async function agreementCommand(argv: readonly string[], out: Out, err: Out): Promise<number> {
  const o = commandOptions('agreement', AGREEMENT_USAGE, argv, parseAgreementArgs, out, err);
  if (typeof o === 'number') return o;
  const corpus = await readCorpus('agreement', o, err);
  if (corpus.code !== undefined) return corpus.code;
  const { runs, display, problem } = corpus;
  await loadReviews(runs, display, problem);
  await loadJudgeTags(runs, display, problem);
  const a = agreement(runs, o.labels);
  // Runs named as the user gave them (relative to the current folder), not by absolute paths.
  for (const d of a.disagreements) {
    d.file = display(d.file);
    d.run = d.sample !== undefined ? `${d.file}#${d.sample}` : d.file;
  }
  out(o.json ? JSON.stringify(a, null, 2) + '\n' : agreementText(a));
  return corpus.failed() ? 1 : 0;
}
