/**
 * Reading a folder's runs for the corpus loader (corpusLoader.ts), Node side: files on this machine's
 * disk, read in a worker thread (dist/corpusFolder.js, node/corpus/folderWorker.ts: the walk, every
 * file's `stat`, the index, the sidecars) whose own corpus workers tag the files not in the index,
 * through the one path `peerwatch summarize` takes too (node/corpus/corpusRuns.ts). The extension
 * host's thread only receives the runs, a batch at a time. corpusFolder.web.ts is the web extension's
 * twin.
 */
import * as vscode from 'vscode';
import type { RulesText } from '../../core/behaviours';
import { StringPool } from '../../core/corpus/folderRuns';
import type { CorpusRun } from '../../core/corpus/summarize';
import type { IndexProgress, UpdateIndexResult } from '../../core/corpus/updateIndex';
import type { FolderCancel, FolderReply, FolderRequest } from '../../node/corpus/folderWorker';
import { startWorkerJob } from '../../node/workerJob';

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

/** Reads `folder`'s runs (a folder on this machine's disk); cancelling keeps in the index what was done. */
export async function readCorpusFolder(extensionUri: vscode.Uri, folder: vscode.Uri, o: ReadFolderOptions): Promise<FolderRead> {
  if (folder.scheme !== 'file') throw new Error(`the corpus is read from folders on this machine's disk; ${folder.toString()} is not one`);
  // Files are named as VS Code names workspace files (asRelativePath): relative to their workspace
  // folder, after its name when the workspace has several.
  const root = vscode.workspace.getWorkspaceFolder(folder);
  const req: FolderRequest = {
    folder: folder.fsPath,
    workerFile: vscode.Uri.joinPath(extensionUri, 'dist', 'corpusWorker.js').fsPath,
    ...(o.rules ? { rules: o.rules } : {}),
    ...(root ? { root: root.uri.fsPath, prefix: (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? `${root.name}/` : '' } : {}),
  };
  const runs: CorpusRun[] = [];
  // Each batch arrives with copies of its own of the strings every run repeats: one of each is kept.
  const strings = new StringPool();
  const job = startWorkerJob<FolderRequest, FolderReply, Omit<UpdateIndexResult, 'written'>>(vscode.Uri.joinPath(extensionUri, 'dist', 'corpusFolder.js').fsPath, req, 'the corpus folder worker', (m, settle) => {
    if ('runs' in m) for (const r of m.runs) runs.push(strings.shareIn(r));
    else if ('progress' in m) o.onProgress(m.progress);
    else if ('warn' in m) o.warn(m.warn);
    else if ('problem' in m) o.problem(m.problem);
    else if ('done' in m) settle.resolve(m.done);
    else settle.reject(new Error(m.error));
  });
  // Cancelled: the worker stops as Ctrl-C stops summarize, writes the index of what was done, then answers.
  const cancel = () => job.post({ cancel: true } satisfies FolderCancel);
  o.signal.addEventListener('abort', cancel);
  try {
    // Undefined only for a job cancelled by `job.cancel()`, which this never calls.
    const result = await job.result;
    if (!result) throw new Error('the corpus folder worker was stopped');
    return { runs, result, uriOf: (file) => vscode.Uri.file(file) };
  } finally {
    o.signal.removeEventListener('abort', cancel);
  }
}
