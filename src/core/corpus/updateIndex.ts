/**
 * Brings a corpus index (corpusIndex.ts) up to date with the files under some folders, whatever file
 * system they are on (node:fs for the CLI and the Node extension host, node/corpus/corpusIndexer.ts;
 * `vscode.workspace.fs` in the web extension, host/corpus/corpusFolder.web.ts): a file whose path,
 * size, mtime (and harness siblings) match its entry, under the same detector version, is taken from
 * the index without being opened; every other file is read and tagged (by `tag`: the worker pool in
 * Node, the extension host itself on the web). Entries are handed to `onEntry` and streamed into a new
 * index, which replaces the old one at the end, or when cancelled: then the files done so far are kept
 * with the old entries of the files not reached, so an interrupted run leaves a valid index that the
 * next run completes. An index that every file matched as it is (none new, changed or gone, no line
 * damaged) is left as it is.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { IndexReader, entryLines, indexHeader, sameFileKey, type IndexEntry, type IndexFileLine, type IndexRunLine } from './corpusIndex';
import { harnessRunFiles } from '../formats';
import type { FileTags } from './tagFile';

/** Files being looked at (stat and index lookup) at once. */
const VISITS_AT_ONCE = 64;

export interface IndexProgress {
  /** Files found so far (the walk may still be finding more). */
  found: number;
  fromIndex: number;
  /** Files read and tagged so far. */
  tagged: number;
  /** True once every file was found. */
  walked: boolean;
}

/** What the indexer needs of a file system. Paths are the platform's (a file path, a URI's path). */
export interface CorpusFileSystem<P = string> {
  /** Size and modification time (ms), or undefined when it is not there. */
  stat(path: P): Promise<{ size: number; mtimeMs: number; dir: boolean } | undefined>;
  /** The files under a folder that may hold runs (core/corpus/walk.ts). */
  walk(dir: P): AsyncIterable<P>;
  /** The same file's path as the index keys it: '/'-separated, relative to the folder the index describes. */
  relative(path: P): string;
  /** A production-harness run's sibling file (same folder, `name`). */
  sibling(path: P, name: string): P;
}

/** Where the index is kept. */
export interface IndexStore {
  /** How the index file is named in messages. */
  readonly name: string;
  /** Hands each line of the index (without its line break) to `line`; false when there is none; rejects when it cannot be read. */
  read(line: (text: string) => void): Promise<boolean>;
  /** Starts a new index, which replaces the old one at `commit`. */
  create(): Promise<IndexWriter>;
}

export interface IndexWriter {
  write(text: string): Promise<void>;
  commit(): Promise<void>;
  abort(): Promise<void>;
}

export interface UpdateIndexOptions<P = string> {
  /** Folders (walked for files that may hold runs) and files. */
  paths: readonly P[];
  files: CorpusFileSystem<P>;
  /** The index to read and rewrite; undefined: every file is tagged and nothing is written. */
  index?: IndexStore;
  /** The readers' and detectors' version: an index written by another is not used. */
  detector: string;
  /** Reads and tags one file; undefined when cancelled. */
  tag(path: P, display: string): Promise<FileTags | undefined>;
  /** Files tagged at once (a few per worker keeps every worker busy; one where the host tags). */
  concurrency: number;
  /** Each file's entry, from the index or tagged now; `path` is the file's own path. */
  onEntry(entry: IndexEntry, path: P): void;
  onProgress?(p: IndexProgress): void;
  /** Problems with the index itself (not the runs'): a damaged line, a folder that cannot be written. */
  warn(message: string): void;
  signal?: AbortSignal;
  /** How a path is named in messages. */
  display(path: P): string;
  /** When tagging shares the thread that must keep answering (the web extension host): a pause after each file. */
  pause?(): Promise<void>;
}

export interface UpdateIndexResult {
  files: number;
  fromIndex: number;
  tagged: number;
  /** Cancelled before every file was done (the index keeps what was). */
  interrupted: boolean;
  /** True when the index was written. */
  written: boolean;
}

/** `size:mtime` of each sibling a production-harness run is read with ('-' when absent). */
async function siblingsKey<P>(files: CorpusFileSystem<P>, path: P, rel: string): Promise<string | undefined> {
  const h = harnessRunFiles(rel);
  if (!h) return undefined;
  const parts = await Promise.all(
    h.siblings
      .filter((s) => s !== rel)
      .map(async (s) => {
        const st = await files.stat(files.sibling(path, s.slice(s.lastIndexOf('/') + 1))).catch(() => undefined);
        return st ? `${st.size}:${st.mtimeMs}` : '-';
      }),
  );
  return parts.join(',');
}

