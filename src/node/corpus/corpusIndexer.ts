/**
 * Brings a corpus index (core/corpus/corpusIndex.ts) up to date with the files under some folders:
 * a file whose path, size, mtime (and harness siblings) match its entry, under the same detector
 * version, is taken from the index without being opened; every other file is read and tagged (by
 * `tag`: the worker pool in the CLI). Entries are handed to `onEntry` and streamed into a new index
 * file as they come, which replaces the old one atomically at the end, or when cancelled: then the
 * files done so far are kept with the old entries of the files not reached, so an interrupted run
 * leaves a valid index that the next run completes.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { IndexReader, entryLines, indexHeader, sameFileKey, type IndexEntry, type IndexFileLine, type IndexRunLine } from '../../core/corpus/corpusIndex';
import { harnessRunFiles } from '../../core/formats';
import { openAtomicFile, type AtomicFile } from '../atomicWrite';
import { runFilesUnder } from './runFilesUnder';
import type { FileTags } from '../../core/corpus/tagFile';

/** Files being looked at (stat and index lookup) at once. */
const VISITS_AT_ONCE = 64;

/** `.peerwatch/index.jsonl` in a folder: where a folder's index lives unless told otherwise. */
export function defaultIndexFile(folder: string): string {
  return join(folder, '.peerwatch', 'index.jsonl');
}

export interface IndexProgress {
  /** Files found so far (the walk may still be finding more). */
  found: number;
  fromIndex: number;
  /** Files read and tagged so far. */
  tagged: number;
  /** True once every file was found. */
  walked: boolean;
}

export interface IndexerOptions {
  /** Folders (walked for files that may hold runs) and files. */
  paths: readonly string[];
  /** Paths in the index are relative to this folder. */
  base: string;
  /** The index to read and rewrite; undefined: every file is tagged and nothing is written. */
  indexFile?: string;
  /** The readers' and detectors' version: an index written by another is not used. */
  detector: string;
  /** Reads and tags one file; undefined when cancelled. */
  tag(path: string, display: string): Promise<FileTags | undefined>;
  /** Files tagged at once (a few per worker keeps every worker busy). */
  concurrency: number;
  /** Each file's entry, from the index or tagged now; `path` is the file's own path. */
  onEntry(entry: IndexEntry, path: string): void;
  onProgress?(p: IndexProgress): void;
  /** Problems with the index itself (not the runs'): a damaged line, a folder that cannot be written. */
  warn(message: string): void;
  signal?: AbortSignal;
  /** How a path is named in messages. */
  display?(path: string): string;
}

export interface IndexerResult {
  files: number;
  fromIndex: number;
  tagged: number;
  /** Cancelled before every file was done (the index keeps what was). */
  interrupted: boolean;
  /** The index file written, if one was. */
  written?: string;
}

/** `size:mtime` of each sibling a production-harness run is read with ('-' when absent). */
async function siblingsKey(path: string): Promise<string | undefined> {
  const h = harnessRunFiles(path);
  if (!h) return undefined;
  const parts = await Promise.all(
    h.siblings.filter((s) => s !== path).map((s) =>
      stat(s).then(
        (st) => `${st.size}:${st.mtimeMs}`,
        () => '-',
      ),
    ),
  );
  return parts.join(',');
}

