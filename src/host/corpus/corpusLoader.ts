/**
 * A folder's runs for the corpus view and Behaviours in Folder, from the folder's corpus index
 * (FOLDER/.peerwatch/index.jsonl, the one `peerwatch summarize` keeps): files changed since are read and
 * tagged in worker threads (dist/corpusWorker.js, one per core), never on the extension host's thread,
 * with a cancellable progress notification; cancelling keeps a valid index of the files done. An
 * unchanged folder comes from the index alone. Two asks for the same folder at once share one load.
 * Runs are tagged by the built-in detectors and, in a trusted workspace, its rules file (as the editor
 * tags them; the index's detector version holds the rules text's hash, so editing it re-tags).
 */
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import type { CorpusRun } from '../../core/corpus/summarize';
import type { CorpusTotals } from '../../core/corpus/viewProtocol';
import type { IndexProgress } from '../../node/corpus/corpusIndexer';
import { corpusDetectorVersion, folderRuns } from '../../node/corpus/corpusRuns';
import { TagPool } from '../../node/corpus/tagPool';
import { loadRules } from '../review/documentBehaviours';

/** Problems kept to show (the rest are counted). */
const MAX_PROBLEMS = 20;

/** A folder's runs and what reading it gave. */
export interface LoadedCorpus {
  folder: vscode.Uri;
  runs: CorpusRun[];
  /** A run's file (`CorpusRun.file`: a path on this machine's disk in Node, a URI's path on the web) as a URI. */
  uriOf(file: string): vscode.Uri;
  totals: CorpusTotals;
  /** Why the workspace's rules file was not used (an untrusted workspace), if it was not. */
  rulesWithheld?: string;
}

export class CorpusLoader {
  private readonly loading = new Map<string, Promise<LoadedCorpus>>();

  constructor(private readonly extensionUri: vscode.Uri) {}

  /** The corpus worker bundle (built next to the extension's). */
  private get workerFile(): string {
    return vscode.Uri.joinPath(this.extensionUri, 'dist', 'corpusWorker.js').fsPath;
  }

  /**
   * Loads `folder`'s runs (see the module comment); `onProgress` hears the indexer's counts, shown in
   * a cancellable notification (or in a view, `{viewId}`). Rejects only when the folder is not on
   * this machine's disk.
   */
  load(folder: vscode.Uri, onProgress?: (text: string) => void, location: vscode.ProgressLocation | { viewId: string } = vscode.ProgressLocation.Notification): Promise<LoadedCorpus> {
    const k = folder.toString();
    const pending = this.loading.get(k);
    if (pending) return pending;
    const p = this.run(folder, location, onProgress).finally(() => this.loading.delete(k));
    this.loading.set(k, p);
    return p;
  }

  private async run(folder: vscode.Uri, location: vscode.ProgressLocation | { viewId: string }, onProgress?: (text: string) => void): Promise<LoadedCorpus> {
    if (folder.scheme !== 'file') throw new Error(`the corpus is read from folders on this machine's disk; ${folder.toString()} is not one`);
    const root = folder.fsPath;
    const name = vscode.workspace.asRelativePath(folder, false);
    const display = (p: string) => vscode.workspace.asRelativePath(vscode.Uri.file(p), false);
    const problems: string[] = [];
    let problemCount = 0;
    const problem = (m: string) => {
      problemCount++;
      if (problems.length < MAX_PROBLEMS) problems.push(m);
    };
    const describe = (p: IndexProgress) => `${p.tagged} read and tagged, ${p.fromIndex} from the index, of ${p.found}${p.walked ? '' : ' found so far'}`;
    // The workspace's rules, as the editor reads them (not in an untrusted workspace); their errors are problems of the folder.
    const rules = await loadRules(folder);
    for (const e of rules.errors) problem(`Rules file: ${e}`);
    return vscode.window.withProgress(
      { location, title: `Peerwatch: indexing ${name}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const pool = new TagPool(this.workerFile, Math.max(1, availableParallelism()), rules.text);
        const cancel = token.onCancellationRequested(() => {
          controller.abort();
          void pool.close();
        });
        let last = 0;
        try {
          const { runs, result } = await folderRuns({
            folder: root,
            pool,
            detector: corpusDetectorVersion(this.workerFile, rules.text),
            signal: controller.signal,
            display,
            warn: problem,
            problem,
            onProgress: (p) => {
              const now = Date.now();
              if (now - last < 150 && !p.walked) return;
              last = now;
              const text = describe(p);
              progress.report({ message: text });
              onProgress?.(text);
            },
          });
          return {
            folder,
            runs,
            uriOf: (file: string) => vscode.Uri.file(file),
            totals: { files: result.files, fromIndex: result.fromIndex, tagged: result.tagged, interrupted: result.interrupted, problems, problemCount, ...(rules.text ? { rules: rules.text.fileName } : {}) },
            ...(rules.withheld ? { rulesWithheld: rules.withheld } : {}),
          };
        } finally {
          cancel.dispose();
          await pool.close();
        }
      },
    );
  }
}
