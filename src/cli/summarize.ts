/**
 * `peerwatch summarize PATH...`: the corpus table (docs/corpus.md). Folders are indexed in
 * `<folder>/.peerwatch/index.jsonl` (or one `--index FILE` for everything given), so a second run over
 * an unchanged folder reads no transcript; files not in the index are read and tagged in worker
 * threads, one per core, and streamed into the index. Progress goes to stderr; Ctrl-C stops, keeps
 * what was done in the index and exits 130.
 */
import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { GROUP_DIMENSIONS, SUMMARY_SOURCES, summarize, type CorpusRun, type GroupDimension, type SummarySource } from '../core/corpus/summarize';
import { summaryCsv, summaryText } from '../core/corpus/summaryTable';
import { defaultIndexFile, updateIndex } from '../node/corpus/corpusIndexer';
import { collectEntry, corpusDetectorVersion, loadReviews } from '../node/corpus/corpusRuns';
import { TagPool } from '../node/corpus/tagPool';
import { UsageError, oneOf, parseCommandArgs, str, type OptionSpec } from './args';

type Out = (s: string) => void;

export const SUMMARIZE_USAGE = `usage:
  peerwatch summarize PATH... [--by model,task,condition] [--source detectors|review]
                  [--baseline CONDITION] [--json | --csv] [--index FILE] [--jobs N]

For each cell (model × task × condition unless --by says otherwise; also subject, monitoring,
dataset, format) the runs counted and, per behaviour, how many show it, the rate with its 95% Wilson
interval, and Δ (percentage points) against the baseline condition of the same cell: no_peer (for
misrepresentation non_shutdown), else the other of the two, or --baseline CONDITION. Legacy condition
names are read in today's (collaboration → good_peer, non_collaboration → neutral_peer,
collaboration_reverse → bad_peer). A follow-up session is not a run of its own; a run held in two
formats (a transcript and its converted run log) counts once; each sample of an Inspect log is a run.

--source review counts reviewers' judgements instead of the detectors' tags (confirmed and unjudged
tags kept, dismissed dropped, added counted) on runs marked reviewed; the others are reported apart.
--json prints {"rows": [{model, task, condition, behaviour, runs, count, rate, ciLow, ciHigh,
baseline, baselineRate, delta}, …], …}; --csv the same columns.

Each folder's index is FOLDER/.peerwatch/index.jsonl (--index FILE: one index for every PATH): a
file whose path, size and mtime are unchanged is not read again. Files are read and tagged in --jobs
worker threads (default: one per core). Exit 0; 1 when a file could not be read whole (reported on
stderr, the rest summarised); 2 for a usage error; 130 when interrupted (the index keeps what was done).`;

const SUMMARIZE_OPTIONS: Record<string, OptionSpec> = {
  by: { type: 'string', valueName: `a list of ${GROUP_DIMENSIONS.join(', ')}` },
  source: { type: 'string', valueName: `a source (${SUMMARY_SOURCES.join(', ')})` },
  baseline: { type: 'string', valueName: 'a condition' },
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  index: { type: 'string', valueName: 'a file name' },
  jobs: { type: 'string', valueName: 'a number of worker threads' },
  help: { type: 'boolean', short: 'h' },
};

export interface SummarizeOptions {
  paths: string[];
  by?: GroupDimension[];
  source: SummarySource;
  baseline?: string;
  json: boolean;
  csv: boolean;
  index?: string;
  jobs: number;
}

/** The options of `summarize`, checked; throws UsageError. */
export function parseSummarizeArgs(argv: readonly string[]): SummarizeOptions {
  const { values: v, positionals } = parseCommandArgs(argv, SUMMARIZE_OPTIONS, true);
  if (positionals.length === 0) throw new UsageError('no file or folder given');
  if (v['json'] && v['csv']) throw new UsageError('give --json or --csv, not both');
  const o: SummarizeOptions = { paths: positionals, source: oneOf('--source', v['source'], SUMMARY_SOURCES) ?? 'detectors', json: v['json'] === true, csv: v['csv'] === true, jobs: availableParallelism() };
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
    if (o.by && !o.by.includes('condition')) throw new UsageError('--baseline compares conditions: --by must include condition');
    o.baseline = baseline;
  }
  if (str(v['index']) !== undefined) o.index = str(v['index']);
  const jobs = str(v['jobs']);
  if (jobs !== undefined) {
    if (!/^[1-9][0-9]*$/.test(jobs)) throw new UsageError(`--jobs expects a whole number of at least 1, not ${JSON.stringify(jobs)}`);
    o.jobs = Number(jobs);
  }
  return o;
}

