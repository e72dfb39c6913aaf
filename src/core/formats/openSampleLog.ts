/**
 * Opening a file that may be a log of many samples or runs, whatever reads its bytes: Inspect `.eval`
 * (a zip read by byte range) and `.json` logs, and files of many runs (tau2 results, NeMo Gym
 * rollouts, OpenHands evaluation output, JSON arrays and JSON Lines of runs; read whole). The CLI and
 * the Node extension host read through node:fs (src/node/sampleLogs.ts), the web extension through
 * `vscode.workspace.fs` (src/host/files.web.ts); both come here, so a file is the same kind of log
 * everywhere.
 *
 * Pure module: no `vscode`, no Node built-ins.
 */
import { samplesInOrder, type ByteSource, type Codecs, type SampleLog } from './sampleLog';
import type { Transcript } from '../model';
import { isInspectJson, looksLikeZip, openEvalLog, openInspectJsonLog } from './inspect';
import { mayHoldManyRuns, mayHoldManyRunsHead, openRunsLog } from './runs/runsLog';

/** Files of many runs are read whole: larger ones are opened as one transcript (or not at all). */
export const MAX_RUNS_FILE_BYTES = 512 * 1024 * 1024;

/** A file to open as a log: its path (for its name), how it is named in messages, and how to read it. */
export interface SampleLogFile {
  readonly path: string;
  readonly displayName: string;
  readonly bytes: ByteSource;
  /** The whole file as UTF-8 text (files of many runs are read whole; read again on refresh). */
  readText(): Promise<string>;
}

/**
 * Opens an Inspect log (`.eval`, or a `.json` whose first bytes are an Inspect log's) or a file of
 * many runs; undefined when the file is some other kind of file. Rejects with a message naming the
 * file when it is an Inspect log that cannot be read at all.
 */
export async function openSampleLog(file: SampleLogFile, codecs: Codecs): Promise<SampleLog | undefined> {
  const { path, displayName, bytes } = file;
  const first = await bytes.read(0, 8192);
  if (/\.eval$/i.test(path) || looksLikeZip(first)) {
    if (!/\.eval$/i.test(path) && !(await isZipOfInspect(displayName, bytes, codecs))) return undefined;
    return openEvalLog(displayName, bytes, codecs);
  }
  if (isInspectJson(first)) return openInspectJsonLog(displayName, bytes);
  // Binary files and run logs are never lists of runs.
  if (/\.runlog\.jsonl$/i.test(path) || first.includes(0)) return undefined;
  if (!mayHoldManyRunsHead(displayName, new TextDecoder('utf-8').decode(first))) return undefined;
  if ((await bytes.size()) > MAX_RUNS_FILE_BYTES) return undefined;
  const text = await file.readText();
  if (!mayHoldManyRuns(displayName, text)) return undefined;
  return openRunsLog(displayName, text, () => file.readText());
}

/** A zip not named `.eval` counts only when it holds an Inspect header or journal. */
async function isZipOfInspect(displayName: string, source: ByteSource, codecs: Codecs): Promise<boolean> {
  try {
    const log = await openEvalLog(displayName, source, codecs);
    return log.samples.length > 0 || log.info.task !== undefined;
  } catch {
    return false;
  }
}

/**
 * Each complete sample of `log` (but those in `skip`) read as a transcript, one at a time (so one is
 * held at most), or why it could not be read (the message names file and member); in the log's order,
 * or with `inspectOrder` in Inspect's (samplesInOrder). The corpus, `peerwatch tag`, the detection
 * worker and the web extension's sample tagging all go through this.
 */
export async function* sampleRuns(
  log: SampleLog,
  skip: ReadonlySet<string> = new Set(),
  opts: { inspectOrder?: boolean } = {},
): AsyncGenerator<{ key: string; transcript: Transcript; error?: undefined } | { key: string; transcript?: undefined; error: string }> {
  for (const s of opts.inspectOrder ? samplesInOrder(log) : log.samples) {
    if (!s.complete || skip.has(s.key)) continue;
    let transcript: Transcript;
    try {
      transcript = await log.readSample(s.key);
    } catch (e) {
      yield { key: s.key, error: e instanceof Error ? e.message : String(e) };
      continue;
    }
    yield { key: s.key, transcript };
  }
}
