/**
 * The runs under the paths a corpus command is given (`summarize`, `agreement`), read through the
 * corpus index: folders are indexed in `<folder>/.peerwatch/index.jsonl` (or one `--index FILE` for
 * everything given), so a second run over an unchanged folder reads no transcript; files not in the
 * index are read and tagged in worker threads and streamed into the index. Progress goes to stderr;
 * Ctrl-C stops, keeps what was done in the index, and the command exits 130.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { RulesText } from '../core/behaviours';
import type { CorpusRun } from '../core/corpus/summarize';
import { defaultIndexFile, updateIndex } from '../node/corpus/corpusIndexer';
import { collectEntry, corpusDetectorVersion } from '../node/corpus/corpusRuns';
import { TagPool, defaultWorkers } from '../node/corpus/tagPool';
import { workerHeap } from '../node/detectionMemory';
import { UsageError, str, type OptionSpec, type ParsedArgs } from './args';
import { RULES_OPTIONS, loadRulesChoice, rulesChoice, type RulesChoice } from './rules';

type Out = (s: string) => void;

/** The options every corpus command takes: where the index is, how many worker threads read, and the rules file they tag with. */
export const CORPUS_OPTIONS: Record<string, OptionSpec> = {
  index: { type: 'string', valueName: 'a file name' },
  jobs: { type: 'string', valueName: 'a number of worker threads' },
  'max-memory-mb': { type: 'string', valueName: 'a number of MB' },
  ...RULES_OPTIONS,
};

/** What the corpus options say. */
export interface CorpusOptions extends RulesChoice {
  index?: string;
  jobs: number;
  /** `--max-memory-mb`: the heap each worker may take (V8's default otherwise). */
  maxMemoryMB?: number;
}

/** `--jobs`: how many worker threads tag (default: one per core but one); throws UsageError. */
export function jobsOption(v: ParsedArgs['values']): number {
  const jobs = str(v['jobs']);
  if (jobs === undefined) return defaultWorkers();
  if (!/^[1-9][0-9]*$/.test(jobs)) throw new UsageError(`--jobs expects a whole number of at least 1, not ${JSON.stringify(jobs)}`);
  return Number(jobs);
}

/**
 * `--max-memory-mb`: the heap each tagging worker may take, in MB; a file that needs more fails
 * alone, saying so, and the others are tagged. Throws UsageError.
 */
export function maxMemoryOption(v: ParsedArgs['values']): number | undefined {
  const mb = str(v['max-memory-mb']);
  if (mb === undefined) return undefined;
  if (!/^[1-9][0-9]*$/.test(mb) || Number(mb) < MIN_WORKER_MB) throw new UsageError(`--max-memory-mb expects a whole number of MB, at least ${MIN_WORKER_MB}, not ${JSON.stringify(mb)}`);
  return Number(mb);
}

/** A worker's smallest heap: its own code and one study transcript need about 20 MB. */
const MIN_WORKER_MB = 32;

/** `--index`, `--jobs` (default: one worker per core but one), `--max-memory-mb`, `--rules` / `--no-rules` checked; throws UsageError. */
export function corpusOptions(v: ParsedArgs['values']): CorpusOptions {
  const o: CorpusOptions = { jobs: jobsOption(v), ...rulesChoice(v) };
  const maxMemoryMB = maxMemoryOption(v);
  if (maxMemoryMB !== undefined) o.maxMemoryMB = maxMemoryMB;
  if (str(v['index']) !== undefined) o.index = str(v['index']);
  return o;
}

export interface CorpusRead {
  /** Set when the command should stop with this exit code (the worker bundle is missing: 1; interrupted: 130). */
  code?: number;
  runs: CorpusRun[];
  totals: { files: number; tagged: number; fromIndex: number };
  /** A path as messages name it (relative to the current folder). */
  display: (p: string) => string;
  /** Reports a problem on stderr; the command then exits 1. */
  problem: (m: string) => void;
  /** True once a problem was reported. */
  failed: () => boolean;
}

/**
 * Reads (or takes from the index) every run under `o.paths`, reporting as `peerwatch <command>`; runs
 * are tagged by the built-in detectors and the rules file `o` names (a rules file with errors is
 * reported, the rest of it used, and the command exits 1; one that cannot be read stops it).
 */
