/**
 * A folder's runs as the corpus counts them, from its index (brought up to date by the indexer and the
 * worker pool): the one path from files on disk to `CorpusRun`s, shared by `peerwatch summarize`, the
 * corpus view and Behaviours in Folder.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { RulesText } from '../../core/behaviours';
import * as sidecars from '../../core/corpus/folderRuns';
import type { CorpusRun } from '../../core/corpus/summarize';
import { defaultIndexFile, updateIndex, type IndexProgress, type IndexerResult } from './corpusIndexer';
import type { TagPool } from './tagPool';
import { listDirOnDisk, readTextOnDisk } from '../judge/judgeStore';

/**
 * The readers' and detectors' version: the corpus worker bundle's hash, so any change to them re-reads
 * every file, and the rules text's hash when a rules file tags too, so editing it re-tags.
 */
export function corpusDetectorVersion(workerFile: string, rules?: RulesText): string {
  const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 16);
  return `worker-sha256:${hash(readFileSync(workerFile))}${rules ? `+rules-sha256:${hash(rules.text)}` : ''}`;
}

export { collectEntry } from '../../core/corpus/folderRuns';

/** Reads the review sidecar of every run that has one; a sidecar with errors is reported and not used. */
export function loadReviews(runs: readonly CorpusRun[], display: (p: string) => string, problem: (m: string) => void): Promise<void> {
  return sidecars.loadReviews(runs, readTextOnDisk, display, problem, listDirOnDisk);
}

export interface FolderRunsOptions {
  folder: string;
  pool: TagPool;
  detector: string;
  signal?: AbortSignal;
  display?(path: string): string;
  onProgress?(p: IndexProgress): void;
  /** Problems with the index itself. */
  warn(message: string): void;
  /** Problems with the runs (a file that could not be read whole). */
  problem(message: string): void;
  /** Look at each file with a blocking `stat` (a thread with nothing else to do: the CLI, the folder worker). */
  blockingStat?: boolean;
}

/** Runs handed on at a time by streamFolderRuns. */
const RUNS_PER_BATCH = 2000;

/**
 * The runs of every file under `folder`, from `folder/.peerwatch/index.jsonl` (files changed since are
 * read and tagged in the pool's workers, and the index rewritten), with their review sidecars and the
 * judge's tags where it has read them, a batch at a time in the folder's order: each batch goes to
 * `onRuns` as soon as it is complete, so the caller (the folder worker, which sends them to the
 * extension host) never holds them all twice.
 */
export async function streamFolderRuns(o: FolderRunsOptions & { onRuns(batch: CorpusRun[]): void }): Promise<IndexerResult> {
  const display = o.display ?? ((p: string) => p);
  // Each folder is listed once for every batch, for reviews and judge files alike.
  const listings = new Map<string, Promise<ReadonlySet<string> | undefined>>();
  const listDir = (dir: string) => {
    let names = listings.get(dir);
    if (!names) listings.set(dir, (names = listDirOnDisk(dir)));
    return names;
  };
  let batch: CorpusRun[] = [];
  let handed: Promise<void> = Promise.resolve();
  const handOn = () => {
    if (batch.length === 0) return;
    const runs = batch;
    batch = [];
    handed = handed.then(async () => {
      await sidecars.loadReviews(runs, readTextOnDisk, display, o.problem, listDir);
      await sidecars.loadJudgeTags(runs, readTextOnDisk, display, o.problem, listDir);
      o.onRuns(runs);
    });
    // Awaited at the end; marked handled now so a failure waits for it.
    handed.catch(() => undefined);
  };
  const result = await updateIndex({
    paths: [o.folder],
    base: o.folder,
    indexFile: defaultIndexFile(o.folder),
    detector: o.detector,
    tag: (path, shown) => o.pool.tag(path, shown),
    // Enough files in flight for every worker's batches (tagPool.ts).
    concurrency: o.pool.capacity,
    display,
    warn: o.warn,
    ...(o.blockingStat ? { blockingStat: true } : {}),
    onEntry: (entry, path) => {
      sidecars.collectEntry(entry, path, false, batch, display, o.problem);
      if (batch.length >= RUNS_PER_BATCH) handOn();
    },
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  handOn();
  await handed;
  return result;
}
