/**
 * corpusLoader.ts in the web extension. The corpus is read through its index and worker threads on
 * this machine's disk (node/corpus), which VS Code for the Web has neither of, so loading a folder
 * there rejects with one line saying why; Behaviours in Folder shows it in its view.
 */
import * as vscode from 'vscode';
import type * as NodeLoader from './corpusLoader';
import type { LoadedCorpus } from './corpusLoader';

export type { LoadedCorpus } from './corpusLoader';

export const NO_CORPUS_ON_THE_WEB =
  'the corpus (counts across a folder, the corpus view) is read with worker threads on this machine’s disk, which VS Code for the Web does not have; open the folder in desktop VS Code, or run `peerwatch summarize` there';

export class CorpusLoader {
  constructor(_extensionUri: vscode.Uri) {}

  load(_folder: vscode.Uri, _onProgress?: (text: string) => void, _location?: vscode.ProgressLocation | { viewId: string }): Promise<LoadedCorpus> {
    return Promise.reject(new Error(NO_CORPUS_ON_THE_WEB));
  }
}

export const nodeShapeCheck: { CorpusLoader: new (u: vscode.Uri) => Pick<NodeLoader.CorpusLoader, 'load'> } = { CorpusLoader };