export async function readCorpus(command: string, o: { paths: readonly string[] } & CorpusOptions, err: Out): Promise<CorpusRead> {
  const workerFile = join(__dirname, 'corpusWorker.js');
  if (!existsSync(workerFile)) {
    err(`peerwatch ${command}: ${workerFile} is missing; run \`npm run build\` in the Peerwatch folder first\n`);
    return { code: 1, runs: [], totals: { files: 0, tagged: 0, fromIndex: 0 }, display: (p) => p, problem: () => undefined, failed: () => true };
  }
  const display = (p: string) => relative(process.cwd(), p) || p;
  let failed = false;
  const problem = (m: string) => {
    failed = true;
    err(`${m}\n`);
  };
  const rules = loadRulesChoice(command, o, err);
  if (rules.fatal) return { code: 1, runs: [], totals: { files: 0, tagged: 0, fromIndex: 0 }, display, problem, failed: () => true };
  if (rules.failed) failed = true;
  const rulesText: RulesText | undefined = rules.text;

  // Which index each path goes to: one --index for all, else each folder its own; files given alone none.
  const groups: Array<{ paths: string[]; base: string; indexFile?: string }> = [];
  const explicitFiles = new Set<string>();
  const loose: string[] = [];
  for (const p of o.paths) {
    let st;
    try {
      st = statSync(p);
    } catch {
      problem(`peerwatch ${command}: ${p}: no such file or folder`);
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

  const pool = new TagPool(workerFile, o.jobs, rulesText, workerHeap(o.maxMemoryMB));
  const controller = new AbortController();
  const onInterrupt = () => {
    controller.abort();
    void pool.close();
  };
  process.once('SIGINT', onInterrupt);
  const tty = process.stderr.isTTY === true;
  let lastShown = 0;
  let lastThousand = 0;
  const totals = { files: 0, tagged: 0, fromIndex: 0 };
  const runs: CorpusRun[] = [];
  const counted = new Set<string>();
  let interrupted = false;
  const written: string[] = [];
  try {
    const detector = corpusDetectorVersion(workerFile, rulesText);
    for (const g of groups) {
      if (controller.signal.aborted) break;
      const before = { ...totals };
      const r = await updateIndex({
        paths: g.paths,
        base: g.base,
        ...(g.indexFile ? { indexFile: g.indexFile } : {}),
        detector,
        tag: (path, shown) => pool.tag(path, shown),
        // Enough files in flight for every worker's batches (tagPool.ts).
        concurrency: pool.capacity,
        blockingStat: true,
        signal: controller.signal,
        display,
        warn: (m) => err(`peerwatch ${command}: ${m}\n`),
        onEntry: (entry, path) => {
          // A file under two of the paths given (a folder and its subfolder) counts once.
          if (counted.has(path)) return;
          counted.add(path);
          collectEntry(entry, path, explicitFiles.has(path), runs, display, (m) => problem(m.startsWith('error: ') ? m : `peerwatch ${command}: ${m}`));
        },
        onProgress: (p) => {
          const tagged = before.tagged + p.tagged;
          const line = `peerwatch ${command}: ${tagged} file${tagged === 1 ? '' : 's'} read and tagged, ${before.fromIndex + p.fromIndex} from the index, of ${before.files + p.found}${p.walked ? '' : ' found so far'}`;
          // A counter on a terminal; a line per thousand files tagged in a log.
          if (tty) {
            const now = Date.now();
            if (now - lastShown > 100 || p.walked) {
              lastShown = now;
              err(`\r${line}\u001b[K`);
            }
          } else if (Math.floor(tagged / 1000) > lastThousand) {
            // Once per thousand files crossed: progress comes per batch and again as the walk finds files.
            lastThousand = Math.floor(tagged / 1000);
            err(line + '\n');
          }
        },
      });
      totals.files += r.files;
      totals.tagged += r.tagged;
      totals.fromIndex += r.fromIndex;
      // The index written, or read as it was (an unchanged folder's is left as it is).
      if (r.written) written.push(display(r.written));
      else if (g.indexFile && r.fromIndex > 0) written.push(display(g.indexFile));
      if (r.interrupted) interrupted = true;
    }
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    await pool.close();
  }
  if (tty) err('\r\u001b[K');
  err(
    `peerwatch ${command}: ${totals.files} file${totals.files === 1 ? '' : 's'}: ${totals.tagged} read and tagged, ${totals.fromIndex} from the index` +
      `${written.length ? ` (${written.join(', ')})` : ''}\n`,
  );
  if (interrupted) {
    err(`peerwatch ${command}: interrupted; the index keeps the ${totals.tagged + totals.fromIndex} files done, and the next run reads the rest\n`);
    return { code: 130, runs, totals, display, problem, failed: () => true };
  }
  return { runs, totals, display, problem, failed: () => failed };
}

