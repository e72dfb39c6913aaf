/**
 * The files under a folder that may hold runs, found the way `peerwatch tag` and `peerwatch
 * summarize` look, whatever lists the folders (node:fs in the CLI and the Node extension host,
 * `vscode.workspace.fs` in the web extension): study JSON, run logs, Inspect logs and JSON Lines (`.jsonl`, `.ndjson`), one
 * entry per production-harness run (its transcript.json; events.jsonl only when there is no
 * transcript.json beside it), skipping hidden folders (`.git`, `.peerwatch`), node_modules, review
 * sidecars and run_meta.json. What is in them is decided by reading (a file in no known format is
 * skipped then). No cap on the number.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */

/** True for a file name that may hold runs (the content decides). */
export function mayHoldRuns(name: string): boolean {
  if (name === 'run_meta.json' || name.endsWith('.review.json')) return false;
  return /\.(json|jsonl|ndjson|eval|traj)$/i.test(name);
}

/** One name in a folder's listing. */
export interface FolderEntry {
  name: string;
  dir: boolean;
}

/** How a walk lists folders and names what it finds. */
export interface FolderLister<P> {
  /** The folder's entries; rejects (the folder is then skipped) when it cannot be listed. */
  list(dir: P): Promise<FolderEntry[]>;
  /** The path of `name` in `dir`. */
  join(dir: P, name: string): P;
}

/**
 * Yields the files under `dir` that may hold runs, folder by folder in name order, without holding
 * the whole tree: only the names of the folders being walked are in memory.
 */
export async function* runFilesIn<P>(dir: P, lister: FolderLister<P>): AsyncGenerator<P> {
  let names: FolderEntry[];
  try {
    names = await lister.list(dir);
  } catch {
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hasTranscript = names.some((n) => !n.dir && n.name === 'transcript.json');
  for (const n of names) {
    if (n.name === 'node_modules' || n.name.startsWith('.')) continue;
    const p = lister.join(dir, n.name);
    if (n.dir) yield* runFilesIn(p, lister);
    else if (n.name === 'events.jsonl') {
      if (!hasTranscript) yield p;
    } else if (mayHoldRuns(n.name)) yield p;
  }
}
