/**
 * The files under a folder that may hold runs, found the way `peerwatch tag` and `peerwatch
 * summarize` look: study JSON, run logs, Inspect logs and JSON Lines, one entry per production-harness
 * run (its transcript.json; events.jsonl only when there is no transcript.json beside it), skipping
 * hidden folders (`.git`, `.peerwatch`), node_modules, review sidecars and run_meta.json. What is in
 * them is decided by reading (a file in no known format is skipped then). No cap on the number.
 */
import { opendir } from 'node:fs/promises';
import { join } from 'node:path';

/** True for a file name that may hold runs (the content decides). */
export function mayHoldRuns(name: string): boolean {
  if (name === 'run_meta.json' || name.endsWith('.review.json')) return false;
  return /\.(json|jsonl|eval|traj)$/i.test(name);
}

/**
 * Yields the paths of the files under `dir` that may hold runs, folder by folder in name order, without
 * holding the whole tree: only the names of the folders being walked are in memory.
 */
export async function* runFilesUnder(dir: string): AsyncGenerator<string> {
  let names: Array<{ name: string; dir: boolean }>;
  try {
    names = [];
    for await (const d of await opendir(dir)) names.push({ name: d.name, dir: d.isDirectory() });
  } catch {
    return;
  }
  names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hasTranscript = names.some((n) => !n.dir && n.name === 'transcript.json');
  for (const n of names) {
    if (n.name === 'node_modules' || n.name.startsWith('.')) continue;
    const p = join(dir, n.name);
    if (n.dir) yield* runFilesUnder(p);
    else if (n.name === 'events.jsonl') {
      if (!hasTranscript) yield p;
    } else if (mayHoldRuns(n.name)) yield p;
  }
}
