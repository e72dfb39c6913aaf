/**
 * The corpus view's search over its runs: each run read through the caller's reader (a log's samples
 * through its sample-log opener, the log opened once), and the events holding the query posted as they
 * are found. Runs in the Node search worker (node/corpus/searchWorker.ts) and, in the web extension, in
 * the extension host itself (host/corpus/corpusSearch.web.ts), pausing between files.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import type { Transcript } from '../model';
import type { SampleLog } from '../formats/sampleLog';
import { searchEvents, type SearchHit } from './search';

/** What to search. */
export interface SearchJob {
  query: string;
  /** Runs to search, by file (a log's samples together, so it is opened once). */
  runs: Array<{ key: string; file: string; sample?: string }>;
  /** Hits kept per run (the rest are counted). */
  perRun: number;
}

/** Messages of a search, in order; `done` ends it. */
export type SearchMessage =
  | { type: 'hits'; key: string; hits: SearchHit[]; more: number }
  | { type: 'progress'; searched: number; total: number }
  | { type: 'problem'; key: string; message: string }
  | { type: 'done'; searched: number };

/** How the search reads runs. */
export interface SearchReader {
  /** The run `file` holds (a harness run with its siblings); rejects naming the file. */
  transcript(file: string): Promise<Transcript>;
  /** `file` as a log of many samples; undefined when it is not one. */
  sampleLog(file: string): Promise<SampleLog | undefined>;
}

/** Searches `job`'s runs, posting what it finds; stops (without `done`) once `stopped()` says so. */
export async function searchRuns(job: SearchJob, reader: SearchReader, post: (m: SearchMessage) => void, opts: { stopped?(): boolean; pause?(): Promise<void> } = {}): Promise<void> {
  const byFile = new Map<string, Array<{ key: string; sample?: string }>>();
  for (const r of job.runs) {
    const list = byFile.get(r.file) ?? [];
    list.push(r);
    byFile.set(r.file, list);
  }
  let searched = 0;
  let lastProgress = 0;
  const found = (key: string, hits: SearchHit[]) => {
    if (hits.length) post({ type: 'hits', key, hits: hits.slice(0, job.perRun), more: Math.max(0, hits.length - job.perRun) });
  };
  for (const [file, runs] of byFile) {
    if (opts.stopped?.()) return;
    try {
      if (runs.some((r) => r.sample !== undefined)) {
        const log = await reader.sampleLog(file);
        if (!log) throw new Error(`${file}: no longer a log Peerwatch can read`);
        for (const r of runs) {
          if (opts.stopped?.()) return;
          found(r.key, searchEvents((await log.readSample(r.sample!)).events, job.query));
        }
      } else found(runs[0]!.key, searchEvents((await reader.transcript(file)).events, job.query));
    } catch (e) {
      post({ type: 'problem', key: runs[0]!.key, message: e instanceof Error ? e.message : String(e) });
    }
    searched += runs.length;
    const now = Date.now();
    if (now - lastProgress > 200) {
      lastProgress = now;
      post({ type: 'progress', searched, total: job.runs.length });
    }
    await opts.pause?.();
  }
  if (!opts.stopped?.()) post({ type: 'done', searched });
}
