/**
 * The Node side of the run reader (src/core/formats/readRun.ts): files read with node:fs, named in
 * messages relative to the current folder. Used by every CLI command that reads a run.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { relative } from 'node:path';
import { readRun, type RunFiles, type RunRead } from '../core/formats/readRun';
import type { Transcript } from '../core/model';

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
