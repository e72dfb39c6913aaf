/**
 * Deep links to one event of one transcript:
 *   <scheme>://peerwatch.peerwatch/open?file=<workspace-relative path or file URI>&event=<index>
 * and, for a log of many samples (Inspect AI), `&sample=<key>` (`<id>#<epoch>`) naming the sample.
 * "Copy Link to Event" makes them; VS Code's URI handler opens them (from a browser, a chat, a note,
 * or "Developer: Open URL"), opening the transcript in Peerwatch and revealing the event.
 */
import * as vscode from 'vscode';
import { editorPatterns, matchesEditorPatterns } from './editorPatterns';

export const EXTENSION_ID = 'peerwatch.peerwatch';

let runEditorDefault: ((path: string) => boolean) | undefined;

/**
 * The Peerwatch editor a file opens in: the one package.json makes the default for it (run logs,
 * Inspect .eval logs, SWE-agent and mini-swe-agent trajectories, the study's transcripts by their
 * names, agent CLIs' sessions where the CLIs keep them: `peerwatch.runlog`), else the transcript one,
 * which is an option for any JSON. Both are the same editor; opening in a file's default view type
 * keeps one tab per file. The one home of this choice (links, Open in Peerwatch, the raw-view toggle,
 * re-runs); the patterns themselves are read from the extension's manifest, their one home.
 */
export function viewTypeFor(uri: vscode.Uri): string {
  runEditorDefault ??= matchesEditorPatterns(editorPatterns(vscode.extensions.getExtension(EXTENSION_ID)?.packageJSON?.contributes?.customEditors, 'peerwatch.runlog'));
  return runEditorDefault(uri.path) ? 'peerwatch.runlog' : 'peerwatch.transcript';
}

/** Opens `uri` in the Peerwatch editor at event `index` (of sample `sample` in a log of many). */
export async function openRunAt(reveal: { revealWhenReady(uri: vscode.Uri, index: number, sample?: string): void }, uri: vscode.Uri, index?: number, sample?: string): Promise<void> {
  if (index !== undefined || sample !== undefined) reveal.revealWhenReady(uri, index ?? 0, sample);
  await vscode.commands.executeCommand('vscode.openWith', uri, viewTypeFor(uri));
}

/** A link to event `index` of the transcript at `uri` (of sample `sample` in a sample log). Workspace files are named by relative path. */
export function eventLink(uri: vscode.Uri, index: number, sample?: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  const file = folder ? vscode.workspace.asRelativePath(uri, vscode.workspace.workspaceFolders!.length > 1) : uri.toString();
  const query = new URLSearchParams({ file, ...(sample !== undefined ? { sample } : {}), event: String(index) }).toString();
  return `${vscode.env.uriScheme}://${EXTENSION_ID}/open?${query}`;
}

/** What a link names: the file, the sample (in a sample log) and the event. Throws with a message a user can act on. */
export async function resolveLink(link: vscode.Uri): Promise<{ uri: vscode.Uri; index: number; sample?: string }> {
  if (link.path !== '/open') throw new Error(`Peerwatch links look like …/open?file=…&event=…; this one has the path "${link.path}".`);
  const params = new URLSearchParams(link.query);
  const file = params.get('file');
  const event = params.get('event');
  if (!file) throw new Error('This Peerwatch link names no file (expected "file=" in the link).');
  const index = event === null ? 0 : Number(event);
  if (!Number.isInteger(index) || index < 0) throw new Error(`This Peerwatch link names the event "${event}"; expected a number such as 12.`);
  const sampleParam = params.get('sample');
  if (sampleParam === '') throw new Error('This Peerwatch link has an empty "sample="; expected a sample key such as 3#1 (id#epoch).');
  const sample = sampleParam === null ? {} : { sample: sampleParam };
  if (/^[a-z][a-z0-9+.-]*:/i.test(file)) return { uri: vscode.Uri.parse(file, true), index, ...sample };
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    // A multi-root link starts with the folder's name.
    const rel = file.startsWith(`${folder.name}/`) && (vscode.workspace.workspaceFolders?.length ?? 0) > 1 ? file.slice(folder.name.length + 1) : file;
    const candidate = vscode.Uri.joinPath(folder.uri, rel);
    try {
      await vscode.workspace.fs.stat(candidate);
      return { uri: candidate, index, ...sample };
    } catch {
      // not in this folder
    }
  }
  throw new Error(`The file "${file}" of this Peerwatch link is not in the open workspace.`);
}
