/**
 * The one seam through which the extension host reads, writes and stats files. This is the Node side
 * (dist/extension.js): files on this machine's disk are read by byte range with node:fs (a run log of
 * a gigabyte is never held whole; `.eval` members are read where they are) and written atomically
 * (temporary file, fsync, rename); files on other file systems go through `vscode.workspace.fs`.
 *
 * The web extension (dist/web/extension.js) is built with files.web.ts in this module's place
 * (scripts/build.mjs swaps every `X.web.ts` for `X.ts` in the browser bundle); both export the same
 * names, checked by the type-checker in files.web.ts.
 */
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { ByteSource, SampleLog } from '../core/formats/sampleLog';
import { openSampleLog } from '../core/formats/openSampleLog';
import { fileByteSource, nodeCodecs } from '../node/sampleLogs';
import { openRunsLogInWorker } from '../node/runsLogProxy';
import { builtWorkerFile } from './detection';
import { isInspectJson } from '../core/formats/inspect';
import { removeStaleTemps, writeFileAtomically } from '../node/atomicWrite';
import { openWhole, readText, wholeFileByteSource, writeThroughRename, type OpenedFile } from './workspaceFiles';

export type { OpenedFile } from './workspaceFiles';

/** False here; true in the web extension's build of this module. */
export const IN_BROWSER: boolean = false;

/** Run logs larger than this (MB) ask before opening; formats read whole ask at a tenth of it. */
export const DEFAULT_CONFIRM_MB: number = 1500;
/** What the prompt before opening a large file adds about this platform (nothing in Node). */
export const LARGE_FILE_NOTE: string | undefined = undefined;

/** Random access to `uri` while open: a file handle for a file on disk. */
export async function openFile(uri: vscode.Uri): Promise<OpenedFile> {
  if (uri.scheme !== 'file') return openWhole(uri);
  const fh = await fs.promises.open(uri.fsPath, 'r');
  return {
    copy: false,
    size: async () => (await fh.stat()).size,
    read: async (offset, length) => {
      const buf = new Uint8Array(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? buf : buf.subarray(0, got);
    },
    close: () => fh.close(),
  };
}

/** Random access for the archive and log readers (each read sees the file as it is now). */
export function byteSource(uri: vscode.Uri): ByteSource {
  return uri.scheme === 'file' ? fileByteSource(uri.fsPath) : wholeFileByteSource(uri);
}

/** The first `bytes` bytes of `uri` (fewer when it is shorter). */
export async function readHead(uri: vscode.Uri, bytes: number): Promise<Uint8Array> {
  const f = await openFile(uri);
  try {
    return await f.read(0, bytes);
  } finally {
    await f.close();
  }
}

/** Opens `uri` as a log of many samples or runs (Inspect, tau2, …); undefined when it is not one. */
export async function openSampleLogAt(uri: vscode.Uri, displayName: string): Promise<SampleLog | undefined> {
  // A large file on disk that may hold many runs is read whole and parsed: in a worker thread, so the
  // extension host (every extension's) never waits on it. Inspect logs are read by byte range here.
  if (uri.scheme === 'file' && !/\.eval$/i.test(uri.path) && !/\.runlog\.jsonl$/i.test(uri.path)) {
    const worker = builtWorkerFile('runsLogWorker.js');
    const size = await fs.promises.stat(uri.fsPath).then((s) => s.size, () => 0);
    if (worker && size >= RUNS_IN_WORKER_BYTES && !isInspectJson(await readHead(uri, 8192))) return openRunsLogInWorker(worker, uri.fsPath, displayName);
  }
  const bytes = byteSource(uri);
  const text = uri.scheme === 'file' ? () => fs.promises.readFile(uri.fsPath, 'utf8') : () => readText(uri);
  return openSampleLog({ path: uri.path, displayName, bytes, readText: text }, nodeCodecs);
}

/**
 * Files of many runs from this size up are listed and read in the runs-log worker: parsing costs
 * about 25 ms per MB on this project's machine, so below it the host is held up for a moment at
 * most, and a worker's start (about 50 ms) is not worth it.
 */
const RUNS_IN_WORKER_BYTES = 4 * 1024 * 1024;

/** Writes `text` to `uri` so that a crash never leaves half a file (review sidecars, hot-exit backups). */
export async function writeTextAtomically(uri: vscode.Uri, text: string): Promise<void> {
  if (uri.scheme !== 'file') return writeThroughRename(uri, text);
  await writeFileAtomically(uri.fsPath, text);
}

/** Removes what an interrupted atomic write of `uri` left beside it (temporary files of dead processes). */
export async function removeLeftoverTemps(uri: vscode.Uri): Promise<void> {
  if (uri.scheme === 'file') await removeStaleTemps(uri.fsPath).catch(() => []);
}

/** Lets the extension host answer other messages between chunks of a long task. */
export function yieldToHost(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
