/**
 * Commands of the comparison view: **Compare with…** (explorer context menu, editor title, palette),
 * the internal `peerwatch.openComparison` (a re-run and its original), and next / previous difference.
 */
import * as vscode from 'vscode';
import { ComparisonPanels, type RunRef } from './comparisonPanel';

export const COMPARE_WITH_COMMAND = 'peerwatch.compareWith';
/** Opens the comparison of two given runs (arguments: two Uris); not in the palette. */
export const OPEN_COMPARISON_COMMAND = 'peerwatch.openComparison';

/** File names a run may be in, for the quick pick of the other run. */
const RUN_FILES = '**/*.{json,jsonl,ndjson,eval,traj}';
const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.peerwatch/index.jsonl}';
const MAX_LISTED = 2000;

/** The other run: a workspace file from a quick pick, or any file from the open dialog ("Browse…"). */
async function pickOtherRun(first: vscode.Uri): Promise<vscode.Uri | undefined> {
  const files = (await vscode.workspace.findFiles(RUN_FILES, EXCLUDE, MAX_LISTED)).filter((u) => u.toString() !== first.toString());
  files.sort((x, y) => x.fsPath.localeCompare(y.fsPath));
  const browse: vscode.QuickPickItem = { label: '$(folder-opened) Browse…', description: 'a run outside the workspace' };
  const items: Array<vscode.QuickPickItem & { uri?: vscode.Uri }> = [
    browse,
    ...files.map((uri) => ({ label: vscode.workspace.asRelativePath(uri, false), uri })),
  ];
  const picked = await vscode.window.showQuickPick(items, { title: `Compare ${vscode.workspace.asRelativePath(first, false)} with…`, placeHolder: 'the other run (B)', matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const chosen = await vscode.window.showOpenDialog({ canSelectMany: false, openLabel: 'Compare', title: 'The other run (B)' });
  return chosen?.[0];
}

/** Registers the comparison view's commands; `activeRun` is the run shown in the active Peerwatch editor. */
export function registerComparison(context: vscode.ExtensionContext, activeRun: () => RunRef | undefined): ComparisonPanels {
  const panels = new ComparisonPanels(context.extensionUri);
  const report = (e: unknown) => void vscode.window.showErrorMessage(`Peerwatch: ${e instanceof Error ? e.message : String(e)}`);
  const tellNoView = () => void vscode.window.showInformationMessage('Peerwatch: open a comparison first ("Peerwatch: Compare with…").');
  context.subscriptions.push(
    panels,
    vscode.commands.registerCommand(COMPARE_WITH_COMMAND, async (uri?: unknown) => {
      try {
        // From the explorer or an editor's title: the file clicked; from the palette: the active run.
        const first: RunRef | undefined = uri instanceof vscode.Uri ? (activeRun()?.uri.toString() === uri.toString() ? activeRun() : { uri }) : activeRun();
        if (!first) {
          void vscode.window.showInformationMessage('Peerwatch: open a run in Peerwatch (or right-click one in the explorer) to compare it with another.');
          return;
        }
        const other = await pickOtherRun(first.uri);
        if (other) await panels.open(first, { uri: other });
      } catch (e) {
        report(e);
      }
    }),
    vscode.commands.registerCommand(OPEN_COMPARISON_COMMAND, async (a?: unknown, b?: unknown) => {
      if (!(a instanceof vscode.Uri) || !(b instanceof vscode.Uri)) return;
      try {
        await panels.open({ uri: a }, { uri: b });
      } catch (e) {
        report(e);
      }
    }),
    vscode.commands.registerCommand('peerwatch.nextDifference', () => panels.command('nextDifference') || tellNoView()),
    vscode.commands.registerCommand('peerwatch.previousDifference', () => panels.command('previousDifference') || tellNoView()),
  );
  return panels;
}
