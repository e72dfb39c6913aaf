/**
 * The corpus index of folders on this machine's disk (the CLI, the Node extension host): the update
 * itself is core/corpus/updateIndex.ts (shared with the web extension); this gives it node:fs — stat,
 * the walk (runFilesUnder.ts), the index read line by line and written atomically (temporary file,
 * fsync, rename).
 */
import { createReadStream, statSync, type Stats } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { dirname, join, resolve } from 'node:path';
import { pathUnder } from './pathUnder';
import { updateIndex as update, type IndexStore, type UpdateIndexOptions, type UpdateIndexResult } from '../../core/corpus/updateIndex';
import { openAtomicFile } from '../atomicWrite';
import { runFilesUnder } from './runFilesUnder';

export type { IndexProgress } from '../../core/corpus/updateIndex';

/** `.peerwatch/index.jsonl` in a folder: where a folder's index lives unless told otherwise. */
export function defaultIndexFile(folder: string): string {
  return join(folder, '.peerwatch', 'index.jsonl');
}

/** The core's options (core/corpus/updateIndex.ts), with the folder and index file on disk in place of a file system. */
export type IndexerOptions = Omit<UpdateIndexOptions<string>, 'files' | 'index' | 'display' | 'pause'> & {
  /** Paths in the index are relative to this folder. */
  base: string;
  /** The index to read and rewrite; undefined: every file is tagged and nothing is written. */
  indexFile?: string;
  /** How a path is named in messages. */
  display?(path: string): string;
  /**
   * Look at each file with a blocking `stat` (the command line, whose main thread has nothing else to
   * do): a promise per file costs some 50 µs of this thread's CPU, and over a corpus of small files
   * that takes much of a core from the workers tagging them. Never in the extension host, which a
   * slow disk must not stall.
   */
  blockingStat?: boolean;
};

/** What indexing did, and the index file written, if one was. */
export type IndexerResult = Omit<UpdateIndexResult, 'written'> & { written?: string };

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
  const { base: _base, indexFile, display: _display, blockingStat, ...rest } = opts;
  const fileStat = (st: Stats) => ({ size: st.size, mtimeMs: st.mtimeMs, dir: st.isDirectory() });
  const { written, ...result } = await update<string>({
    ...rest,
    paths: opts.paths.map((p) => resolve(p)),
    files: {
      stat: async (p) => {
        try {
          return fileStat(blockingStat ? statSync(p) : await stat(p));
        } catch {
          return undefined;
        }
      },
      walk: runFilesUnder,
      relative: pathUnder(base),
      sibling: (p, name) => join(dirname(p), name),
    },
    ...(indexFile ? { index: diskIndex(indexFile, display(indexFile)) } : {}),
    display,
  });
  return { ...result, ...(written && opts.indexFile ? { written: opts.indexFile } : {}) };
}
