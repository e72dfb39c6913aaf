/**
 * A folder's runs for the corpus view and Behaviours in Folder, read off the extension host's thread
 * (dist/corpusFolder.js, started by host/corpus/corpusFolder.ts, one per load): the walk, a `stat` of
 * every file, the index read and rewritten and the sidecars, through the same streamFolderRuns as
 * ever, with its own pool of corpus workers for the files to tag. On the host's thread, a folder of
 * 223,000 transcripts opened from its index took 37 s in VS Code (the CLI: 10 s), half of it a
 * promise per `stat`; here, with nothing else to do, the `stat` blocks, as the CLI's does.
 *
 * Runs go to the host in batches as they are complete. `{cancel: true}` stops it as Ctrl-C stops
 * `peerwatch summarize`: the index keeps what was done, then the worker answers `done`.
 */
import { parentPort } from 'node:worker_threads';
import { sep } from 'node:path';
import { pathUnder } from './pathUnder';
import type { RulesText } from '../../core/behaviours';
import type { CorpusRun } from '../../core/corpus/summarize';
import type { IndexProgress } from '../../core/corpus/updateIndex';
import { corpusDetectorVersion, streamFolderRuns } from './corpusRuns';
import type { IndexerResult } from './corpusIndexer';
import { TagPool, defaultWorkers } from './tagPool';

/** What the host asks: the runs of `folder` (a path on this machine's disk). */
export interface FolderRequest {
  folder: string;
  /** The built dist/corpusWorker.js, which tags the files not in the index. */
  workerFile: string;
  /** The workspace's rules file; absent: the built-in detectors alone. */
  rules?: RulesText;
  /** Files under `root` are named relative to it, after `prefix`, as VS Code names workspace files. */
  root?: string;
  prefix?: string;
}

/** The host's one other message: stop, keeping in the index what was done. */
export interface FolderCancel {
  cancel: true;
}

export type FolderReply =
  | { progress: IndexProgress }
  | { warn: string }
  | { problem: string }
  | { runs: CorpusRun[] }
  | { done: Omit<IndexerResult, 'written'> }
  | { error: string };

/** Progress at most this often (the notification shows a few a second). */
const PROGRESS_EVERY_MS = 100;

const send = (m: FolderReply) => parentPort!.postMessage(m);

async function read(req: FolderRequest, signal: AbortSignal, pool: TagPool): Promise<Omit<IndexerResult, 'written'>> {
  const { root, prefix = '' } = req;
  // As asRelativePath names them: '/'-separated, after the workspace folder's name when there are several.
  const under = root ? pathUnder(root) : undefined;
  const display = (p: string) => (under && p.startsWith(root + sep) ? prefix + under(p) : p);
  // The last progress (every file found) always goes.
  let last = 0;
  const result = await streamFolderRuns({
    folder: req.folder,
    pool,
    detector: corpusDetectorVersion(req.workerFile, req.rules),
    signal,
    display,
    blockingStat: true,
    warn: (m) => send({ warn: m }),
    problem: (m) => send({ problem: m }),
    onProgress: (p) => {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && !p.walked) return;
      last = now;
      send({ progress: p });
    },
    onRuns: (runs) => send({ runs }),
  });
  const { written: _written, ...rest } = result;
  return rest;
}

let controller: AbortController | undefined;
let pool: TagPool | undefined;
parentPort?.on('message', (m: FolderRequest | FolderCancel) => {
  if ('cancel' in m) {
    controller?.abort();
    void pool?.close();
    return;
  }
  if (controller) return;
  controller = new AbortController();
  pool = new TagPool(m.workerFile, defaultWorkers(), m.rules);
  const p = pool;
  // The pool's workers stop before the answer: the host ends this worker when it has it.
  read(m, controller.signal, p).then(
    async (done) => {
      await p.close();
      send({ done });
    },
    async (e: unknown) => {
      await p.close();
      send({ error: e instanceof Error ? e.message : String(e) });
    },
  );
});
