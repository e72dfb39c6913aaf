/**
 * The corpus index of folders on this machine's disk (the CLI, the Node extension host): the update
 * itself is core/corpus/updateIndex.ts (shared with the web extension); this gives it node:fs — stat,
 * the walk (runFilesUnder.ts), the index read line by line and written atomically (temporary file,
 * fsync, rename).
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { updateIndex as update, type IndexProgress, type IndexStore } from '../../core/corpus/updateIndex';
import type { IndexEntry } from '../../core/corpus/corpusIndex';
import type { FileTags } from '../../core/corpus/tagFile';
import { openAtomicFile } from '../atomicWrite';
import { runFilesUnder } from './runFilesUnder';

export type { IndexProgress } from '../../core/corpus/updateIndex';

/** `.peerwatch/index.jsonl` in a folder: where a folder's index lives unless told otherwise. */
export function defaultIndexFile(folder: string): string {
  return join(folder, '.peerwatch', 'index.jsonl');
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
  /** Each file's entry, from the index or tagged now; `path` is the file's own (absolute) path. */
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

/** The index file on disk: read line by line (never held as one string), written atomically. */
function diskIndex(file: string, name: string): IndexStore {
  return {
    name,
    read: async (line) => {
      try {
        const lines = createInterface({ input: createReadStream(file, { encoding: 'utf8' }), crlfDelay: Infinity });
        for await (const l of lines) line(l);
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw e;
      }
    },
    create: async () => {
      await mkdir(dirname(file), { recursive: true });
      return openAtomicFile(file);
    },
  };
}

/** Updates (or builds) the index for `opts.paths` (core/corpus/updateIndex.ts). */
export async function updateIndex(opts: IndexerOptions): Promise<IndexerResult> {
  const base = resolve(opts.base);
  const display = opts.display ?? ((p: string) => p);
  const { written, ...result } = await update<string>({
    paths: opts.paths.map((p) => resolve(p)),
    files: {
      stat: async (p) => {
        try {
          const st = await stat(p);
          return { size: st.size, mtimeMs: st.mtimeMs, dir: st.isDirectory() };
        } catch {
          return undefined;
        }
      },
      walk: runFilesUnder,
      relative: (p) => relative(base, p).split(sep).join('/'),
      sibling: (p, name) => join(dirname(p), name),
    },
    ...(opts.indexFile ? { index: diskIndex(opts.indexFile, display(opts.indexFile)) } : {}),
    detector: opts.detector,
    tag: opts.tag,
    concurrency: opts.concurrency,
    onEntry: opts.onEntry,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    warn: opts.warn,
    ...(opts.signal ? { signal: opts.signal } : {}),
    display,
  });
  return { ...result, ...(written && opts.indexFile ? { written: opts.indexFile } : {}) };
}
