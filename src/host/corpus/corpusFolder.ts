/**
 * Reading a folder's runs for the corpus loader (corpusLoader.ts), Node side: files on this machine's
 * disk, read and tagged in worker threads (dist/corpusWorker.js, one per core), never on the extension
 * host's thread, through the folder's corpus index (node/corpus/corpusRuns.ts: the one path `peerwatch
 * summarize` takes too). corpusFolder.web.ts is the web extension's twin.
 */
import * as vscode from 'vscode';
import type { RulesText } from '../../core/behaviours';
import type { CorpusRun } from '../../core/corpus/summarize';
import type { IndexProgress, UpdateIndexResult } from '../../core/corpus/updateIndex';
import { corpusDetectorVersion, folderRuns } from '../../node/corpus/corpusRuns';
import { TagPool, defaultWorkers } from '../../node/corpus/tagPool';

/** What reading a folder needs besides the folder. */
export interface ReadFolderOptions {
  /** The workspace's rules file, tagging besides the built-in detectors. */
  rules?: RulesText;
  signal: AbortSignal;
  onProgress(p: IndexProgress): void;
  /** Problems with the index itself. */
  warn(message: string): void;
  /** Problems with the runs. */
  problem(message: string): void;
}

/** A folder's runs, what indexing did, and how a run's `file` names a URI. */
export interface FolderRead {
  runs: CorpusRun[];
  result: Omit<UpdateIndexResult, 'written'>;
  uriOf(file: string): vscode.Uri;
}

/** Reads `folder`'s runs (a folder on this machine's disk). */
export async function readCorpusFolder(extensionUri: vscode.Uri, folder: vscode.Uri, o: ReadFolderOptions): Promise<FolderRead> {
  if (folder.scheme !== 'file') throw new Error(`the corpus is read from folders on this machine's disk; ${folder.toString()} is not one`);
  const workerFile = vscode.Uri.joinPath(extensionUri, 'dist', 'corpusWorker.js').fsPath;
  const pool = new TagPool(workerFile, defaultWorkers(), o.rules);
  const close = () => void pool.close();
  o.signal.addEventListener('abort', close);
  try {
    const { runs, result } = await folderRuns({
      folder: folder.fsPath,
      pool,
      detector: corpusDetectorVersion(workerFile, o.rules),
      signal: o.signal,
      display: (p) => vscode.workspace.asRelativePath(vscode.Uri.file(p), false),
      warn: o.warn,
      problem: o.problem,
      onProgress: o.onProgress,
    });
    return { runs, result, uriOf: (file) => vscode.Uri.file(file) };
  } finally {
    o.signal.removeEventListener('abort', close);
    await pool.close();
  }
}
