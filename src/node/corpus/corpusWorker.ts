/**
 * The corpus worker (dist/corpusWorker.js): reads and tags the files the pool (tagPool.ts) sends it,
 * one at a time, and answers with what the corpus index keeps of each run (core/corpus/tagFile.ts). Long-lived,
 * unlike the editor's one-run detection worker (detectWorker.ts): a corpus has hundreds of thousands of
 * files and a worker's start costs more than tagging most of them. The rules file it tags with (a
 * workspace's, or `--rules`) comes once, as its workerData.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rulesFromText, type RulesText } from '../../core/behaviours';
import { syncNodeRunFiles } from '../readTranscript';
import { tagFile, type FileTags } from '../../core/corpus/tagFile';
import { tagFileReports, type FileTagged } from '../../core/corpus/tagReports';
import { openSampleLogFile } from '../sampleLogs';

/**
 * Files to tag, a few at a time (one message each way per batch: the main thread's cost is per
 * message). A file with `report` is answered as `peerwatch tag` reports it (core/corpus/tagReports.ts),
 * any other with what the corpus index keeps (core/corpus/tagFile.ts).
 */
export interface TagRequest {
  files: Array<{ id: number; path: string; report?: { explicit: boolean } }>;
}

/** Their runs (or why none), in the order asked. */
export interface TagReply {
  results: Array<{ id: number; result: FileTags | FileTagged }>;
}

/** What a worker starts with: the rules file to tag with besides the built-in detectors. */
export interface TagWorkerData {
  rules?: RulesText;
}

const rules = rulesFromText((workerData as TagWorkerData | null)?.rules);

// The pool sends batches ahead (tagPool.ts); their files are tagged one after another, in the order
// sent, so the worker holds one parsed run at a time, and each batch is answered as a whole.
let done: Promise<void> = Promise.resolve();
parentPort?.on('message', (req: TagRequest) => {
  done = done.then(async () => {
    const results: TagReply['results'] = [];
    for (const f of req.files) {
      const result = f.report ? await tagFileReports(f.path, f.report.explicit, syncNodeRunFiles, openSampleLogFile, rules) : await tagFile(f.path, syncNodeRunFiles, openSampleLogFile, undefined, rules);
      results.push({ id: f.id, result });
    }
    parentPort!.postMessage({ results } satisfies TagReply);
  });
});
