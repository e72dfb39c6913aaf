/**
 * `peerwatch summarize PATH...`: the corpus table (docs/corpus.md). Folders are indexed in
 * `<folder>/.peerwatch/index.jsonl` (or one `--index FILE` for everything given), so a second run over
 * an unchanged folder reads no transcript; files not in the index are read and tagged in worker
 * threads, one per core, and streamed into the index. Progress goes to stderr; Ctrl-C stops, keeps
 * what was done in the index and exits 130.
 */
import { DEFAULT_GROUPING, GROUP_DIMENSIONS, SUMMARY_SOURCES, summarize, type GroupDimension, type SummarySource } from '../core/corpus/summarize';
import { summaryCsv, summaryText } from '../core/corpus/summaryTable';
import { loadJudgeTags } from '../node/judge/judgeStore';
import { loadReviews } from '../node/corpus/corpusRuns';
import { CORPUS_OPTIONS, corpusOptions, readCorpus, type CorpusOptions } from './corpusRuns';
import { UsageError, commandOptions, oneOf, parseCommandArgs, str, type OptionSpec } from './args';

type Out = (s: string) => void;

export const SUMMARIZE_USAGE = `usage:
  peerwatch summarize PATH... [--by model,task,condition] [--source detectors|review|judge]
                  [--baseline CONDITION | DIMENSION=VALUE] [--json | --csv] [--index FILE] [--jobs N] [--max-memory-mb N]
                  [--rules FILE | --no-rules]

For each cell (model × task × condition unless --by says otherwise; also subject, monitoring,
dataset, format) the runs counted and, per behaviour, how many show it, the rate with its 95% Wilson
interval, and Δ (percentage points) against the baseline condition of the same cell: no_peer (for
misrepresentation non_shutdown), else the other of the two, or --baseline CONDITION; --baseline
DIMENSION=VALUE takes Δ against the cell that differs only in another --by dimension (--by
model,task,condition,monitoring --baseline monitoring=monitoring: each arm of alignment faking
against the monitored one, the study's measure of alignment faking). Legacy condition
names are read in today's (collaboration → good_peer, non_collaboration → neutral_peer,
collaboration_reverse → bad_peer). A model is named without its provider or router prefix
(gemini/gemini-3-flash-preview → gemini-3-flash-preview; docs/corpus.md). A follow-up session is not a run of its own; a run held in two
formats (a transcript and its converted run log) counts once; each sample of an Inspect log is a run.

--source review counts reviewers' judgements instead of the detectors' tags (confirmed and unjudged
tags kept, dismissed dropped, added counted) on runs marked reviewed; the others are reported apart.
--source judge counts the judge's tags (peerwatch judge; its latest answer, dismissed ones dropped)
on the runs it has read; the others are reported apart.
--json prints {"rows": [{model, task, condition, modelNames, behaviour, runs, count, rate, ciLow,
ciHigh, baseline, baselineRate, delta}, …], …} (modelNames: how the cell's runs spelled the model;
mixedSubjects and mixedArms count cells mixing self and peer runs, or both alignment-faking arms);
--csv the same columns but modelNames.

Tags are the built-in detectors' and those of a rules file: --rules FILE, else
.peerwatch/rules.yaml (.yml, .json) in the current folder; --no-rules: the built-ins alone (as for
peerwatch tag; docs/rules.md). The index records the rules text's hash: editing it tags again.

Each folder's index is FOLDER/.peerwatch/index.jsonl (--index FILE: one index for every PATH): a
file whose path, size and mtime are unchanged is not read again. Files are read and tagged in --jobs
worker threads (default: one per core but one, at least one), each with --max-memory-mb N of heap
when given (a file that needs more is reported, the rest summarised). Exit 0; 1 when a file could not be read whole (reported on
stderr, the rest summarised); 2 for a usage error; 130 when interrupted (the index keeps what was done).`;

