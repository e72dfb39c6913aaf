/**
 * Where the corpus view's search runs (core/corpus/searchRuns.ts): in Node, in a worker thread of its
 * own (dist/corpusSearch.js), so the extension host never reads a file for it; corpusSearch.web.ts is
 * the web extension's twin, which searches in the host, file by file, pausing between files.
 */
import { Worker } from 'node:worker_threads';
import * as vscode from 'vscode';
import type { SearchJob, SearchMessage } from '../../core/corpus/searchRuns';

export type { SearchJob, SearchMessage } from '../../core/corpus/searchRuns';

/** A search under way. */
export interface RunningSearch {
  /** Stops it: no message comes after. */
  stop(): void;
}

/** What a search tells: its messages in order, or why it stopped. */
export interface SearchListener {
  message(m: SearchMessage): void;
  failed(e: Error): void;
}

/** Starts `job` (the runs' files are the loaded corpus's: `uriOf` gives each one's URI). */
export function startSearch(extensionUri: vscode.Uri, job: SearchJob, _uriOf: (file: string) => vscode.Uri, listener: SearchListener): RunningSearch {
  const worker = new Worker(vscode.Uri.joinPath(extensionUri, 'dist', 'corpusSearch.js').fsPath, { workerData: job });
  let stopped = false;
  const stop = () => {
    stopped = true;
    void worker.terminate();
  };
  worker.on('message', (m: SearchMessage) => {
    if (stopped) return;
    listener.message(m);
    if (m.type === 'done') stop();
  });
  worker.on('error', (e) => {
    if (!stopped) listener.failed(e);
  });
  return { stop };
}
