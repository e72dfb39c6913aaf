/**
 * The corpus search worker (dist/corpusSearch.js): reads each run it is given through the one run
 * reader (readTranscriptFile; a log's samples through the sample-log reader) and posts the events
 * holding the query as it finds them. One worker per search, started by the corpus view; a new query
 * or Esc terminates it (nothing is kept between searches), so the extension host never reads a file.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { searchEvents, type SearchHit } from '../../core/corpus/search';
import { readTranscriptFile } from '../readTranscript';
import { openSampleLogFile } from '../sampleLogs';

/** What to search. */
export interface SearchJob {
  query: string;
  /** Runs to search, by file (a log's samples together, so it is opened once). */
  runs: Array<{ key: string; file: string; sample?: string }>;
  /** Hits kept per run (the rest are counted). */
  perRun: number;
}

/** Messages from the worker. */
export type SearchMessage =
  | { type: 'hits'; key: string; hits: SearchHit[]; more: number }
  | { type: 'progress'; searched: number; total: number }
  | { type: 'problem'; key: string; message: string }
  | { type: 'done'; searched: number };

function post(m: SearchMessage): void {
  parentPort!.postMessage(m);
}

async function search(job: SearchJob): Promise<void> {
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
    try {
      if (runs.some((r) => r.sample !== undefined)) {
        const log = await openSampleLogFile(file);
        if (!log) throw new Error(`${file}: no longer a log Peerwatch can read`);
        for (const r of runs) found(r.key, searchEvents((await log.readSample(r.sample!)).events, job.query));
      } else found(runs[0]!.key, searchEvents((await readTranscriptFile(file)).events, job.query));
    } catch (e) {
      post({ type: 'problem', key: runs[0]!.key, message: e instanceof Error ? e.message : String(e) });
    }
    searched += runs.length;
    const now = Date.now();
    if (now - lastProgress > 200) {
      lastProgress = now;
      post({ type: 'progress', searched, total: job.runs.length });
    }
  }
  post({ type: 'done', searched });
}

if (parentPort && workerData) void search(workerData as SearchJob);
