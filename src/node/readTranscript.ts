/**
 * The Node side of the run reader (src/core/formats/readRun.ts): files read with node:fs, named in
 * messages relative to the current folder. Used by every CLI command that reads a run.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { readRun, type RunFiles, type RunRead } from '../core/formats/readRun';
import type { Transcript } from '../core/model';
import { isRunlogFile, streamRunlogFile } from './runlogFile';

/** Node's file system for the run reader; `display` names a file relative to the current folder. */
export const nodeRunFiles: RunFiles = {
  read: async (path) => {
    const b = await readFile(path);
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  },
  exists: async (path) => {
    try {
      return (await stat(path)).isFile();
    } catch {
      return false;
    }
  },
  display: (path) => relative(process.cwd(), path) || path,
  sha256: (bytes) => createHash('sha256').update(bytes).digest('hex'),
  // A run log is streamed with its events kept: `summarize` of a folder holding a 1 GB log read it
  // whole into one string and failed ("Cannot create a string longer than 0x1fffffe8 characters").
  readRunlog: async (path, opts) => ((await isRunlogFile(path)) ? streamRunlogFile(path, () => undefined, { keepEvents: true, ...opts }) : undefined),
};

/**
 * The same file system read synchronously, for a worker thread that reads one file after another and
 * has nothing else to do meanwhile: each read is a system call on this thread instead of a round trip
 * through libuv's thread pool, which over a corpus of small files left the worker idle a quarter of
 * the time. Never on the extension host's or the CLI's main thread.
 */
export const syncNodeRunFiles: RunFiles = {
  ...nodeRunFiles,
  read: (path) => {
    try {
      const b = readFileSync(path);
      return Promise.resolve(new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
  },
  exists: (path) => {
    try {
      return Promise.resolve(statSync(path).isFile());
    } catch {
      return Promise.resolve(false);
    }
  },
};

/** Reads the run `file` belongs to, the way the editor does (a harness run's sibling files included). */
export function readRunFile(file: string, opts: { hash?: boolean } = {}): Promise<RunRead> {
  return readRun(nodeRunFiles, file, opts);
}

/** The transcript of the run `file` belongs to. A missing file rejects with "FILE: no such file". */
export async function readTranscriptFile(file: string): Promise<Transcript> {
  if (!(await nodeRunFiles.exists(file))) throw new Error(`${file}: no such file`);
  return (await readRunFile(file)).transcript;
}
