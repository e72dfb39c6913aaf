import * as vscode from 'vscode';
import type { WebviewCommand } from '../core/protocol';
import { TranscriptEditorProvider } from './transcriptEditorProvider';
import { registerDiffDocuments } from './diffDocuments';
import { openRunAt, resolveLink, viewTypeFor } from './links';
import { registerRawToggle } from './rawToggle';
import { registerLocalRuns } from './platform';
import { registerComparison } from './compare/compareWith';
import { CorpusLoader } from './corpus/corpusLoader';
import { registerCorpus } from './corpus/openCorpus';
import { registerAskJudge } from './judge/askJudge';
import { BehavioursSidebar } from './review/sidebar';
import { FlagDecorations, FlagsCache, FolderBehaviours } from './review/folder';
import { addTagInteractively, markReviewed, removeTag, setTagVerdict } from './review/judgements';

/** Commands carried out inside the active Peerwatch editor (palette entries; keys work in the editor too). */
const EDITOR_COMMANDS: Record<string, WebviewCommand> = {
  'peerwatch.nextEvent': 'nextEvent',
  'peerwatch.previousEvent': 'previousEvent',
  'peerwatch.nextToolCall': 'nextToolCall',
  'peerwatch.previousToolCall': 'previousToolCall',
  'peerwatch.firstEvent': 'firstEvent',
  'peerwatch.lastEvent': 'lastEvent',
  'peerwatch.toggleEvent': 'toggleEvent',
  'peerwatch.expandAll': 'expandAll',
  'peerwatch.collapseAll': 'collapseAll',
  'peerwatch.find': 'find',
  'peerwatch.findNext': 'findNext',
  'peerwatch.findPrevious': 'findPrevious',
  'peerwatch.clearFilter': 'clearFilter',
};

