/**
 * "Open in Diff Editor": a config or file change's before and after, as two read-only virtual
 * documents shown in VS Code's own diff editor. The texts are kept here while the diff is open;
 * the documents' names end with the changed file's name, so VS Code picks its language.
 */
import * as vscode from 'vscode';
import type { TranscriptEvent } from '../core/model';
import type { TranscriptDocument } from './transcriptDocument';

export const DIFF_SCHEME = 'peerwatch-diff';

const texts = new Map<string, string>();
let serial = 0;

class DiffContentProvider implements vscode.TextDocumentContentProvider {
  provideTextDocumentContent(uri: vscode.Uri): string {
    return (
      texts.get(uri.toString()) ??
      'Peerwatch no longer has this side of the diff (the window was reloaded). Open the diff again from the event in Peerwatch.'
    );
  }
}

export function registerDiffDocuments(): vscode.Disposable {
  const registration = vscode.workspace.registerTextDocumentContentProvider(DIFF_SCHEME, new DiffContentProvider());
  const closed = vscode.workspace.onDidCloseTextDocument((doc) => {
    if (doc.uri.scheme === DIFF_SCHEME) texts.delete(doc.uri.toString());
  });
  return vscode.Disposable.from(registration, closed);
}

/** The before/after pair of a change event, or undefined when the event has none. */
export function changeSides(e: TranscriptEvent): { path: string; before: string; after: string } | undefined {
  if (e.kind === 'config_change') return { path: e.path, before: e.before, after: e.after };
  if (e.kind === 'file_change' && (e.before !== undefined || e.after !== undefined)) {
    return { path: e.to ?? e.path, before: e.before ?? '', after: e.after ?? '' };
  }
  return undefined;
}

export async function openEventDiff(document: TranscriptDocument, e: TranscriptEvent): Promise<void> {
  const sides = changeSides(e);
  if (!sides) {
    void vscode.window.showInformationMessage(`Peerwatch: event #${e.index} has no before/after text to compare.`);
    return;
  }
  const name = sides.path.split('/').filter(Boolean).pop() ?? 'file';
  const id = ++serial;
  const make = (side: 'before' | 'after', text: string) => {
    const uri = vscode.Uri.from({ scheme: DIFF_SCHEME, path: `/${id}/${side}/${name}`, query: `event=${e.index}` });
    texts.set(uri.toString(), text);
    return uri;
  };
  const left = make('before', sides.before);
  const right = make('after', sides.after);
  const title = `${name}: before ↔ after event #${e.index} (${document.displayName})`;
  await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
}