/** `peerwatch summarize …`; resolves to the exit code. */
export async function summarizeCommand(argv: readonly string[], out: Out, err: Out): Promise<number> {
  if (argv.some((a) => a === '--help' || a === '-h')) {
    out(SUMMARIZE_USAGE + '\n');
    return 0;
  }
  let o: SummarizeOptions;
  try {
    o = parseSummarizeArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    err(`peerwatch summarize: ${e.message}\n${SUMMARIZE_USAGE.split('\n\n')[0]}\n(peerwatch summarize --help says more)\n`);
    return 2;
  }
  const workerFile = join(__dirname, 'corpusWorker.js');
  if (!existsSync(workerFile)) {
    err(`peerwatch summarize: ${workerFile} is missing; run \`npm run build\` in the Peerwatch folder first\n`);
    return 1;
  }
  const display = (p: string) => relative(process.cwd(), p) || p;
  let failed = false;
  const problem = (m: string) => {
    failed = true;
    err(`${m}\n`);
  };

  // Which index each path goes to: one --index for all, else each folder its own; files given alone none.
  const groups: Array<{ paths: string[]; base: string; indexFile?: string }> = [];
  const explicitFiles = new Set<string>();
  const loose: string[] = [];
  for (const p of o.paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      problem(`peerwatch summarize: ${p}: no such file or folder`);
      continue;
    }
    if (!st.isDirectory()) explicitFiles.add(resolve(p));
    if (o.index) continue;
    if (st.isDirectory()) {
      if (!groups.some((g) => resolve(g.base) === resolve(p))) groups.push({ paths: [p], base: p, indexFile: defaultIndexFile(p) });
    }
    else loose.push(p);
  }
  if (o.index) groups.push({ paths: o.paths.filter((p) => existsSync(p)), base: dirname(resolve(o.index)), indexFile: o.index });
  else if (loose.length) groups.push({ paths: loose, base: process.cwd() });

  const pool = new TagPool(workerFile, o.jobs);
  const controller = new AbortController();
  const onInterrupt = () => {
    controller.abort();
    void pool.close();
  };
  process.once('SIGINT', onInterrupt);
  const tty = process.stderr.isTTY === true;
  let lastShown = 0;
  const totals = { files: 0, tagged: 0, fromIndex: 0 };
  const runs: CorpusRun[] = [];
  const counted = new Set<string>();
  let interrupted = false;
  const written: string[] = [];
  try {
    const detector = corpusDetectorVersion(workerFile);
    for (const g of groups) {
      if (controller.signal.aborted) break;
      const before = { ...totals };
      const r = await updateIndex({
        paths: g.paths,
        base: g.base,
        ...(g.indexFile ? { indexFile: g.indexFile } : {}),
        detector,
        tag: (path, shown) => pool.tag(path, shown),
        concurrency: o.jobs * 2,
        signal: controller.signal,
        display,
        warn: (m) => err(`peerwatch summarize: ${m}\n`),
        onEntry: (entry, path) => {
          // A file under two of the paths given (a folder and its subfolder) counts once.
          if (counted.has(path)) return;
          counted.add(path);
          collectEntry(entry, path, explicitFiles.has(path), runs, display, (m) => problem(m.startsWith('error: ') ? m : `peerwatch summarize: ${m}`));
        },
        onProgress: (p) => {
          const tagged = before.tagged + p.tagged;
          const line = `peerwatch summarize: ${tagged} file${tagged === 1 ? '' : 's'} read and tagged, ${before.fromIndex + p.fromIndex} from the index, of ${before.files + p.found}${p.walked ? '' : ' found so far'}`;
          // A counter on a terminal; a line per thousand files tagged in a log.
          if (tty) {
            const now = Date.now();
            if (now - lastShown > 100 || p.walked) {
              lastShown = now;
              err(`\r${line}\u001b[K`);
            }
          } else if (p.tagged > 0 && p.tagged % 1000 === 0 && !p.walked) err(line + '\n');
        },
      });
      totals.files += r.files;
      totals.tagged += r.tagged;
      totals.fromIndex += r.fromIndex;
      if (r.written) written.push(display(r.written));
      if (r.interrupted) interrupted = true;
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await pool.close();
  }
  if (tty) err('\r\u001b[K');
  err(
    `peerwatch summarize: ${totals.files} file${totals.files === 1 ? '' : 's'}: ${totals.tagged} read and tagged, ${totals.fromIndex} from the index` +
      `${written.length ? ` (${written.join(', ')})` : ''}\n`,
  );
  if (interrupted) {
    err(`peerwatch summarize: interrupted; the index keeps the ${totals.tagged + totals.fromIndex} files done, and the next run reads the rest\n`);
    return 130;
  }

  if (o.source === 'review') await loadReviews(runs, display, problem);
  const summary = summarize(runs, { ...(o.by ? { by: o.by } : {}), source: o.source, ...(o.baseline !== undefined ? { baseline: o.baseline } : {}) });
  if (o.json) {
    const { rows, ...rest } = summary;
    out(JSON.stringify({ rows, ...rest, files: { found: totals.files, read: totals.tagged, fromIndex: totals.fromIndex } }, null, 2) + '\n');
  } else if (o.csv) out(summaryCsv(summary));
  else out(summaryText(summary));
  return failed ? 1 : 0;
}
