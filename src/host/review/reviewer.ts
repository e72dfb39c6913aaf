/**
 * Who is judging: the `peerwatch.reviewer` setting, else git's `user.name` (asked through execFile
 * with an argument array, never a shell string), else the account name.
 */
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as vscode from 'vscode';

export const REVIEWER_SETTING = 'reviewer';

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

/** The reviewer's name for a judgement on `uri`. */
export async function reviewerName(uri: vscode.Uri): Promise<string> {
  const configured = vscode.workspace.getConfiguration('peerwatch', uri).get<string>(REVIEWER_SETTING, '').trim();
  if (configured) return configured;
  const folder = vscode.workspace.getWorkspaceFolder(uri)?.uri;
  const cwd = folder?.scheme === 'file' ? folder.fsPath : uri.scheme === 'file' ? vscode.Uri.joinPath(uri, '..').fsPath : os.homedir();
  const git = await gitUserName(cwd);
  if (git) return git;
  try {
    return os.userInfo().username || 'unknown reviewer';
  } catch {
    return 'unknown reviewer';
  }
}