/** Updates (or builds) the index for `opts.paths`; see the module comment. */
export async function updateIndex<P>(opts: UpdateIndexOptions<P>): Promise<UpdateIndexResult> {
  const { files, display } = opts;
  let old = new Map<string, IndexEntry>();
  // Whether the index on disk must be written anew: it is not rewritten when every file comes from it
  // as it is (rewriting the 170 MB index of 223,000 transcripts took 1.5 s of every opening).
  let changed = true;
  if (opts.index) {
    // Read line by line: the index of a large corpus is never held as one string.
    const reader = new IndexReader(opts.index.name, opts.detector);
    let found = false;
    try {
      found = await opts.index.read((line) => reader.push(line));
    } catch (e) {
      opts.warn(`cannot read the index ${opts.index.name}: ${(e as Error).message}; every file is read`);
    }
    if (found) {
      const r = reader.finish();
      if (r.discarded) opts.warn(r.discarded);
      for (const w of r.warnings) opts.warn(w);
      old = r.entries;
      changed = r.discarded !== undefined || r.warnings.length > 0;
    }
  }

  // The new index is started at the first change; the entries taken from the old one until then are
  // held (they are the old index's own objects) and written first.
  let writer: IndexWriter | undefined;
  let failed = false;
  let opening: Promise<IndexWriter | undefined> | undefined;
  const held: IndexEntry[] = [];
  const writeFailed = (e: unknown) => {
    failed = true;
    opts.warn(`cannot write the index ${opts.index!.name}: ${(e as Error).message}; the summary is computed all the same`);
    const w = writer;
    writer = undefined;
    void w?.abort();
  };
  const openWriter = (): Promise<IndexWriter | undefined> =>
    (opening ??= (async () => {
      try {
        const w = await opts.index!.create();
        writer = w;
        await w.write(JSON.stringify(indexHeader(opts.detector, new Date().toISOString())) + '\n');
        for (const e of held.splice(0)) await w.write(entryLines(e));
      } catch (e) {
        writeFailed(e);
      }
      return failed ? undefined : writer;
    })());

  const result: UpdateIndexResult = { files: 0, fromIndex: 0, tagged: 0, interrupted: false, written: false };
  let walked = false;
  const progress = () => opts.onProgress?.({ found: result.files, fromIndex: result.fromIndex, tagged: result.tagged, walked });
  const seen = new Set<string>();
  const emit = async (entry: IndexEntry, path: P, fromIndex: boolean) => {
    opts.onEntry(entry, path);
    if (opts.index && !failed) {
      if (!fromIndex) changed = true;
      if (!changed) held.push(entry);
      else {
        const w = await openWriter();
        try {
          if (w && !failed) await w.write(entryLines(entry));
        } catch (e) {
          writeFailed(e);
        }
      }
    }
    progress();
  };

  const inFlight = new Set<Promise<void>>();
  const cancelled = () => opts.signal?.aborted === true;
  const visit = async (path: P) => {
    const rel = files.relative(path);
    if (seen.has(rel)) return;
    seen.add(rel);
    const st = await files.stat(path).catch(() => undefined);
    if (!st) return; // gone since the folder was listed
    result.files++;
    const siblings = await siblingsKey(files, path, rel);
    const key = { path: rel, size: st.size, mtimeMs: st.mtimeMs, ...(siblings !== undefined ? { siblings } : {}) };
    const hit = old.get(rel);
    if (hit && sameFileKey(hit.file, key)) {
      old.delete(rel);
      result.fromIndex++;
      await emit(hit, path, true);
      return;
    }
    old.delete(rel);
    while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    if (cancelled()) return;
    const job = opts.tag(path, display(path)).then(async (tags) => {
      // A file finished as the run was cancelled is kept: its work is done.
      if (!tags) return;
      result.tagged++;
      const file: IndexFileLine = { type: 'file', ...key, runs: tags.runs.length, ...(tags.skipped ? { skipped: tags.skipped } : {}), ...(tags.problems ? { problems: tags.problems } : {}) };
      const runs: IndexRunLine[] = tags.runs.map((r) => ({ type: 'run', path: rel, ...r }));
      await emit({ file, runs }, path, false);
      await opts.pause?.();
    });
    const tracked = job.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  // Files are looked at (stat, index lookup) many at a time: one by one, the stats alone of a large
  // corpus take seconds on a busy machine.
  const visiting = new Set<Promise<void>>();
  const startVisit = async (path: P) => {
    const v: Promise<void> = visit(path).finally(() => visiting.delete(v));
    visiting.add(v);
    if (visiting.size >= VISITS_AT_ONCE) await Promise.race(visiting);
  };
  for (const p of opts.paths) {
    if (cancelled()) break;
    const st = await files.stat(p).catch(() => undefined);
    if (!st) continue; // the caller reports paths that are not there
    if (!st.dir) {
      await startVisit(p);
      continue;
    }
    for await (const f of files.walk(p)) {
      if (cancelled()) break;
      await startVisit(f);
    }
  }
  await Promise.all(visiting);
  walked = true;
  await Promise.all(inFlight);
  result.interrupted = cancelled();
  progress();

  // Files in the old index but gone from the folder (when every file was reached) change it too.
  if (!result.interrupted && old.size > 0) changed = true;
  if (opts.index && changed && !failed) {
    const w = await openWriter();
    try {
      if (w && !failed) {
        // Cancelled: the files not reached keep their old entries (checked again next time).
        if (result.interrupted) for (const e of old.values()) await w.write(entryLines(e));
        await w.commit();
        result.written = true;
      }
    } catch (e) {
      writeFailed(e);
    }
  }
  return result;
}
