/**
 * platform.ts in the web extension: nothing here can start a process, so Re-run Scenario, Compare
 * Runs Side by Side and Set API Key (all about re-running) say in one line why not, and the palette
 * hides them (`peerwatch.canRunLocally` stays unset); the reviewer's name comes from the
 * `peerwatch.reviewer` setting alone.
 */
import * as vscode from 'vscode';
import type { RunToRerun } from './rerun/rerun';
import type * as NodePlatform from './platform';

export const CAN_RUN_LOCALLY = 'peerwatch.canRunLocally';

/** Why the re-run commands do nothing in the browser. */
export const NO_LOCAL_RUNS =
  'Peerwatch: re-running a scenario starts programs on this machine (the study’s harness, Inspect or Peerwatch’s runner), which VS Code for the Web cannot do; open the folder in desktop VS Code to re-run.';

export function registerLocalRuns(context: vscode.ExtensionContext, _activeRun: () => RunToRerun | undefined): void {
  const why = () => void vscode.window.showInformationMessage(NO_LOCAL_RUNS);
  for (const id of ['peerwatch.rerunScenario', 'peerwatch.compareRuns', 'peerwatch.setApiKey']) {
    context.subscriptions.push(vscode.commands.registerCommand(id, why));
  }
}

/** No git and no account in the browser: only the setting names the reviewer. */
export async function localUserName(_uri: vscode.Uri): Promise<string | undefined> {
  return undefined;
}

export const nodeShapeCheck: typeof NodePlatform = { CAN_RUN_LOCALLY, registerLocalRuns, localUserName };
