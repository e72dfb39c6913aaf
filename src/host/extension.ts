import * as vscode from 'vscode';
import { RUNLOG_VIEW_TYPE, TRANSCRIPT_VIEW_TYPE, TranscriptEditorProvider } from './transcriptEditorProvider';

/** Activates Peerwatch: the transcript editor and its commands. */
export function activate(context: vscode.ExtensionContext): void {
  const provider = new TranscriptEditorProvider(context.extensionUri);
  context.subscriptions.push(
    provider,
    vscode.commands.registerCommand('peerwatch.openInPeerwatch', (uri?: vscode.Uri) => openInPeerwatch(uri)),
    vscode.commands.registerCommand('peerwatch.showSource', async () => {
      const active = provider.active;
      if (!active) {
        void vscode.window.showInformationMessage('Peerwatch: open a transcript in Peerwatch first.');
        return;
      }
      await provider.openSource(active.document, active.focusedEvent);
    }),
  );
}

/** Reopens `uri` (or the active editor's file) in the Peerwatch editor. */
async function openInPeerwatch(uri: vscode.Uri | undefined): Promise<void> {
  const target = uri ?? activeResource();
  if (!target) {
    void vscode.window.showInformationMessage('Peerwatch: open a transcript file first, then run "Open in Peerwatch".');
    return;
  }
  const viewType = /\.runlog\.jsonl$/i.test(target.path) ? RUNLOG_VIEW_TYPE : TRANSCRIPT_VIEW_TYPE;
  // Like "Reopen Editor With…": the text tab of the same file is replaced, not left beside it
  // (unless it has unsaved edits, which are the user's and stay open).
  const column = vscode.window.tabGroups.activeTabGroup.viewColumn;
  await vscode.commands.executeCommand('vscode.openWith', target, viewType, column);
  // Tab objects are snapshots, so look the text tab up again after opening.
  const group = vscode.window.tabGroups.all.find((g) => g.viewColumn === column);
  const textTab = group?.tabs.find((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === target.toString() && !t.isDirty);
  if (textTab) await vscode.window.tabGroups.close(textTab, true);
}

/** The file behind the active tab, whether a text editor or a custom editor. */
function activeResource(): vscode.Uri | undefined {
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom) return input.uri;
  return vscode.window.activeTextEditor?.document.uri;
}

export function deactivate(): void {}