/** Updates (or builds) the index for `opts.paths`; see the module comment. */
export async function updateIndex(opts: IndexerOptions): Promise<IndexerResult> {
  const base = resolve(opts.base);
  const display = opts.display ?? ((p: string) => p);
  let old = new Map<string, IndexEntry>();
  if (opts.indexFile) {
    // Read line by line: the index of a large corpus is never held as one string.
    const reader = new IndexReader(display(opts.indexFile), opts.detector);
    let found = true;
    try {
      const lines = createInterface({ input: createReadStream(opts.indexFile, { encoding: 'utf8' }), crlfDelay: Infinity });
      for await (const line of lines) reader.push(line);
    } catch (e) {
      found = false;
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') opts.warn(`cannot read the index ${display(opts.indexFile)}: ${(e as Error).message}; every file is read`);
    }
    if (found) {
      const r = reader.finish();
      if (r.discarded) opts.warn(r.discarded);
      for (const w of r.warnings) opts.warn(w);
      old = r.entries;
    }
  }

  let writer: AtomicFile | undefined;
  const writeFailed = (e: unknown) => {
    opts.warn(`cannot write the index ${display(opts.indexFile!)}: ${(e as Error).message}; the summary is computed all the same`);
    const w = writer;
    writer = undefined;
    void w?.abort();
  };
  if (opts.indexFile) {
    try {
      await mkdir(dirname(opts.indexFile), { recursive: true });
      writer = await openAtomicFile(opts.indexFile);
      await writer.write(JSON.stringify(indexHeader(opts.detector, new Date().toISOString())) + '\n');
    } catch (e) {
      writeFailed(e);
    }
  }

  const result: IndexerResult = { files: 0, fromIndex: 0, tagged: 0, interrupted: false };
  let walked = false;
  const progress = () => opts.onProgress?.({ found: result.files, fromIndex: result.fromIndex, tagged: result.tagged, walked });
  const seen = new Set<string>();
  const emit = async (entry: IndexEntry, path: string) => {
    opts.onEntry(entry, path);
    if (writer) {
      try {
        await writer.write(entryLines(entry));
      } catch (e) {
        writeFailed(e);
      }
    }
    progress();
  };

  const inFlight = new Set<Promise<void>>();
  const cancelled = () => opts.signal?.aborted === true;
  const visit = async (path: string) => {
    const abs = resolve(path);
    const rel = relative(base, abs).split(sep).join('/');
    if (seen.has(rel)) return;
    seen.add(rel);
    let st;
    try {
      st = await stat(abs);
    } catch {
      return; // gone since the folder was listed
    }
    result.files++;
    const siblings = await siblingsKey(abs);
    const key = { path: rel, size: st.size, mtimeMs: st.mtimeMs, ...(siblings !== undefined ? { siblings } : {}) };
    const hit = old.get(rel);
    if (hit && sameFileKey(hit.file, key)) {
      old.delete(rel);
      result.fromIndex++;
      await emit(hit, abs);
      return;
    }
    old.delete(rel);
    while (inFlight.size >= opts.concurrency) await Promise.race(inFlight);
    if (cancelled()) return;
    const job = opts.tag(abs, display(abs)).then(async (tags) => {
      // A file finished as the run was cancelled is kept: its work is done.
      if (!tags) return;
      result.tagged++;
      const file: IndexFileLine = { type: 'file', ...key, runs: tags.runs.length, ...(tags.skipped ? { skipped: tags.skipped } : {}), ...(tags.problems ? { problems: tags.problems } : {}) };
      const runs: IndexRunLine[] = tags.runs.map((r) => ({ type: 'run', path: rel, ...r }));
      await emit({ file, runs }, abs);
    });
    const tracked = job.finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  // Files are looked at (stat, index lookup) many at a time: one by one, the stats alone of a large
  // corpus take seconds on a busy machine.
  const visiting = new Set<Promise<void>>();
  const startVisit = async (path: string) => {
    const v: Promise<void> = visit(path).finally(() => visiting.delete(v));
    visiting.add(v);
    if (visiting.size >= VISITS_AT_ONCE) await Promise.race(visiting);
  };
  for (const p of opts.paths) {
    if (cancelled()) break;
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      continue; // the caller reports paths that are not there
    }
    if (!isDir) {
      await startVisit(p);
      continue;
    }
    for await (const f of runFilesUnder(p)) {
      if (cancelled()) break;
      await startVisit(f);
    }
  }
  await Promise.all(visiting);
  walked = true;
  await Promise.all(inFlight);
  result.interrupted = cancelled();
  progress();

  if (writer) {
    try {
      // Cancelled: the files not reached keep their old entries (checked again next time).
      if (result.interrupted) for (const e of old.values()) await writer.write(entryLines(e));
      await writer.commit();
      result.written = opts.indexFile;
    } catch (e) {
      writeFailed(e);
    }
  }
  return result;
}

