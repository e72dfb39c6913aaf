/**
 * A folder's runs for the corpus view and Behaviours in Folder, from the folder's corpus index
 * (FOLDER/.peerwatch/index.jsonl, the one `peerwatch summarize` keeps): files changed since are read and
 * tagged (corpusFolder.ts: in worker threads in Node, never on the extension host's thread;
 * corpusFolder.web.ts: in the web worker host, file by file with a pause between files), with a
 * cancellable progress notification; cancelling keeps a valid index of the files done. An unchanged
 * folder comes from the index alone. Two asks for the same folder at once share one load when they
 * tag with the same rules. Runs are tagged by the built-in detectors and, in a trusted workspace, its
 * rules file (as the editor tags them; the index's detector version holds the rules text's hash, so
 * editing it re-tags).
 */
import * as vscode from 'vscode';
import { byRunKey, type CorpusRun } from '../../core/corpus/summarize';
import type { IndexProgress } from '../../core/corpus/updateIndex';
import type { CorpusTotals } from '../../core/corpus/viewProtocol';
import { loadRules } from '../review/documentBehaviours';
import { readCorpusFolder } from './corpusFolder';

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

  /**
   * Loads `folder`'s runs (see the module comment); `onProgress` hears the indexer's counts, shown in
   * a cancellable notification (or in a view, `{viewId}`). Rejects only when the folder is not on
   * this machine's disk (in Node; on the web any folder VS Code can read is read).
   */
  async load(folder: vscode.Uri, onProgress?: (text: string) => void, location: vscode.ProgressLocation | { viewId: string } = vscode.ProgressLocation.Notification): Promise<LoadedCorpus> {
    // The workspace's rules, as the editor reads them (not in an untrusted workspace). A load under way
    // is shared only when it tags with the same rules: a view reloading because the rules file changed
    // must not take the load another view began before the change.
    const rules = await loadRules(folder);
    const k = `${folder.toString()}\n${rules.withheld ?? ''}\n${rules.text ? `${rules.text.fileName}\n${rules.text.text}` : ''}`;
    const pending = this.loading.get(k);
    if (pending) return pending;
    const p = this.run(folder, rules, location, onProgress).finally(() => this.loading.delete(k));
    this.loading.set(k, p);
    return p;
  }

  private async run(folder: vscode.Uri, rules: Awaited<ReturnType<typeof loadRules>>, location: vscode.ProgressLocation | { viewId: string }, onProgress?: (text: string) => void): Promise<LoadedCorpus> {
    const name = vscode.workspace.asRelativePath(folder, false);
    const problems: string[] = [];
    let problemCount = 0;
    const problem = (m: string) => {
      problemCount++;
      if (problems.length < MAX_PROBLEMS) problems.push(m);
    };
    const describe = (p: IndexProgress) => `${p.tagged} read and tagged, ${p.fromIndex} from the index, of ${p.found}${p.walked ? '' : ' found so far'}`;
    // The rules' errors are problems of the folder.
    for (const e of rules.errors) problem(`Rules file: ${e}`);
    return vscode.window.withProgress(
      { location, title: `Peerwatch: indexing ${name}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort());
        let last = 0;
        try {
          const { runs, result, uriOf } = await readCorpusFolder(this.extensionUri, folder, {
            ...(rules.text ? { rules: rules.text } : {}),
            signal: controller.signal,
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
          // The last counts, which the throttle above may have held back: the notification must not
          // close (or a view show its table) under a count of files from before the end.
          const final = describe({ tagged: result.tagged, fromIndex: result.fromIndex, found: result.files, walked: true });
          progress.report({ message: final });
          onProgress?.(final);
          // Files are tagged as workers finish them, so runs arrive in no fixed order: both views list
          // them by key, the same on every load (and the first 1,000 Behaviours in Folder lists are the same ones).
          runs.sort(byRunKey);
          return {
            folder,
            runs,
            uriOf,
            totals: { files: result.files, fromIndex: result.fromIndex, tagged: result.tagged, interrupted: result.interrupted, problems, problemCount, ...(rules.text ? { rules: rules.text.fileName } : {}) },
            ...(rules.withheld ? { rulesWithheld: rules.withheld } : {}),
          };
        } finally {
          cancel.dispose();
        }
      },
    );
  }
}
