/**
 * Who is judging: the `peerwatch.reviewer` setting, else (on a machine) git's `user.name` or the
 * account name (src/host/platform.ts), else "unknown reviewer".
 */
import * as vscode from 'vscode';
import { localUserName } from '../platform';

export const REVIEWER_SETTING = 'reviewer';

/** The reviewer's name for a judgement on `uri`. */
export async function reviewerName(uri: vscode.Uri): Promise<string> {
  const configured = vscode.workspace.getConfiguration('peerwatch', uri).get<string>(REVIEWER_SETTING, '').trim();
  if (configured) return configured;
  return (await localUserName(uri)) ?? 'unknown reviewer';
}
