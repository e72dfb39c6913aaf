/**
 * The extension host's side of the run reader (src/core/formats/readRun.ts): files read through
 * `vscode.workspace.fs`, so remote and virtual file systems work as local ones do. Paths are the
 * '/'-separated `path` of URIs that share `base`'s scheme and authority.
 */
import * as vscode from 'vscode';
import type { RunFiles } from '../core/formats/readRun';

/** The run reader's file access for files beside `base` (any URI of the same file system). */
export function vscodeRunFiles(base: vscode.Uri): RunFiles {
  const at = (path: string) => base.with({ path });
  return {
    read: (path) => Promise.resolve(vscode.workspace.fs.readFile(at(path))),
    exists: async (path) => {
      try {
        return ((await vscode.workspace.fs.stat(at(path))).type & vscode.FileType.File) !== 0;
      } catch {
        return false;
      }
    },
    display: (path) => vscode.workspace.asRelativePath(at(path), false),
  };
}
