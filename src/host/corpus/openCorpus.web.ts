/**
 * openCorpus.ts in the web extension: the corpus view needs the corpus loader's worker threads and
 * disk (corpusLoader.web.ts says why), so its commands say so in one line and the palette and menus
 * hide them there (`peerwatch.canRunLocally` stays unset).
 */
import * as vscode from 'vscode';
import type { ComparisonPanels } from '../compare/comparisonPanel';
import type { TranscriptEditorProvider } from '../transcriptEditorProvider';
import type { CorpusLoader } from './corpusLoader';
import { NO_CORPUS_ON_THE_WEB } from './corpusLoader.web';

export const OPEN_CORPUS_COMMAND = 'peerwatch.openCorpus';
export const OPEN_WORKSPACE_CORPUS_COMMAND = 'peerwatch.openWorkspaceCorpus';

export function registerCorpus(context: vscode.ExtensionContext, _loader: CorpusLoader, _editors: TranscriptEditorProvider, _comparisons: ComparisonPanels): void {
  const why = () => void vscode.window.showInformationMessage(`Peerwatch: ${NO_CORPUS_ON_THE_WEB}.`);
  for (const id of [OPEN_CORPUS_COMMAND, OPEN_WORKSPACE_CORPUS_COMMAND, 'peerwatch.exportCorpusCsv']) context.subscriptions.push(vscode.commands.registerCommand(id, why));
}
