/**
 * A folder's runs as the corpus counts them, from its index (brought up to date by the indexer and the
 * worker pool): the one path from files on disk to `CorpusRun`s, shared by `peerwatch summarize`, the
 * corpus view and Behaviours in Folder.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { RulesText } from '../../core/behaviours';
import type { IndexEntry } from '../../core/corpus/corpusIndex';
import type { CorpusRun } from '../../core/corpus/summarize';
import { parseReview, reviewSidecarPath } from '../../core/review/sidecar';
import { defaultIndexFile, updateIndex, type IndexProgress, type IndexerResult } from './corpusIndexer';
import type { TagPool } from './tagPool';
import { loadJudgeTags } from '../judge/judgeStore';

/**
 * The readers' and detectors' version: the corpus worker bundle's hash, so any change to them re-reads
 * every file, and the rules text's hash when a rules file tags too, so editing it re-tags.
 */
export function corpusDetectorVersion(workerFile: string, rules?: RulesText): string {
  const hash = (data: string | Buffer) => createHash('sha256').update(data).digest('hex').slice(0, 16);
  return `worker-sha256:${hash(readFileSync(workerFile))}${rules ? `+rules-sha256:${hash(rules.text)}` : ''}`;
}

/** Takes a file's entry into `runs`, reporting its problems (again, when it comes from the index: the exit status is the same). */
export function collectEntry(entry: IndexEntry, path: string, explicit: boolean, runs: CorpusRun[], display: (p: string) => string, problem: (m: string) => void): void {
  for (const p of entry.file.problems ?? []) problem(`error: ${p}`);
  if (entry.file.skipped !== undefined && explicit) problem(`${display(path)} is not a transcript Peerwatch can read: ${entry.file.skipped}`);
  for (const r of entry.runs) {
    for (const p of r.problems ?? []) problem(`error: ${p}`);
    const { type: _type, path: _path, ...rest } = r;
    runs.push({ ...rest, file: path, key: r.sample !== undefined ? `${path}#${r.sample}` : path });
  }
}

/** Reads the review sidecar of every run that has one; a sidecar with errors is reported and not used. */
export async function loadReviews(runs: readonly CorpusRun[], display: (p: string) => string, problem: (m: string) => void): Promise<void> {
  for (const run of runs) {
    const file = reviewSidecarPath(run.file, run.sample);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    const parsed = parseReview(display(file), text);
    if (parsed.review) run.review = parsed.review;
    else for (const e of parsed.errors) problem(`error: ${e.message}`);
  }
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
}

/**
 * The runs of every file under `folder`, from `folder/.peerwatch/index.jsonl` (files changed since are
 * read and tagged in the pool's workers, and the index rewritten), with their review sidecars and the
 * judge's tags where it has read them.
 */
export async function folderRuns(o: FolderRunsOptions): Promise<{ runs: CorpusRun[]; result: IndexerResult }> {
  const runs: CorpusRun[] = [];
  const display = o.display ?? ((p: string) => p);
  const result = await updateIndex({
    paths: [o.folder],
    base: o.folder,
    indexFile: defaultIndexFile(o.folder),
    detector: o.detector,
    tag: (path, shown) => o.pool.tag(path, shown),
    concurrency: o.pool.size * 2,
    display,
    warn: o.warn,
    onEntry: (entry, path) => collectEntry(entry, path, false, runs, display, o.problem),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onProgress ? { onProgress: o.onProgress } : {}),
  });
  await loadReviews(runs, display, o.problem);
  await loadJudgeTags(runs, display, o.problem);
  return { runs, result };
}
