/**
 * The last logs of many samples opened, kept after their editors close, so opening one again (the
 * researcher goes back to the log after reading a sample elsewhere, or reopens the tab) lists its
 * samples at once instead of reading the archive's directory and every summary again: a quarter of a
 * second for 10,000 samples on a small machine, before the list can show.
 *
 * Kept only for a finished log (Inspect's status other than `started`); a log still being written,
 * or a file of runs with no status, is read every time. An entry is used only while the file's size
 * and modification time are those it was read at. At most MAX_LOGS are kept: the sample summaries
 * are held, never the samples.
 */
import * as vscode from 'vscode';
import type { SampleLog } from '../core/formats/sampleLog';

const MAX_LOGS = 2;

interface Entry {
  readonly size: number;
  readonly mtime: number;
  readonly log: SampleLog;
}

const entries = new Map<string, Entry>();

/** The log at `uri`: the one kept, when the file is unchanged since, else `open()` (kept when finished). */
export async function cachedSampleLog(uri: vscode.Uri, open: () => Promise<SampleLog | undefined>): Promise<SampleLog | undefined> {
  const key = uri.toString();
  const stat = await Promise.resolve(vscode.workspace.fs.stat(uri)).catch(() => undefined);
  const kept = entries.get(key);
  if (kept && stat && kept.size === stat.size && kept.mtime === stat.mtime) return kept.log;
  entries.delete(key);
  const log = await open();
  const status = log?.info.status;
  if (log && stat && status !== undefined && status !== 'started') {
    if (entries.size >= MAX_LOGS) entries.delete(entries.keys().next().value!);
    entries.set(key, { size: stat.size, mtime: stat.mtime, log });
  }
  return log;
}
