/**
 * What the extension host does only where it runs on a machine (Node), beside the file seam
 * (files.ts) and detection (detection.ts): re-running scenarios (the study's harness, Inspect,
 * Peerwatch's runner: processes on this machine) and asking git for the reviewer's name. The web
 * extension is built with platform.web.ts in this module's place, where those commands say in one line
 * why they cannot run and the palette hides them (`peerwatch.canRunLocally` is never set there).
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as vscode from 'vscode';
import { registerRerun, type RunToRerun } from './rerun/rerun';

/** Set (true) where processes can be started: the palette's `when` for Re-run Scenario, Compare Runs, Set API Key. */
export const CAN_RUN_LOCALLY = 'peerwatch.canRunLocally';

/** Registers Re-run Scenario, Compare Runs Side by Side and Set API Key (src/host/rerun). */
export function registerLocalRuns(context: vscode.ExtensionContext, activeRun: () => RunToRerun | undefined): void {
  registerRerun(context, activeRun);
  void vscode.commands.executeCommand('setContext', CAN_RUN_LOCALLY, true);
}

const gitNames = new Map<string, Promise<string | undefined>>();

function gitUserName(cwd: string): Promise<string | undefined> {
  let p = gitNames.get(cwd);
  if (!p) {
    p = new Promise((resolve) => {
      execFile('git', ['config', 'user.name'], { cwd, timeout: 5000, windowsHide: true }, (err, stdout) => {
        const name = err ? '' : String(stdout).trim();
        resolve(name || undefined);
      });
    });
    gitNames.set(cwd, p);
  }
  return p;
}

/**
 * Who is judging `uri` when the `peerwatch.reviewer` setting does not say: git's `user.name` (asked
 * through execFile with an argument array, never a shell string), else the account name.
 */
export async function localUserName(uri: vscode.Uri): Promise<string | undefined> {
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  const cwd = folder?.scheme === 'file' ? folder.fsPath : uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..').fsPath : os.homedir();
  const git = await gitUserName(cwd);
  if (git) return git;
  try {
    return os.userInfo().username || undefined;
  } catch {
    return undefined;
  }
}