const SUMMARIZE_OPTIONS: Record<string, OptionSpec> = {
  by: { type: 'string', valueName: `a list of ${GROUP_DIMENSIONS.join(', ')}` },
  source: { type: 'string', valueName: `a source (${SUMMARY_SOURCES.join(', ')})` },
  baseline: { type: 'string', valueName: 'a condition' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  ...CORPUS_OPTIONS,
  help: { type: 'boolean', short: 'h' },
};

export interface SummarizeOptions extends CorpusOptions {
  paths: string[];
  by?: GroupDimension[];
  source: SummarySource;
  baseline?: string | { dimension: GroupDimension; value: string };
  json: boolean;
  csv: boolean;
}

/** The options of `summarize`, checked; throws UsageError. */
export function parseSummarizeArgs(argv: readonly string[]): SummarizeOptions {
  const { values: v, positionals } = parseCommandArgs(argv, SUMMARIZE_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError('no file or folder given');
  if (v['json'] && v['csv']) throw new UsageError('give --json or --csv, not both');
  const o: SummarizeOptions = { paths: positionals, source: oneOf('--source', v['source'], SUMMARY_SOURCES) ?? 'detectors', json: v['json'] === true, csv: v['csv'] === true, ...corpusOptions(v) };
  const by = str(v['by']);
  if (by !== undefined) {
    const dims = by.split(',').map((d) => d.trim());
    for (const d of dims) oneOf('--by', d, GROUP_DIMENSIONS);
    const twice = dims.find((d, i) => dims.indexOf(d) !== i);
    if (twice) throw new UsageError(`--by names ${twice} twice`);
    o.by = dims as GroupDimension[];
  }
  const baseline = str(v['baseline']);
  if (baseline !== undefined) {
    if (baseline.trim() === '') throw new UsageError('--baseline needs a condition');
    const eq = baseline.indexOf('=');
    if (eq >= 0) {
      const named = baseline.slice(0, eq).trim();
      if (!(GROUP_DIMENSIONS as readonly string[]).includes(named)) throw new UsageError(`--baseline DIMENSION=VALUE: the dimension is one of ${GROUP_DIMENSIONS.join(', ')}, not ${JSON.stringify(named)}`);
      const dimension = named as GroupDimension;
      const value = baseline.slice(eq + 1).trim();
      if (value === '') throw new UsageError(`--baseline ${dimension}= needs a value (--baseline ${dimension}=${dimension === 'monitoring' ? 'monitoring' : 'VALUE'})`);
      if (!(o.by ?? DEFAULT_GROUPING).includes(dimension)) throw new UsageError(`--baseline ${dimension}=${value} compares cells along ${dimension}: --by must include it`);
      o.baseline = { dimension, value };
    } else {
      if (o.by && !o.by.includes('condition')) throw new UsageError('--baseline compares conditions: --by must include condition');
      o.baseline = baseline;
    }
  }
  return o;
}

/** `peerwatch summarize …`; resolves to the exit code. */
export async function summarizeCommand(argv: readonly string[], out: Out, err: Out): Promise<number> {
  const o = commandOptions('summarize', SUMMARIZE_USAGE, argv, parseSummarizeArgs, out, err);
  if (typeof o === 'number') return o;
  const corpus = await readCorpus('summarize', o, err);
  if (corpus.code !== undefined) return corpus.code;
  const { runs, totals, display, problem } = corpus;
  if (o.source !== 'detectors') await loadReviews(runs, display, problem);
  if (o.source === 'judge') await loadJudgeTags(runs, display, problem);
  const summary = summarize(runs, { ...(o.by ? { by: o.by } : {}), source: o.source, ...(o.baseline !== undefined ? { baseline: o.baseline } : {}) });
  if (o.json) {
    const { rows, ...rest } = summary;
    out(JSON.stringify({ rows, ...rest, files: { found: totals.files, read: totals.tagged, fromIndex: totals.fromIndex } }, null, 2) + '\n');
  } else if (o.csv) out(summaryCsv(summary));
  else out(summaryText(summary));
  return corpus.failed() ? 1 : 0;
}

