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
import { openSampleLogFile } from '../sampleLogs';

/** A file to tag. */
export interface TagRequest {
  id: number;
  path: string;
}

/** Its runs (or why none). */
export interface TagReply {
  id: number;
  result: FileTags;
}

/** What a worker starts with: the rules file to tag with besides the built-in detectors. */
export interface TagWorkerData {
  rules?: RulesText;
}

const rules = rulesFromText((workerData as TagWorkerData | null)?.rules);

// The pool sends a few files ahead (tagPool.ts); they are tagged one after another, in the order sent,
// so the worker holds one parsed run at a time and the pool knows which file it is on.
let done: Promise<void> = Promise.resolve();
parentPort?.on('message', (req: TagRequest) => {
  done = done.then(() => tagFile(req.path, syncNodeRunFiles, openSampleLogFile, undefined, rules).then((result) => parentPort!.postMessage({ id: req.id, result } satisfies TagReply)));
});
