/**
 * The files under a folder on disk that may hold runs (the walk itself is core/corpus/walk.ts, shared
 * with the web extension, which lists folders through `vscode.workspace.fs`).
 */
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';
import { runFilesIn, type FolderEntry } from '../../core/corpus/walk';

async function list(dir: string): Promise<FolderEntry[]> {
  const names: FolderEntry[] = [];
  for await (const d of await opendir(dir)) names.push({ name: d.name, dir: d.isDirectory() });
  return names;
}

/** Yields the paths of the files under `dir` that may hold runs, folder by folder in name order. */
export function runFilesUnder(dir: string): AsyncGenerator<string> {
  return runFilesIn(dir, { list, join });
}
