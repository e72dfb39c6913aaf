/**
 * "Peerwatch: Toggle Raw Log / Peerwatch View": replaces the active tab with the other view of the
 * same file, like "Reopen Editor With…": a Peerwatch editor becomes the text editor (the raw JSON
 * Lines, coloured by syntaxes/runlog.tmLanguage.json), a text editor becomes the Peerwatch editor.
 *
 * Two command ids run it, because a command has one icon and the title-bar button should say where
 * it goes: `peerwatch.toggleRawView` ($(code), shown on Peerwatch editors and in the palette) and
 * `peerwatch.toggleRawView.toPeerwatch` ($(preview), shown on text editors of run logs and harness
 * `events.jsonl` files; hidden from the palette).
 */
import * as vscode from 'vscode';
import { RUNLOG_VIEW_TYPE, TRANSCRIPT_VIEW_TYPE } from './transcriptEditorProvider';
import { viewTypeFor } from './links';

export const TOGGLE_RAW_VIEW = 'peerwatch.toggleRawView';
export const TOGGLE_RAW_VIEW_TO_PEERWATCH = 'peerwatch.toggleRawView.toPeerwatch';

const PEERWATCH_VIEW_TYPES: readonly string[] = [RUNLOG_VIEW_TYPE, TRANSCRIPT_VIEW_TYPE];
/** The `vscode.openWith` id of the built-in text editor. */
const TEXT_EDITOR = 'default';

export function registerRawToggle(context: vscode.ExtensionContext): void {
  // Menus pass the editor's resource (and an editor-group context object, ignored here).
  const run = (uri?: unknown) => toggleRawView(uri instanceof vscode.Uri ? uri : undefined);
  context.subscriptions.push(
    vscode.commands.registerCommand(TOGGLE_RAW_VIEW, run),
    vscode.commands.registerCommand(TOGGLE_RAW_VIEW_TO_PEERWATCH, run),
  );
}

type View = { kind: 'text' } | { kind: 'peerwatch'; viewType: string };

function viewOf(tab: vscode.Tab): View | undefined {
  const input = tab.input;
  if (input instanceof vscode.TabInputText) return { kind: 'text' };
  if (input instanceof vscode.TabInputCustom && PEERWATCH_VIEW_TYPES.includes(input.viewType)) {
    return { kind: 'peerwatch', viewType: input.viewType };
  }
  return undefined;
}

function uriOf(tab: vscode.Tab): vscode.Uri | undefined {
  const input = tab.input;
  return input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom ? input.uri : undefined;
}

const sameFile = (a: vscode.Uri, b: vscode.Uri) => a.toString() === b.toString();

/**
 * The tab to toggle: the active tab of the active group when it shows `uri` (or `uri` is not given),
 * else the first tab showing `uri` in a text or Peerwatch view, active group first.
 */
function tabToToggle(uri: vscode.Uri | undefined): vscode.Tab | undefined {
  const active = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (active && viewOf(active) && (!uri || (uriOf(active) && sameFile(uriOf(active)!, uri)))) return active;
  if (!uri) return undefined;
  const groups = [vscode.window.tabGroups.activeTabGroup, ...vscode.window.tabGroups.all];
  for (const group of groups) {
    const tab = group.tabs.find((t) => viewOf(t) && uriOf(t) && sameFile(uriOf(t)!, uri));
    if (tab) return tab;
  }
  return undefined;
}

/** Replaces the tab showing `uri` (default: the active tab) with the other view of the same file. */
export async function toggleRawView(uri?: vscode.Uri): Promise<void> {
  const tab = tabToToggle(uri);
  const from = tab && viewOf(tab);
  const file = tab && uriOf(tab);
  if (!tab || !from || !file) {
    void vscode.window.showInformationMessage('Peerwatch: open a run log or transcript first, in Peerwatch or as text.');
    return;
  }
  const column = tab.group.viewColumn;
  const target = from.kind === 'text' ? viewTypeFor(file) : TEXT_EDITOR;
  await vscode.commands.executeCommand('vscode.openWith', file, target, {
    viewColumn: column,
    preview: tab.isPreview,
    preserveFocus: false,
  } satisfies vscode.TextDocumentShowOptions);

  // Tab objects are snapshots: look the old tab up again. It may already be gone (a preview tab is
  // replaced by the next editor opened in its group). A text tab with unsaved edits stays open: the
  // edits are the user's.
  const group = vscode.window.tabGroups.all.find((g) => g.viewColumn === column);
  const old = group?.tabs.find((t) => {
    const view = viewOf(t);
    const u = uriOf(t);
    if (!view || !u || !sameFile(u, file) || view.kind !== from.kind) return false;
    return view.kind === 'text' ? !t.isDirty : from.kind === 'peerwatch' && view.viewType === from.viewType;
  });
  if (old) await vscode.window.tabGroups.close(old, true);
}
