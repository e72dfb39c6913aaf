/**
 * Commands of the corpus view: **Peerwatch: Open Corpus** (a folder's context menu in the explorer;
 * from the palette it asks for a folder), Open Corpus of the workspace (the button on Behaviours in
 * Folder's title), and Export Corpus as CSV (the active corpus view).
 */
import * as vscode from 'vscode';
import type { ComparisonPanels } from '../compare/comparisonPanel';
import type { TranscriptEditorProvider } from '../transcriptEditorProvider';
import { CorpusLoader } from './corpusLoader';
import { CorpusPanels, type CorpusPanel } from './corpusPanel';

export const OPEN_CORPUS_COMMAND = 'peerwatch.openCorpus';
export const OPEN_WORKSPACE_CORPUS_COMMAND = 'peerwatch.openWorkspaceCorpus';

/** The workspace folder to open the corpus of: the only one, else the one picked. */
async function workspaceFolder(): Promise<vscode.Uri | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length <= 1) return folders[0]?.uri;
  const picked = await vscode.window.showQuickPick(
    folders.map((f) => ({ label: f.name, description: f.uri.fsPath, uri: f.uri })),
    { title: 'Open the corpus of which folder?' },
  );
  return picked?.uri;
}

/** Registers the corpus commands; the loader is shared with Behaviours in Folder. */
export function registerCorpus(context: vscode.ExtensionContext, loader: CorpusLoader, editors: TranscriptEditorProvider, comparisons: ComparisonPanels): CorpusPanels {
  const panels = new CorpusPanels({ extensionUri: context.extensionUri, loader, editors, comparisons });
  let last: CorpusPanel | undefined;
  const open = (folder: vscode.Uri) => {
    last = panels.open(folder);
    return last;
  };
  context.subscriptions.push(
    panels,
    // Gives the panel once its folder is loaded (for scripts and tests).
    vscode.commands.registerCommand(OPEN_CORPUS_COMMAND, async (uri?: unknown) => {
      let folder = uri instanceof vscode.Uri ? uri : undefined;
      if (!folder) {
        const chosen = await vscode.window.showOpenDialog({
          canSelectFiles: false,
          canSelectFolders: true,
          canSelectMany: false,
          openLabel: 'Open Corpus',
          title: 'The folder of runs to open as a corpus',
          ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
        });
        folder = chosen?.[0];
      }
      if (!folder) return undefined;
      const panel = open(folder);
      await panel.loaded;
      return panel;
    }),
    vscode.commands.registerCommand(OPEN_WORKSPACE_CORPUS_COMMAND, async () => {
      const folder = await workspaceFolder();
      if (!folder) {
        void vscode.window.showInformationMessage('Peerwatch: open a folder of runs first.');
        return undefined;
      }
      const panel = open(folder);
      await panel.loaded;
      return panel;
    }),
    vscode.commands.registerCommand('peerwatch.exportCorpusCsv', async (to?: unknown) => {
      if (!last || !panels.get(last.folder)) {
        void vscode.window.showInformationMessage('Peerwatch: open a corpus first ("Peerwatch: Open Corpus").');
        return undefined;
      }
      return last.exportCsv(to instanceof vscode.Uri ? to : undefined);
    }),
  );
  return panels;
}