/** Activates Peerwatch: the transcript editor, its commands and deep links. */
export function activate(context: vscode.ExtensionContext): void {
  const provider = new TranscriptEditorProvider(context.extensionUri);
  const activeOrTell = () => {
    const active = provider.active;
    if (!active) void vscode.window.showInformationMessage('Peerwatch: open a transcript in Peerwatch first.');
    return active;
  };
  const openLink = async (link: vscode.Uri) => {
    try {
      const { uri, index, sample } = await resolveLink(link);
      await openRunAt(provider, uri, index, sample);
    } catch (e) {
      void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
    }
  };
  registerRawToggle(context);
  // Re-run Scenario (src/host/rerun): the run shown in the active Peerwatch editor. Where no process
  // can start (the web extension, src/host/platform.web.ts) the commands say why instead.
  registerLocalRuns(context, () => {
    const active = provider.active;
    const header = active?.source?.header;
    return active && header ? { header, uri: active.document.sourceUri } : undefined;
  });
  // Compare with… and the comparison view (src/host/compare): A is the run in the active Peerwatch editor.
  const comparisons = registerComparison(context, () => {
    const doc = provider.active?.document;
    return doc ? { uri: doc.sourceUri, ...(doc.sampleKey !== undefined ? { sample: doc.sampleKey } : {}) } : undefined;
  });
  // The corpus view (src/host/corpus); its loader (the folder's index, worker threads) is Behaviours in Folder's too.
  const corpusLoader = new CorpusLoader(context.extensionUri);
  registerCorpus(context, corpusLoader, provider, comparisons);
  // Ask the Judge (src/host/judge): the run in the active Peerwatch editor.
  registerAskJudge(context, provider);
  const sidebar = new BehavioursSidebar(provider);
  const flagsCache = new FlagsCache();
  // Review judgements: from the sidebar's context menu (a tag node) or, from the palette, the
  // selected tag in the sidebar.
  const judgeCommand = (verdict: 'confirmed' | 'dismissed' | 'clear') => async (arg?: unknown) => {
    const target = sidebar.tagFrom(arg);
    if (!target) {
      void vscode.window.showInformationMessage('Peerwatch: select a tag in the Behaviours view first (or use the ✓/✗ buttons on a tag in the editor).');
      return;
    }
    await setTagVerdict(target.doc, target.tagId, verdict);
  };
  context.subscriptions.push(
    sidebar,
    flagsCache,
    vscode.window.registerFileDecorationProvider(new FlagDecorations(flagsCache)),
    new FolderBehaviours(flagsCache, provider, corpusLoader),
    provider.onDidSaveReview((uri) => flagsCache.invalidate(uri)),
    vscode.commands.registerCommand('peerwatch.confirmTag', judgeCommand('confirmed')),
    vscode.commands.registerCommand('peerwatch.dismissTag', judgeCommand('dismissed')),
    vscode.commands.registerCommand('peerwatch.clearVerdict', judgeCommand('clear')),
    vscode.commands.registerCommand('peerwatch.removeManualTag', async (arg?: unknown) => {
      const target = sidebar.tagFrom(arg);
      if (target) await removeTag(target.doc, target.tagId);
    }),
    vscode.commands.registerCommand('peerwatch.addTag', async () => {
      const active = activeOrTell();
      if (!active) return;
      if (active.focusedEvent === undefined) {
        void vscode.window.showInformationMessage('Peerwatch: select an event first (click it), then add a tag.');
        return;
      }
      await addTagInteractively(active.document, active.focusedEvent);
    }),
    vscode.commands.registerCommand('peerwatch.markReviewed', async () => {
      const doc = provider.active?.document ?? sidebar.document;
      if (doc) await markReviewed(doc, true);
      else activeOrTell();
    }),
    vscode.commands.registerCommand('peerwatch.markNotReviewed', async () => {
      const doc = provider.active?.document ?? sidebar.document;
      if (doc) await markReviewed(doc, false);
      else activeOrTell();
    }),
    provider,
    registerDiffDocuments(),
    vscode.window.registerUriHandler({ handleUri: openLink }),
    vscode.commands.registerCommand('peerwatch.openInPeerwatch', (uri?: vscode.Uri) => openInPeerwatch(uri)),
    vscode.commands.registerCommand('peerwatch.showSource', async () => {
      const active = activeOrTell();
      if (active) await active.openSource(active.focusedEvent);
    }),
    vscode.commands.registerCommand('peerwatch.nextSample', async () => activeOrTell()?.stepSample(1)),
    vscode.commands.registerCommand('peerwatch.previousSample', async () => activeOrTell()?.stepSample(-1)),
    // Both give what they did (the sample and event opened, the file written), for scripts and tests.
    vscode.commands.registerCommand('peerwatch.nextFlaggedSample', async () => activeOrTell()?.stepFlaggedSample(1)),
    vscode.commands.registerCommand('peerwatch.previousFlaggedSample', async () => activeOrTell()?.stepFlaggedSample(-1)),
    vscode.commands.registerCommand('peerwatch.exportSamplesCsv', async (to?: unknown) => activeOrTell()?.exportSamples(to instanceof vscode.Uri ? to : undefined)),
    vscode.commands.registerCommand('peerwatch.copyEventLink', async () => {
      const active = activeOrTell();
      if (active) await active.copyLink(active.focusedEvent);
    }),
    vscode.commands.registerCommand('peerwatch.openEventLink', async (link?: string) => {
      const text =
        link ??
        (await vscode.window.showInputBox({
          title: 'Open Peerwatch Link',
          prompt: 'Paste a link made by "Peerwatch: Copy Link to Event"',
          validateInput: (v) => (/^[a-z][a-z0-9+.-]*:\/\/[^/]+\/open\?/i.test(v.trim()) ? undefined : 'Expected a link like vscode://peerwatch.peerwatch/open?file=…&event=…'),
        }));
      if (text) await openLink(vscode.Uri.parse(text.trim(), true));
    }),
    ...Object.entries(EDITOR_COMMANDS).map(([id, command]) =>
      vscode.commands.registerCommand(id, () => activeOrTell()?.command(command)),
    ),
  );
}

/** Reopens `uri` (or the active editor's file) in the Peerwatch editor. */
async function openInPeerwatch(uri: vscode.Uri | undefined): Promise<void> {
  const target = uri ?? activeResource();
  if (!target) {
    void vscode.window.showInformationMessage('Peerwatch: open a transcript file first, then run "Open in Peerwatch".');
    return;
  }
  // Like "Reopen Editor With…": the text tab of the same file is replaced, not left beside it
  // (unless it has unsaved edits, which are the user's and stay open).
  const column = vscode.window.tabGroups.activeTabGroup.viewColumn;
  await vscode.commands.executeCommand('vscode.openWith', target, viewTypeFor(target), column);
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
