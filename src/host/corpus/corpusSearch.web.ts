/**
 * corpusSearch.ts in the web extension: the browser's extension host cannot start a worker from a
 * file, so the search (core/corpus/searchRuns.ts) runs in the host itself, one file at a time, reading
 * each through `vscode.workspace.fs` (the files seam) and pausing between files (yieldToHost), so the
 * host keeps answering; stopping it ends it at the next file (or sample).
 */
import * as vscode from 'vscode';
import { searchRuns, type SearchJob } from '../../core/corpus/searchRuns';
import { readRun } from '../../core/formats/readRun';
import { openSampleLogAt, yieldToHost } from '../files';
import { vscodeRunFiles } from '../runFiles';
import type { RunningSearch, SearchListener } from './corpusSearch';
import type * as NodeSearch from './corpusSearch';

export type { RunningSearch, SearchJob, SearchListener, SearchMessage } from './corpusSearch';

export function startSearch(_extensionUri: vscode.Uri, job: SearchJob, uriOf: (file: string) => vscode.Uri, listener: SearchListener): RunningSearch {
  let stopped = false;
  const reader = {
    transcript: async (file: string) => {
      const uri = uriOf(file);
      return (await readRun(vscodeRunFiles(uri), uri.path)).transcript;
    },
    sampleLog: (file: string) => {
      const uri = uriOf(file);
      return openSampleLogAt(uri, vscode.workspace.asRelativePath(uri, false));
    },
  };
  void searchRuns(job, reader, (m) => !stopped && listener.message(m), { stopped: () => stopped, pause: yieldToHost }).then(
    () => undefined,
    (e: unknown) => !stopped && listener.failed(e instanceof Error ? e : new Error(String(e))),
  );
  return { stop: () => (stopped = true) };
}

export const nodeShapeCheck: typeof NodeSearch = { startSearch };
